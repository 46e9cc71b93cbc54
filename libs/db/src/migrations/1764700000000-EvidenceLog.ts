import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EvidenceLog1764700000000 implements MigrationInterface {
  name = 'EvidenceLog1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "evidence_log" (
        "seq" bigint PRIMARY KEY,
        "key" text NOT NULL,
        "at" timestamptz NOT NULL,
        "actor" text NOT NULL,
        "process" text NOT NULL,
        "reference" text NOT NULL,
        "kind" text NOT NULL,
        "payload_digest" text NOT NULL,
        "prev_hash" text NOT NULL,
        "hash" text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_evidence_log_key" ON "evidence_log" ("key")`);
    await q.query(`CREATE INDEX "IDX_evidence_log_at" ON "evidence_log" ("at")`);
    // Append-only for everyone but a superuser who disables triggers on purpose (which the chain then shows).
    await q.query(`
      CREATE FUNCTION evidence_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'evidence_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER evidence_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "evidence_log" FOR EACH STATEMENT EXECUTE FUNCTION evidence_log_append_only()`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON "evidence_log" FROM PUBLIC, CURRENT_USER`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "evidence_log"`);
    await q.query(`DROP FUNCTION evidence_log_append_only()`);
  }
}
