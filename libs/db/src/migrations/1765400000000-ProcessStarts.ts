import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The row that owns a process (an incident, an NC, a certification cycle) records when its process
 * began, so a redelivered request never starts it again, not even after Temporal's retention has
 * deleted the closed run. Existing rows count as started where their workflow has written to them.
 */
export class ProcessStarts1765400000000 implements MigrationInterface {
  name = 'ProcessStarts1765400000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['incidents', 'nonconformities', 'certification_cycles']) {
      await q.query(`ALTER TABLE "${table}" ADD "process_started_at" timestamptz`);
    }
    await q.query(`UPDATE "incidents" i SET "process_started_at" = i."reported_at"
      WHERE i."closed_at" IS NOT NULL OR i."step" <> 'triage' OR EXISTS (SELECT 1 FROM "incident_entries" e WHERE e."incident_id" = i."id")`);
    await q.query(`UPDATE "nonconformities" n SET "process_started_at" = n."raised_at"
      WHERE n."status" IN ('closed', 'cancelled') OR EXISTS (SELECT 1 FROM "nc_entries" e WHERE e."nc_id" = n."id")`);
    await q.query(`UPDATE "certification_cycles" SET "process_started_at" = "created_at" WHERE "view" IS NOT NULL OR "status" <> 'running'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['incidents', 'nonconformities', 'certification_cycles']) {
      await q.query(`ALTER TABLE "${table}" DROP COLUMN "process_started_at"`);
    }
  }
}
