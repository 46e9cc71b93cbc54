import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An API key's name is unique among the keys in use only: a revoked key's name can be given to its
 * successor (`npm run apikey -- create jira` after revoking `jira`). The audit log tells the two
 * apart by key id.
 */
export class ActiveApiKeyNames1765230000000 implements MigrationInterface {
  name = 'ActiveApiKeyNames1765230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "UQ_api_keys_name"`);
    await q.query(`CREATE UNIQUE INDEX "UQ_api_keys_active_name" ON "api_keys" ("name") WHERE "revoked_at" IS NULL`);
  }

  /** Fails while a name is held by more than one key, as it must: the old constraint cannot hold then. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "UQ_api_keys_active_name"`);
    await q.query(`ALTER TABLE "api_keys" ADD CONSTRAINT "UQ_api_keys_name" UNIQUE ("name")`);
  }
}
