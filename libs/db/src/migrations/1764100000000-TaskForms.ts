import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tasks can carry a form (root cause, action plan, ...) and keep the answers given on it. */
export class TaskForms1764100000000 implements MigrationInterface {
  name = 'TaskForms1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tasks" ADD "form" jsonb, ADD "data" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tasks" DROP COLUMN "data", DROP COLUMN "form"`);
  }
}
