import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './binaries';
import { pipeWithPrefix, spawnPrefixed, stopProcess } from './processes';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * An embedded PostgreSQL whose data lives in `dataDir` (it survives restarts), with a generated
 * password kept beside it (mode 600).
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; logPrefix?: string }): Promise<RunningPostgres> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o755 });
  const secretFile = path.join(opts.dataDir, '..', 'postgres-password');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(secretFile, 'utf8').trim();
  const pgDir = path.join(opts.dataDir, 'pgdata');
  const script = path.join(PROJECT_ROOT, 'libs', 'devstack', 'embedded-postgres.js');
  const child = spawnPrefixed(process.execPath, [script, pgDir, String(opts.port), password], undefined, { detached: true });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/^ready$/m.test(log)) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code}:\n${log.slice(-4000)}`)));
  });
  if (opts.logPrefix) pipeWithPrefix(child, opts.logPrefix);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/ismsflow`,
    stop: () => stopProcess(child, 30_000),
  };
}
