import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { StartupError } from './startup-error';

/** A port a part of `npm start` listens on, and the variable that moves it. */
export interface WantedPort {
  part: string;
  variable: string;
  port: number;
  host: string;
}

/** Who listens on a port, as far as the system lets us see. */
export interface PortHolder {
  pid?: number;
  command?: string;
  cwd?: string;
  user?: string;
  /** The ISMSFLOW_DATA_DIR in its environment, where the system lets us read it (`npm start` sets it for its parts). */
  dataDir?: string;
}

/**
 * Resolves when `wanted.port` can be listened on; otherwise a StartupError naming the part, what
 * holds the port, and the variable that moves it. `leftoverHints` (folders) mark holders that are
 * remains of an earlier run: their command line names a file in one of them.
 */
export async function checkPortFree(wanted: WantedPort, leftoverHints: string[] = []): Promise<void> {
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ port: wanted.port, host: wanted.host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
  if (!error) return;
  if (error.code === 'EADDRINUSE') throw portInUse(wanted, findPortHolder(wanted.port), leftoverHints);
  if (error.code === 'EACCES') {
    throw new StartupError(wanted.part, `not allowed to listen on port ${wanted.port} (ports below 1024 need root)`, `set ${wanted.variable} to a port above 1023`, { cause: error });
  }
  if (error.code === 'EADDRNOTAVAIL') {
    throw new StartupError(wanted.part, `this machine has no address ${wanted.host} to listen on`, 'set HOST to one of its addresses, or unset it', { cause: error });
  }
  throw new StartupError(wanted.part, `cannot listen on ${wanted.host}:${wanted.port}: ${error.message}`, `set ${wanted.variable} to another port`, { cause: error });
}

/** The error for a port someone else holds; also used when a part finds it taken as it starts. */
export function portInUse(wanted: WantedPort, holder: PortHolder | undefined, leftoverHints: string[] = []): StartupError {
  const by = holder ? ` by ${describeHolder(holder)}` : '';
  const leftover = !!holder && isLeftover(holder, leftoverHints);
  const stop = holder?.pid ? `, or stop pid ${holder.pid} (\`kill ${holder.pid}\`)` : '';
  const remedy = leftover
    ? `it is left over from an earlier \`npm start\` here that did not stop cleanly: stop it with \`kill ${holder?.pid}\`, or set ${wanted.variable} to a free port`
    : `set ${wanted.variable} to a free port (e.g. \`${wanted.variable}=${wanted.port + 1} npm start\`)${stop}`;
  return new StartupError(wanted.part, `port ${wanted.port} is already in use${by}`, remedy);
}

/**
 * Whether `holder` belongs to this folder's `npm start`: an argument of its command line is one of
 * `folders` or a path inside one (`-D /var/lib/ismsflow/data/x`, `--db-filename .data/temporal/...`),
 * or its environment names one of them as ISMSFLOW_DATA_DIR. The project folder itself is no sign:
 * another instance (another data folder) or a test run from the same clone is not left over.
 */
export function isLeftover(holder: PortHolder, folders: string[]): boolean {
  if (!holder.pid) return false;
  const inside = (arg: string) => folders.some((dir) => arg === dir || arg.startsWith(`${dir}/`));
  return (holder.command?.split(' ') ?? []).some(inside) || (!!holder.dataDir && folders.includes(holder.dataDir));
}

function describeHolder(h: PortHolder): string {
  if (!h.pid) return h.user ? `a program of user ${h.user} (which one is hidden from this user)` : 'another program';
  const parts = [h.command && `${h.command.length > 120 ? `${h.command.slice(0, 117)}...` : h.command}`, h.cwd && `in ${h.cwd}`].filter(Boolean);
  return `pid ${h.pid}${h.user ? ` (user ${h.user})` : ''}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/**
 * Who listens on `port`: Linux's socket table (/proc/net/tcp, tcp6) gives the socket's inode and
 * owner, the process whose /proc/<pid>/fd links to that inode holds it. Elsewhere, `lsof` if present.
 */
export function findPortHolder(port: number): PortHolder | undefined {
  const sockets = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => listeningSockets(file, port));
  if (!sockets.length) return lsofHolder(port);
  for (const { inode, uid } of sockets) {
    const pid = pidOwningSocket(inode);
    if (pid) return { pid, command: commandLine(pid), cwd: safe(() => readlinkSync(`/proc/${pid}/cwd`)), user: userName(uid), dataDir: environDataDir(pid) };
  }
  return { user: userName(sockets[0].uid) };
}

function listeningSockets(file: string, port: number): Array<{ inode: string; uid: number }> {
  const text = safe(() => readFileSync(file, 'utf8')) ?? '';
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length > 9 && f[3] === '0A' && parseInt(f[1].split(':')[1], 16) === port)
    .map((f) => ({ inode: f[9], uid: Number(f[7]) }));
}

function pidOwningSocket(inode: string): number | undefined {
  const target = `socket:[${inode}]`;
  for (const entry of safe(() => readdirSync('/proc')) ?? []) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = safe(() => readdirSync(`/proc/${entry}/fd`)) ?? [];
    if (fds.some((fd) => safe(() => readlinkSync(`/proc/${entry}/fd/${fd}`)) === target)) return Number(entry);
  }
  return undefined;
}

function commandLine(pid: number): string | undefined {
  return safe(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')) || undefined;
}

function environDataDir(pid: number): string | undefined {
  const entry = safe(() => readFileSync(`/proc/${pid}/environ`, 'utf8'))?.split('\0').find((e) => e.startsWith('ISMSFLOW_DATA_DIR='));
  return entry?.slice('ISMSFLOW_DATA_DIR='.length) || undefined;
}

function userName(uid: number): string {
  const passwd = safe(() => readFileSync('/etc/passwd', 'utf8')) ?? '';
  return passwd.split('\n').find((l) => l.split(':')[2] === String(uid))?.split(':')[0] ?? `uid ${uid}`;
}

function lsofHolder(port: number): PortHolder | undefined {
  const out = safe(() => execFileSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-FpcL'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const field = (c: string) => out?.split('\n').find((l) => l.startsWith(c))?.slice(1);
  const pid = Number(field('p'));
  return pid ? { pid, command: field('c'), user: field('L') } : undefined;
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
