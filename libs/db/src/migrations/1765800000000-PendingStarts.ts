import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rows whose process has not begun are found and started by the API's sweep (a start lost to a crash
 * between the row and the start): an index of just those rows per table, the NC's calendar and the
 * cycle's input, so a sweep starts each with the same input as its first start would have had.
 */
export class PendingStarts1765800000000 implements MigrationInterface {
  name = 'PendingStarts1765800000000';
  /** Each table, with the column its rows are dated by. */
  private readonly tables = { nonconformities: 'raised_at', incidents: 'reported_at', certification_cycles: 'created_at', acknowledgement_rounds: 'created_at' };

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "nonconformities" ADD "time_zone" text`);
    await q.query(`ALTER TABLE "certification_cycles" ADD "input" jsonb`);
    for (const [table, dated] of Object.entries(this.tables)) await q.query(`CREATE INDEX "IDX_${table}_not_started" ON "${table}" ("${dated}") WHERE "process_started_at" IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of Object.keys(this.tables)) await q.query(`DROP INDEX "IDX_${table}_not_started"`);
    await q.query(`ALTER TABLE "certification_cycles" DROP COLUMN "input"`);
    await q.query(`ALTER TABLE "nonconformities" DROP COLUMN "time_zone"`);
  }
}
