/**
 * `npm start`: the whole system in one terminal, on embedded defaults. PostgreSQL (DATABASE_URL,
 * else embedded under .data/), the Temporal dev server (TEMPORAL_ADDRESS, else started with its
 * SQLite file under .data/), an SMTP catcher (SMTP_URL, else started), then the worker and the API.
 * Ctrl-C stops them in order: API, worker (drained), Temporal, SMTP, PostgreSQL.
 */
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKey, dataSourceOptions, migrate } from '../libs/db/src';
import { PROJECT_ROOT } from '../libs/devstack/src/binaries';
import { DEV_DATA_DIR, DEV_PORTS, DEV_POSTGRES_DIR } from '../libs/devstack/src/dev-paths';
import { spawnPrefixed, stopProcess, waitForOutput, waitForPort } from '../libs/devstack/src/processes';
import { startEmbeddedPostgres } from '../libs/devstack/src/postgres';
import { startSmtpCatcher } from '../libs/devstack/src/smtp-catcher';
import { startTemporalDevServer } from '../libs/devstack/src/temporal-dev-server';
import { createApiKey } from '../libs/security/src';

const DATA = DEV_DATA_DIR;
const DEV_KEY_FILE = path.join(DATA, 'dev-api-key');
const shown = (file: string) => path.relative(process.cwd(), file) || file;
const color = (code: number, s: string) => (process.stdout.isTTY ? `\x1b[${code}m${s}\x1b[0m` : s);
const log = (msg: string) => console.log(`${color(36, '[ismsflow]')} ${msg}`);

/** A secret generated on first start and kept under .data/ (mode 600). */
function localSecret(name: string): string {
  const file = path.join(DATA, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function ensureDevApiKey(databaseUrl: string): Promise<string | undefined> {
  const db = new DataSource(dataSourceOptions(databaseUrl));
  await db.initialize();
  try {
    if (await db.getRepository(ApiKey).existsBy({ name: 'dev-admin' })) return undefined;
    const { key } = await createApiKey(db, 'dev-admin', 'admin');
    writeFileSync(DEV_KEY_FILE, `${key}\n`, { mode: 0o600 });
    return key;
  } finally {
    await db.destroy();
  }
}

/** What is running, in start order; stopped in reverse. */
const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  for (const { name, stop } of stops.reverse()) {
    await stop().catch((err: Error) => log(`${name} did not stop cleanly: ${err.message}`));
  }
  log('stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const env: Record<string, string> = {
    TASK_LINK_SECRET: process.env.TASK_LINK_SECRET ?? localSecret('task-link-secret'),
    // Every mail lands in the local mailbox, so a made-up ISMS manager is fine for trying things out.
    ISMS_MANAGER_EMAIL: process.env.ISMS_MANAGER_EMAIL ?? 'isms-manager@example.com',
    INCIDENT_HANDLER_EMAIL: process.env.INCIDENT_HANDLER_EMAIL ?? 'incident-handler@example.com',
    DPO_EMAIL: process.env.DPO_EMAIL ?? 'dpo@example.com',
    CISO_EMAIL: process.env.CISO_EMAIL ?? 'ciso@example.com',
  };

  const ports = DEV_PORTS;
  const [databaseUrl, temporalAddress, smtpUrl] = await Promise.all([
    process.env.DATABASE_URL ??
      startEmbeddedPostgres({ dataDir: DEV_POSTGRES_DIR, port: ports.postgres, logPrefix: color(34, '[postgres]') }).then((pg) => {
        stops.unshift({ name: 'postgres', stop: pg.stop });
        return pg.url;
      }),
    process.env.TEMPORAL_ADDRESS ??
      startTemporalDevServer({ dataDir: path.join(DATA, 'temporal'), port: ports.temporal, uiPort: ports.temporalUi, logPrefix: color(35, '[temporal]') }).then((t) => {
        stops.push({ name: 'temporal', stop: t.stop });
        env.TEMPORAL_UI_URL = t.uiUrl;
        return t.address;
      }),
    process.env.SMTP_URL ??
      startSmtpCatcher({ smtpPort: ports.smtp, httpPort: ports.mailbox }).then((m) => {
        stops.push({ name: 'smtp catcher', stop: m.stop });
        return `smtp://127.0.0.1:${ports.smtp}`;
      }),
  ]);
  Object.assign(env, { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, SMTP_URL: smtpUrl });

  const ran = await migrate(databaseUrl);
  if (ran.length) log(`database migrated: ${ran.join(', ')}`);
  const newKey = await ensureDevApiKey(databaseUrl);

  const childEnv = { ...process.env, ...env };
  const node = (script: string, prefix: string): ChildProcess => {
    // Own process group: Ctrl-C reaches only this launcher, which stops children in order.
    const child = spawnPrefixed(process.execPath, ['-r', '@swc-node/register', script], prefix, { env: childEnv, detached: true, cwd: PROJECT_ROOT });
    child.once('exit', (code) => {
      if (!stopping) {
        log(`${prefix} exited with code ${code}; stopping everything`);
        void shutdown(1);
      }
    });
    return child;
  };
  const worker = node('apps/worker/src/main.ts', color(33, '[worker]'));
  stops.push({ name: 'worker', stop: () => stopProcess(worker, 30_000) });
  const api = node('apps/api/src/main.ts', color(32, '[api]'));
  stops.push({ name: 'api', stop: () => stopProcess(api) });
  const port = ports.api;
  await Promise.all([waitForOutput(worker, /worker polling task queue/), waitForPort(port)]);

  const uiUrl = env.TEMPORAL_UI_URL ?? process.env.TEMPORAL_UI_URL;
  log('ismsflow is running');
  console.log(`
  API             http://localhost:${port}        OpenAPI: http://localhost:${port}/docs
  Health          http://localhost:${port}/health
  ${uiUrl ? `Temporal UI     ${uiUrl}` : `Temporal        ${temporalAddress}`}
  ${process.env.SMTP_URL ? `SMTP            ${smtpUrl}` : `Mailbox         http://localhost:${ports.mailbox}  (every mail ismsflow sends lands here)`}
  Database        ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL on 127.0.0.1:${ports.postgres}, data in ${shown(DEV_POSTGRES_DIR)}`}
  ${newKey ? `Admin API key   ${newKey}\n                  (shown once; also saved in ${shown(DEV_KEY_FILE)}, mode 600)` : `Admin API key   in ${shown(DEV_KEY_FILE)}`}

  Try: curl -X POST http://localhost:${port}/tasks -H "Authorization: Bearer $(cat ${shown(DEV_KEY_FILE)})" \\
         -H 'content-type: application/json' \\
         -d '{"title":"Review the access policy","instructions":"Read it and approve","assignee":"you@example.com","dueAt":"${new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10)}T17:00:00Z"}'
  Press Ctrl-C to stop.
`);
}

main().catch((err) => {
  console.error(err);
  void shutdown(1);
});
