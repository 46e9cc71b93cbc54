import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who did it comes from the credential: a register entry naming another person (the owner accepting
 * a risk, the approver of a document, the person acknowledging it) keeps the caller who recorded it.
 */
export class RecordedBy1765500000000 implements MigrationInterface {
  name = 'RecordedBy1765500000000';
  private readonly tables = ['risk_acceptances', 'document_versions', 'document_acknowledgements'];

  async up(q: QueryRunner): Promise<void> {
    for (const table of this.tables) await q.query(`ALTER TABLE "${table}" ADD "recorded_by" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of this.tables) await q.query(`ALTER TABLE "${table}" DROP COLUMN "recorded_by"`);
  }
}
