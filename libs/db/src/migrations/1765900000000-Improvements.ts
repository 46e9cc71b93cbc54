import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The improvements register (ISO 27001 10.1), numbered per year like NCs. */
export class Improvements1765900000000 implements MigrationInterface {
  name = 'Improvements1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "improvements" (
      "id" text PRIMARY KEY, "title" text NOT NULL, "description" text NOT NULL, "source" text NOT NULL, "source_ref" text,
      "owner" text NOT NULL, "due_on" date, "status" text NOT NULL, "outcome" text, "decided_on" date, "decided_by" text, "recorded_by" text,
      "raised_by" text NOT NULL, "raised_at" timestamptz NOT NULL, "idempotency_key" text UNIQUE)`);
    await q.query(`CREATE UNIQUE INDEX "UQ_improvements_source_ref" ON "improvements" ("source", "source_ref") WHERE "source_ref" IS NOT NULL`);
    await q.query(`CREATE INDEX "IDX_improvements_status" ON "improvements" ("status")`);
    await q.query(`CREATE TABLE "improvement_counters" ("year" int PRIMARY KEY, "last" int NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "improvement_counters"`);
    await q.query(`DROP TABLE "improvements"`);
  }
}
