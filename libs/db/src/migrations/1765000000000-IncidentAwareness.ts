import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An incident keeps a later awareness recorded at triage beside the ticket's, and may name its organisation (its time zone). */
export class IncidentAwareness1765000000000 implements MigrationInterface {
  name = 'IncidentAwareness1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "incidents" ADD "recorded_aware_at" timestamptz, ADD "awareness_reason" text, ADD "organisation_id" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "incidents" DROP COLUMN "organisation_id", DROP COLUMN "awareness_reason", DROP COLUMN "recorded_aware_at"`);
  }
}
