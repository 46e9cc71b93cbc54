import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from './binaries';
import { pipeWithPrefix, spawnPrefixed, stopProcess } from './processes';

export interface RunningPostgres {
  url: string;
  stop: () => Promise<void>;
}

/**
 * An embedded PostgreSQL whose data lives in `dataDir` (it survives restarts), with a generated
 * password kept beside it (mode 600).
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; logPrefix?: string }): Promise<RunningPostgres> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o755 });
  const secretFile = path.join(opts.dataDir, 'password');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(secretFile, 'utf8').trim();
  const pgDir = path.join(opts.dataDir, 'pgdata');
  const script = path.join(PROJECT_ROOT, 'libs', 'devstack', 'embedded-postgres.js');
  const child = spawnPrefixed(process.execPath, [script, pgDir, String(opts.port), password], undefined, { detached: true });
  let log = '';
  const collect = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    const ready = () => /^ready$/m.test(log) && resolve();
    child.stdout?.on('data', ready);
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code}:\n${log}`)));
  });
  child.stdout?.off('data', collect);
  child.stderr?.off('data', collect);
  if (opts.logPrefix) pipeWithPrefix(child, opts.logPrefix);
  return { url: embeddedDatabaseUrl(opts.dataDir, opts.port)!, stop: () => stopProcess(child, 30_000) };
}

/** The URL of the embedded database kept in `dataDir`, if one was ever created there. */
export function embeddedDatabaseUrl(dataDir: string, port: number): string | undefined {
  const secretFile = path.join(dataDir, 'password');
  if (!existsSync(secretFile)) return undefined;
  return `postgres://postgres:${encodeURIComponent(readFileSync(secretFile, 'utf8').trim())}@127.0.0.1:${port}/ismsflow`;
}

/**
 * A database of its own on the server of `serverUrl` (the tests', the benchmark's), so the user's
 * own database is never touched; `drop` removes it with whatever is still connected.
 */
export async function throwawayDatabase(serverUrl: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const run = async (sql: string) => {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
