import { DataSource } from 'typeorm';
import { dataSourceOptions, migrate } from '../../libs/db/src';

// As the schema's owner, who runs the migrations (under the embedded PostgreSQL not the application's role).
describe('database schema', () => {
  it('the migrations produce exactly what the entities describe', async () => {
    const db = new DataSource(dataSourceOptions(process.env.TEST_ADMIN_DATABASE_URL!));
    await db.initialize();
    try {
      const pending = await db.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('migrating again is a no-op', async () => {
    expect(await migrate(process.env.TEST_ADMIN_DATABASE_URL!)).toEqual([]);
  });
});
