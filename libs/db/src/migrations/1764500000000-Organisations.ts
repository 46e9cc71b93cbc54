import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Organisations1764500000000 implements MigrationInterface {
  name = 'Organisations1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "organisations" (
        "id" text PRIMARY KEY,
        "name" text NOT NULL,
        "isms_manager" text NOT NULL,
        "top_management" jsonb NOT NULL DEFAULT '[]',
        "certification_body" jsonb NOT NULL,
        "scope" text NOT NULL,
        "time_zone" text NOT NULL,
        "working_days" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "organisations"`);
  }
}
