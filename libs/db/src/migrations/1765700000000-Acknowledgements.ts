import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Policy acknowledgement rounds: a document's audience, the rounds per major version, one request per person. */
export class Acknowledgements1765700000000 implements MigrationInterface {
  name = 'Acknowledgements1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "documents" ADD COLUMN "audience" jsonb`);
    // The same rule as majorVersion (libs/domain/src/acknowledgement.ts): the leading number, else the whole version.
    await q.query(`ALTER TABLE "document_acknowledgements" ADD COLUMN "major" text`);
    await q.query(`UPDATE "document_acknowledgements" SET "major" = coalesce(regexp_replace(substring(btrim("version") from '^[0-9]+'), '^0+(?=[0-9])', ''), btrim("version"))`);
    await q.query(`ALTER TABLE "document_acknowledgements" ALTER COLUMN "major" SET NOT NULL`);
    await q.query(`CREATE INDEX "IDX_document_acknowledgements_major" ON "document_acknowledgements" ("document_id", "major", "person")`);
    await q.query(`
      CREATE TABLE "acknowledgement_rounds" (
        "id" text PRIMARY KEY, "document_id" text NOT NULL, "version" text NOT NULL, "major" text NOT NULL, "due_at" timestamptz NOT NULL,
        "started_by" text NOT NULL, "created_at" timestamptz NOT NULL, "process_started_at" timestamptz, "superseded_at" timestamptz
      )`);
    await q.query(`CREATE INDEX "IDX_acknowledgement_rounds_document" ON "acknowledgement_rounds" ("document_id")`);
    await q.query(`
      CREATE TABLE "acknowledgement_requests" (
        "round_id" text NOT NULL, "person" text NOT NULL, "batch_key" text NOT NULL, "status" text NOT NULL, "due_at" timestamptz NOT NULL,
        "created_at" timestamptz NOT NULL, "last_mail" text, "acknowledged_at" timestamptz, "closed_reason" text,
        PRIMARY KEY ("round_id", "person")
      )`);
    await q.query(`CREATE INDEX "IDX_acknowledgement_requests_batch" ON "acknowledgement_requests" ("batch_key", "status", "person")`);
    await q.query(`CREATE INDEX "IDX_acknowledgement_requests_person" ON "acknowledgement_requests" ("person", "status")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "acknowledgement_requests"`);
    await q.query(`DROP TABLE "acknowledgement_rounds"`);
    await q.query(`DROP INDEX "IDX_document_acknowledgements_major"`);
    await q.query(`ALTER TABLE "document_acknowledgements" DROP COLUMN "major"`);
    await q.query(`ALTER TABLE "documents" DROP COLUMN "audience"`);
  }
}
