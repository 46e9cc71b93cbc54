import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An organisation's DORA weekend and bank holiday relief (RTS 2025/301 Art. 5(4)), when it has it. */
export class DoraWeekendRelief1766000000000 implements MigrationInterface {
  name = 'DoraWeekendRelief1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "organisations" ADD "dora_weekend_relief" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "organisations" DROP COLUMN "dora_weekend_relief"`);
  }
}
