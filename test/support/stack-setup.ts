import path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../libs/db/src';
import { freePort } from '../../libs/devstack/src/processes';
import { migrateDatabase, removeEmbeddedPostgresData, startEmbeddedPostgres, throwawayDatabase } from '../../libs/devstack/src/postgres';
import { startSmtpCatcher } from '../../libs/devstack/src/smtp-catcher';
import { startTemporalDevServer } from '../../libs/devstack/src/temporal-dev-server';
import { createApiKey } from '../../libs/security/src';
import { bundleOnce, TEST_DATA_DIR } from './bundle';

/**
 * The real parts, started once for the integration and browser tests: PostgreSQL (a throwaway
 * database on DATABASE_URL's server, else an embedded one), the Temporal dev server on a SQLite
 * file, and the SMTP catcher. Test files read where they are from the environment.
 */
export default async function globalSetup(): Promise<void> {
  await bundleOnce();
  const dir = path.join(TEST_DATA_DIR, `stack-${process.pid}`);
  const stops: Array<() => Promise<void>> = [];
  (globalThis as any).__ismsflowStack = { stops, dir };

  const [temporalPort, uiPort, smtpPort, mailPort, pgPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const [database, temporal, mail] = await Promise.all([
    testDatabase(dir, pgPort, stops),
    startTemporalDevServer({ dataDir: path.join(dir, 'temporal'), port: temporalPort, uiPort }),
    // Every suite's mail, kept for the whole run.
    startSmtpCatcher({ smtpPort, httpPort: mailPort, maxMessages: 20_000 }),
  ]);
  stops.push(temporal.stop, mail.stop);
  await migrateDatabase(database.adminUrl, database.url);

  const db = new DataSource(dataSourceOptions(database.url));
  await db.initialize();
  const { key } = await createApiKey(db, 'test-suite', 'admin');
  await db.destroy();

  Object.assign(process.env, {
    // The application's connection (under the embedded PostgreSQL its own role, as with npm start), and the owner's.
    DATABASE_URL: database.url,
    TEST_ADMIN_DATABASE_URL: database.adminUrl,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_UI_URL: temporal.uiUrl,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    MAILPIT_URL: mail.url,
    TASK_LINK_SECRET: 'test-secret-that-is-long-enough-0123456789',
    TEST_API_KEY: key,
    // The suites share one key; the rate limit has its own test with a low limit.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '1000000',
    TEST_STACK_DIR: dir,
  });
}

async function testDatabase(dir: string, port: number, stops: Array<() => Promise<void>>): Promise<{ url: string; adminUrl: string }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port });
    stops.push(async () => {
      await pg.stop();
      removeEmbeddedPostgresData(dir);
    });
    return pg;
  }
  // Never touch the user's own database: make a throwaway one beside it.
  const db = await throwawayDatabase(serverUrl, 'ismsflow_test');
  stops.push(db.drop);
  return db;
}
