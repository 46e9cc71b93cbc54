/**
 * `npm start`: the whole system in one terminal, on embedded defaults. PostgreSQL (DATABASE_URL,
 * else embedded under .data/), the Temporal dev server (TEMPORAL_ADDRESS, else started with its
 * SQLite file under .data/), an SMTP catcher (SMTP_URL, else started), then the worker and the API.
 * Ctrl-C stops them in order: API, worker (drained), Temporal, SMTP, PostgreSQL.
 * One `npm start` per data folder (a lock in it); every port is checked before anything starts,
 * and a part that cannot start says why and what to do (libs/devstack/src/startup-error.ts).
 */
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataSource, IsNull } from 'typeorm';
import { APP_VARIABLES, givenEnv } from '../libs/config/src';
import { ApiKey, dataSourceOptions } from '../libs/db/src';
import { PROJECT_ROOT } from '../libs/devstack/src/binaries';
import { devDataDir, devPorts, devPostgresDir } from '../libs/devstack/src/dev-paths';
import { acquireInstanceLock } from '../libs/devstack/src/instance-lock';
import { checkPortFree, findPortHolder, portInUse, type WantedPort } from '../libs/devstack/src/ports';
import { migrateDatabase, startEmbeddedPostgres } from '../libs/devstack/src/postgres';
import { POSTGRES_PART, relocatedPgdata } from '../libs/devstack/src/postgres-files';
import { spawnPrefixed, stopProcess, waitForOutput, waitForPort } from '../libs/devstack/src/processes';
import { startSmtpCatcher } from '../libs/devstack/src/smtp-catcher';
import { asStartupError, describeStartupFailure, StartupError } from '../libs/devstack/src/startup-error';
import { startTemporalDevServer } from '../libs/devstack/src/temporal-dev-server';
import { createApiKey } from '../libs/security/src';

// Set first thing in main(), where a bad ISMSFLOW_DATA_DIR is told in words like every other setting.
let DATA = '';
let DEV_POSTGRES_DIR = '';
let DEV_KEY_FILE = '';
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
    // A revoked one is replaced (the file then holds a key that works again).
    if (await db.getRepository(ApiKey).existsBy({ name: 'dev-admin', revokedAt: IsNull() })) return undefined;
    const { key } = await createApiKey(db, 'dev-admin', 'admin');
    writeFileSync(DEV_KEY_FILE, `${key}\n`, { mode: 0o600 });
    return key;
  } finally {
    await db.destroy();
  }
}

/** What is running, in start order; stopped in reverse. */
const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
let releaseLock = () => {};
let running = false;
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (stops.length) log('stopping…');
  for (const { name, stop } of stops.reverse()) {
    await stop().catch((err: Error) => log(`${name} did not stop cleanly: ${err.message}`));
  }
  releaseLock();
  if (running) log('stopped');
  process.exit(code);
}

/** Starts one part; its failure in words, a port someone holds with the variable that moves it. */
async function startPart<T>(part: string, ports: WantedPort[], start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const { code, port } = err as { code?: string; port?: number };
    const wanted = ports.find((p) => p.port === port);
    throw code === 'EADDRINUSE' && wanted ? portInUse(wanted, findPortHolder(wanted.port), leftoverHints()) : asStartupError(part, err);
  }
}

