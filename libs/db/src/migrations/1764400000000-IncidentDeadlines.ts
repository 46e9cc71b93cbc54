import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An incident keeps its regulatory deadlines and their state, readable after it has closed. */
export class IncidentDeadlines1764400000000 implements MigrationInterface {
  name = 'IncidentDeadlines1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "incidents" ADD "deadlines" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "incidents" DROP COLUMN "deadlines"`);
  }
}
