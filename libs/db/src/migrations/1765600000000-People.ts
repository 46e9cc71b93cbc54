import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The staff directory: who is on staff, by department and manager, as an HR system or an identity provider keeps it. */
export class People1765600000000 implements MigrationInterface {
  name = 'People1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "people" (
        "email" text PRIMARY KEY, "name" text NOT NULL, "department" text NOT NULL, "manager" text, "start_date" date NOT NULL, "leave_date" date,
        "active" boolean NOT NULL, "updated_at" timestamptz NOT NULL, "updated_by" text NOT NULL
      )`);
    await q.query(`CREATE INDEX "IDX_people_department" ON "people" ("department")`);
    await q.query(`CREATE INDEX "IDX_people_start_date" ON "people" ("start_date")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "people"`);
  }
}
