/**
 * The system the benchmark measures: the same parts `npm start` runs (PostgreSQL, the Temporal dev
 * server, an SMTP catcher, the worker and the API as their own processes), on throwaway data.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { bundleWorkflowCode } from '@temporalio/worker';
import { givenEnv } from '../libs/config/src';
import { dataSourceOptions } from '../libs/db/src';
import { PROJECT_ROOT } from '../libs/devstack/src/binaries';
import { freePort, spawnPrefixed, stopProcess, waitForOutput, waitForPort } from '../libs/devstack/src/processes';
import { migrateDatabase, startEmbeddedPostgres, throwawayDatabase } from '../libs/devstack/src/postgres';
import { startSmtpCatcher } from '../libs/devstack/src/smtp-catcher';
import { startTemporalDevServer } from '../libs/devstack/src/temporal-dev-server';
import { createApiKey } from '../libs/security/src';

export const BENCH_DIR = path.join(PROJECT_ROOT, '.data', 'bench');
/** The servers the environment names, if any: the benchmark uses them instead of starting its own. */
export const GIVEN = givenEnv(['DATABASE_URL', 'TEMPORAL_ADDRESS']);

export interface Mail {
  to: string[];
  subject: string;
  at: number;
}

export interface BenchStack {
  databaseUrl: string;
  temporalAddress: string;
  apiKey: string;
  db: DataSource;
  /** Every caught mail, as it arrives (with `performance.now()` of its arrival). */
  onMail: (listener: (m: Mail) => void) => () => void;
  /** Starts an entry point (`apps/api/src/main.ts`, `apps/worker/src/main.ts`) with the stack's settings. */
  spawn: (entry: 'api' | 'worker', env?: Record<string, string>) => Promise<ChildProcess & { url?: string }>;
  stop: () => Promise<void>;
}

const ENTRIES = {
  api: { script: 'apps/api/src/main.ts', ready: /listening on/ },
  worker: { script: 'apps/worker/src/main.ts', ready: /worker polling task queue/ },
};

export async function startBenchStack(log: (m: string) => void): Promise<BenchStack> {
  rmSync(BENCH_DIR, { recursive: true, force: true });
  mkdirSync(BENCH_DIR, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const children: ChildProcess[] = [];

  const [pgPort, temporalPort, uiPort, smtpPort, mailPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const listeners = new Set<(m: Mail) => void>();
  const [database, temporalAddress, catcher] = await Promise.all([
    benchDatabase(pgPort, stops),
    GIVEN.TEMPORAL_ADDRESS ??
      startTemporalDevServer({ dataDir: path.join(BENCH_DIR, 'temporal'), port: temporalPort, uiPort }).then((t) => {
        stops.push(t.stop);
        return t.address;
      }),
    // Kept small: the benchmark counts mail as it arrives, it does not read it back.
    startSmtpCatcher({
      smtpPort,
      httpPort: mailPort,
      maxMessages: 50,
      onMessage: (m) => {
        const mail = { to: m.to, subject: m.subject, at: performance.now() };
        for (const l of listeners) l(mail);
      },
    }),
  ]);
  stops.push(catcher.stop);
  log(`PostgreSQL ${GIVEN.DATABASE_URL ? 'from DATABASE_URL (a throwaway database beside yours)' : 'embedded'}, Temporal ${GIVEN.TEMPORAL_ADDRESS ? `at ${temporalAddress}` : 'dev server'}, SMTP catcher`);
  await migrateDatabase(database.adminUrl, database.url);
  const databaseUrl = database.url;
  const db = new DataSource(dataSourceOptions(databaseUrl));
  await db.initialize();
  const { key: apiKey } = await createApiKey(db, 'bench', 'admin');

  // The worker loads a prebuilt bundle, as in production.
  const bundle = path.join(BENCH_DIR, 'workflow-bundle.js');
  writeFileSync(bundle, (await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietLogger })).code);

  const baseEnv: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    WORKFLOW_BUNDLE: bundle,
    TASK_LINK_SECRET: 'bench-secret-that-is-long-enough-0123456789',
    ISMS_MANAGER_EMAIL: 'isms-manager@bench.example',
    INCIDENT_HANDLER_EMAIL: 'handler@bench.example',
    DPO_EMAIL: 'dpo@bench.example',
    CISO_EMAIL: 'ciso@bench.example',
    // One client drives thousands of requests a minute: the benchmark measures the system, not the limiter.
    RATE_LIMIT_PER_MINUTE: '100000000',
    NODE_ENV: 'production',
  };

  return {
    databaseUrl,
    temporalAddress,
    apiKey,
    db,
    onMail(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async spawn(entry, env = {}) {
      const port = entry === 'api' ? await freePort() : undefined;
      // BENCH_PROFILE=1 leaves a V8 CPU profile of each process in .data/bench-profiles (open them in Chrome DevTools).
      const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROJECT_ROOT, '.data', 'bench-profiles')}`] : [];
      const child: ChildProcess & { url?: string } = spawnPrefixed(process.execPath, [...profile, '-r', '@swc-node/register', ENTRIES[entry].script], process.env.BENCH_VERBOSE ? `[${entry}]` : undefined, {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...baseEnv, ...(port ? { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}` } : {}), ...env },
      });
      children.push(child);
      await waitForOutput(child, ENTRIES[entry].ready);
      if (port) {
        await waitForPort(port);
        child.url = `http://127.0.0.1:${port}`;
      }
      return child;
    },
    async stop() {
      for (const c of children.reverse()) await stopProcess(c, 30_000);
      await db.destroy();
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
    },
  };
}

const ignore = () => undefined;
const quietLogger = { info: ignore, warn: ignore, error: console.error, debug: ignore, trace: ignore, log: ignore };

/** Never the user's own database: a throwaway one beside DATABASE_URL's, else an embedded server. */
async function benchDatabase(port: number, stops: Array<() => Promise<void>>): Promise<{ url: string; adminUrl: string }> {
  const serverUrl = GIVEN.DATABASE_URL;
  if (!serverUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(BENCH_DIR, 'postgres'), port });
    stops.push(pg.stop);
    return pg;
  }
  const db = await throwawayDatabase(serverUrl, 'ismsflow_bench');
  stops.push(db.drop);
  return db;
}

/** Resident memory of a process, in MB (Linux /proc; `ps` elsewhere). */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
  } catch {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) / 1024;
  }
}

/** CPU time a process has used so far, in ms (Linux only: NaN elsewhere). */
export function cpuMs(pid: number): number {
  try {
    // Fields 14 and 15 (after the command in parentheses): user and system time in clock ticks (100 Hz).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak. */
export function rssSampler(pid: number, everyMs = 20): { stop: () => number } {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, rssMb(pid));
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function summarise(latenciesMs: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...latenciesMs].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s.at(-1) ?? NaN) };
}

export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Runs `work(i)` for i in [0, n) with at most `concurrency` at once. */
export async function pool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      for (let i = next++; i < n; i = next++) await work(i);
    }),
  );
}