/** A listener whose command line or ISMSFLOW_DATA_DIR names one of these is a remnant of an earlier run on this data folder. */
function leftoverHints(): string[] {
  return [DATA, relocatedPgdata(DEV_POSTGRES_DIR)].filter((h): h is string => !!h);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  DATA = devDataDir();
  DEV_POSTGRES_DIR = devPostgresDir();
  DEV_KEY_FILE = path.join(DATA, 'dev-api-key');
  const ports = devPorts();
  // Every variable the API and the worker read is checked before anything starts; those set point elsewhere.
  const given = givenEnv(APP_VARIABLES);
  mkdirSync(DATA, { recursive: true });
  releaseLock = acquireInstanceLock(DATA, { folder: PROJECT_ROOT, api: `http://${urlHost(ports.api.host)}:${ports.api.port}` });
  process.on('exit', () => releaseLock());

  // Only the parts the environment does not point elsewhere; every port before anything starts.
  const wanted = [
    ...(given.DATABASE_URL ? [] : [ports.postgres]),
    ...(given.TEMPORAL_ADDRESS ? [] : [ports.temporal, ports.temporalUi]),
    ...(given.SMTP_URL ? [] : [ports.smtp, ports.mailbox]),
    ports.api,
    ...(ports.metrics ? [ports.metrics.api, ports.metrics.worker] : []),
  ];
  await allOrErrors(wanted.map((p) => checkPortFree(p, leftoverHints())));

  const env: Record<string, string> = {
    TASK_LINK_SECRET: given.TASK_LINK_SECRET ?? localSecret('task-link-secret'),
    // Every mail lands in the local mailbox, so a made-up ISMS manager is fine for trying things out.
    ISMS_MANAGER_EMAIL: given.ISMS_MANAGER_EMAIL ?? 'isms-manager@example.com',
    INCIDENT_HANDLER_EMAIL: given.INCIDENT_HANDLER_EMAIL ?? 'incident-handler@example.com',
    DPO_EMAIL: given.DPO_EMAIL ?? 'dpo@example.com',
    CISO_EMAIL: given.CISO_EMAIL ?? 'ciso@example.com',
  };

  const [database, temporalAddress, smtpUrl] = await allOrErrors([
    // The user's own server as they gave it; the embedded one migrated by its superuser, used by the application's role.
    given.DATABASE_URL ? { url: given.DATABASE_URL, adminUrl: given.DATABASE_URL } :
      startPart(POSTGRES_PART, [ports.postgres], () => startEmbeddedPostgres({ dataDir: DEV_POSTGRES_DIR, port: ports.postgres.port, logPrefix: color(34, '[postgres]') })).then((pg) => {
        stops.unshift({ name: 'postgres', stop: pg.stop });
        return pg;
      }),
    given.TEMPORAL_ADDRESS ??
      startPart(ports.temporal.part, [ports.temporal, ports.temporalUi], () =>
        startTemporalDevServer({ dataDir: path.join(DATA, 'temporal'), port: ports.temporal.port, uiPort: ports.temporalUi.port, logPrefix: color(35, '[temporal]') }),
      ).then((t) => {
        stops.push({ name: 'temporal', stop: t.stop });
        env.TEMPORAL_UI_URL = t.uiUrl;
        return t.address;
      }),
    given.SMTP_URL ??
      startPart(ports.smtp.part, [ports.smtp, ports.mailbox], () => startSmtpCatcher({ smtpPort: ports.smtp.port, httpPort: ports.mailbox.port })).then((m) => {
        stops.push({ name: 'smtp catcher', stop: m.stop });
        return `smtp://127.0.0.1:${ports.smtp.port}`;
      }),
  ]);
  Object.assign(env, { DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalAddress, SMTP_URL: smtpUrl });

  const newKey = await startPart('the database schema', [], async () => {
    const ran = await migrateDatabase(database.adminUrl, database.url);
    if (ran.length) log(`database migrated: ${ran.join(', ')}`);
    return ensureDevApiKey(database.url);
  });

  // ISMSFLOW_DATA_DIR marks the worker and the API as this folder's, should one outlive the launcher.
  const childEnv = { ...process.env, ...env, ISMSFLOW_DATA_DIR: DATA };
  const node = (script: string, part: string, prefix: string, ready: (child: ChildProcess) => Promise<void>, metrics?: WantedPort): Promise<void> => {
    // Own process group: Ctrl-C reaches only this launcher, which stops children in order.
    // By its full path: a process left over from this folder is then recognisable by its command line.
    // The IPC channel tells it when this launcher is gone (libs/devstack/exit-with-launcher.js).
    const args = ['-r', '@swc-node/register', '-r', path.join(PROJECT_ROOT, 'libs/devstack/exit-with-launcher.js'), path.join(PROJECT_ROOT, script)];
    const child = spawnPrefixed(process.execPath, args, prefix, { env: { ...childEnv, ...(metrics && { METRICS_PORT: String(metrics.port) }) }, detached: true, cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    stops.push({ name: part, stop: () => stopProcess(child, 30_000) });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    void exited.then((code) => {
      if (running && !stopping) {
        log(`${prefix} exited with code ${code}; stopping everything`);
        void shutdown(1);
      }
    });
    return Promise.race([
      ready(child),
      exited.then((code) => {
        throw new StartupError(part, `it stopped with exit code ${code} as it started (its messages are above, marked ${prefix})`, 'fix what it says there; DEBUG=ismsflow shows its stack trace');
      }),
    ]);
  };
  await allOrErrors([
    node('apps/worker/src/main.ts', 'the worker', color(33, '[worker]'), (child) => waitForOutput(child, /worker polling task queue/), ports.metrics?.worker),
    node('apps/api/src/main.ts', 'the API', color(32, '[api]'), () => waitForPort(ports.api.port, reachable(ports.api.host)), ports.metrics?.api),
  ]);
  running = true;

  const port = ports.api.port;
  const apiHost = urlHost(ports.api.host);
  const uiUrl = env.TEMPORAL_UI_URL ?? given.TEMPORAL_UI_URL;
  const relocated = relocatedPgdata(DEV_POSTGRES_DIR);
  log('ismsflow is running');
  console.log(`
  API             http://${apiHost}:${port}        OpenAPI: http://${apiHost}:${port}/docs
  Health          http://${apiHost}:${port}/health
${ports.metrics ? `  Metrics         API http://${apiHost}:${ports.metrics.api.port}/metrics, worker http://localhost:${ports.metrics.worker.port}/metrics\n` : ''}  ${uiUrl ? `Temporal UI     ${uiUrl}` : `Temporal        ${temporalAddress}`}
  ${given.SMTP_URL ? `SMTP            ${smtpUrl}` : `Mailbox         http://localhost:${ports.mailbox.port}  (every mail ismsflow sends lands here)`}
  Database        ${given.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL on 127.0.0.1:${ports.postgres.port}, data in ${shown(DEV_POSTGRES_DIR)}${relocated ? ` (kept in ${relocated}, where the postgres user can reach it)` : ''}`}
  ${newKey ? `Admin API key   ${newKey}\n                  (shown once; also saved in ${shown(DEV_KEY_FILE)}, mode 600)` : `Admin API key   in ${shown(DEV_KEY_FILE)}`}

  Try: curl -X POST http://${apiHost}:${port}/tasks -H "Authorization: Bearer $(cat ${shown(DEV_KEY_FILE)})" \\
         -H 'content-type: application/json' \\
         -d '{"title":"Review the access policy","instructions":"Read it and approve","assignee":"you@example.com","dueAt":"${new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10)}T17:00:00Z"}'
  Press Ctrl-C to stop.
`);
}

/** Where to reach a listener on `host`: itself, or loopback for "every address". */
function reachable(host: string): string {
  return ['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host;
}

/** `host` as a URL names it: localhost for every address, IPv6 in brackets. */
function urlHost(host: string): string {
  const h = reachable(host);
  return h === '127.0.0.1' && h !== host ? 'localhost' : h.includes(':') ? `[${h}]` : h;
}

/** Like Promise.all, but waits for every part and reports each one that failed. */
async function allOrErrors<T extends readonly unknown[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises);
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failed.length > 1) throw new AggregateError(failed, 'several parts could not start');
  if (failed.length) throw failed[0];
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

main().catch((err: unknown) => {
  console.error(`${color(31, '[ismsflow]')} ${describeStartupFailure(err).replace(/\n/g, `\n${' '.repeat(11)}`)}`);
  void shutdown(1);
});
