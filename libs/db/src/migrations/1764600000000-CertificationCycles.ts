import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CertificationCycles1764600000000 implements MigrationInterface {
  name = 'CertificationCycles1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "certification_cycles" (
        "id" text PRIMARY KEY,
        "organisation_id" text NOT NULL,
        "decision_date" date,
        "workflow_id" text NOT NULL,
        "status" text NOT NULL,
        "next_audit_kind" text,
        "next_audit_date" date,
        "request" jsonb NOT NULL,
        "view" jsonb,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX "IDX_certification_cycles_organisation" ON "certification_cycles" ("organisation_id")`);
    await q.query(`
      CREATE TABLE "cycle_activities" (
        "cycle_id" text NOT NULL,
        "activity_id" text NOT NULL,
        "kind" text NOT NULL,
        "for_audit" text NOT NULL,
        "due" date NOT NULL,
        "status" text NOT NULL,
        "owner" text NOT NULL,
        "workflow_id" text,
        "completed_on" date,
        "summary" text,
        "record" jsonb,
        "updated_at" timestamptz NOT NULL,
        PRIMARY KEY ("cycle_id", "activity_id")
      )`);
    await q.query(`CREATE INDEX "IDX_cycle_activities_status_due" ON "cycle_activities" ("status", "due")`);
    await q.query(`CREATE INDEX "IDX_cycle_activities_owner_status" ON "cycle_activities" ("owner", "status")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "cycle_activities"`);
    await q.query(`DROP TABLE "certification_cycles"`);
  }
}
