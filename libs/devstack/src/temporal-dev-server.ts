import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ALL_SEARCH_ATTRIBUTES } from '../../temporal/src/definitions';
import { temporalCliPath } from './binaries';
import { spawnPrefixed, stopProcess, waitForPort } from './processes';

export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  stop: () => Promise<void>;
}

/** `temporal server start-dev` with the ismsflow search attributes, kept in a SQLite file. */
export async function startTemporalDevServer(opts: {
  dataDir: string;
  port?: number;
  uiPort?: number;
  logPrefix?: string;
}): Promise<TemporalDevServer> {
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? 8233;
  mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    // Without a file the dev server forgets every workflow on restart; WAL keeps SQLite fast.
    '--db-filename', path.join(opts.dataDir, 'temporal.sqlite'),
    '--sqlite-pragma', 'journal_mode=WAL',
    '--sqlite-pragma', 'synchronous=NORMAL',
    '--log-level', 'error',
    ...ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${searchAttributeTypeName(k.type)}`]),
  ];
  const child: ChildProcess = spawnPrefixed(temporalCliPath(), args, opts.logPrefix);
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(devServerExit(code, output)));
  });
  await Promise.race([waitForPort(port), exited]);
  await Promise.race([waitForPort(uiPort), exited]);
  exited.catch(() => undefined);
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: `http://localhost:${uiPort}`,
    stop: () => stopProcess(child),
  };
}

/** Its exit in words; a port someone else holds as a listen error (code EADDRINUSE, port), like Node's. */
function devServerExit(code: number | null, output: string): Error {
  const inUse = /:(\d+): bind: address already in use/.exec(output);
  if (inUse) return Object.assign(new Error(`port ${inUse[1]} is already in use`), { code: 'EADDRINUSE', port: Number(inUse[1]) });
  const last = output.trim().split('\n').filter((l) => /error|fatal|fail/i.test(l)).pop()?.trim();
  return new Error(`it exited with code ${code}${last ? `: ${last}` : ''}`);
}

export function searchAttributeTypeName(type: string): string {
  // The SDK says KEYWORD / DATETIME; the CLI wants Keyword / Datetime.
  return type.charAt(0) + type.slice(1).toLowerCase().replace(/_(.)/g, (_, c: string) => c.toUpperCase());
}
