import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 16: mail a relay refused for good, who recorded a completion for someone else, sessions that end. */
export class Trust1765100000000 implements MigrationInterface {
  name = 'Trust1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "outbound_mail" ADD COLUMN "error" text`);
    await q.query(`ALTER TABLE "tasks" ADD COLUMN "recorded_by" text`);
    await q.query(`
      CREATE TABLE "dashboard_sessions" (
        "id" text PRIMARY KEY,
        "key_id" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "ended_at" timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "dashboard_sessions"`);
    await q.query(`ALTER TABLE "tasks" DROP COLUMN "recorded_by"`);
    await q.query(`ALTER TABLE "outbound_mail" DROP COLUMN "error"`);
  }
}
