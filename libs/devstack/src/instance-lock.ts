import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from './startup-error';

/** What a running `npm start` leaves in its data folder, so a second one can say where it is. */
interface LockInfo {
  pid: number;
  /** The process's start time from /proc (Linux): a pid reused by another program does not match. */
  startTime?: string;
  startedAt: string;
  folder: string;
  api: string;
}

/**
 * Takes `<dataDir>/npm-start.lock` for this process, or fails with a StartupError saying that
 * ismsflow already runs in this folder, where and how to stop it. A lock whose process is gone
 * (killed, crashed, machine restarted) is stale and taken over. Returns the release.
 */
export function acquireInstanceLock(dataDir: string, info: { folder: string; api: string }): () => void {
  const file = path.join(dataDir, 'npm-start.lock');
  const mine: LockInfo = { pid: process.pid, startTime: processStartTime(process.pid), startedAt: new Date().toISOString(), ...info };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      return () => {
        if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const other = readLock(file);
      if (other && isRunning(other)) {
        throw new StartupError(
          'ismsflow',
          `it is already running in ${other.folder} (pid ${other.pid}, since ${other.startedAt}), API at ${other.api}`,
          `use that one, or stop it first (Ctrl-C in its terminal, or \`kill ${other.pid}\`); for a second one beside it, give it its own ISMSFLOW_DATA_DIR and ports`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new StartupError('ismsflow', `another \`npm start\` keeps taking ${file}`, 'start one at a time');
}

function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined; // half-written or garbage: stale
  }
}

function isRunning(lock: LockInfo): boolean {
  try {
    process.kill(lock.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return lock.startTime === undefined || processStartTime(lock.pid) === lock.startTime;
}

/** Field 22 of /proc/<pid>/stat, after the command name (which may hold spaces and parentheses). */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
