/** The benchmark's measurements (issue 9); each returns the figures `bench/run.ts` prints. */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { appendEvidence, type Evidence } from '../libs/records/src';
import { DEFAULT_INCIDENT_POLICY, DEFAULT_REMINDER_POLICY, type IncidentInput } from '../libs/domain/src';
import { PROJECT_ROOT } from '../libs/devstack/src/binaries';
import { workflowIds } from '../libs/temporal/src/definitions';
import { processStarts } from '../libs/temporal/src/processes';
import { startProcess } from '../libs/temporal/src/start-process';
import { BENCH_DIR, cpuMs, pool, round, rssMb, rssSampler, summarise, type BenchStack, type Mail } from './stack';

export type Log = (m: string) => void;

/** A client of the ismsflow API, as a ticketing system would be. */
export function apiClient(baseUrl: string, key: string) {
  return async <T = unknown>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T; ms: number }> => {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}${p}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status >= 400) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, ms };
  };
}
export type Api = ReturnType<typeof apiClient>;

/** Waits for mails matching `match`, `count` of them, and returns their arrival times. */
export function mailWatcher(stack: BenchStack, match: (m: Mail) => string | undefined) {
  const seen = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const off = stack.onMail((m) => {
    const key = match(m);
    if (key === undefined) return;
    if (!seen.has(key)) seen.set(key, m.at);
    waiting.get(key)?.(m.at);
  });
  return {
    seen,
    /** Resolves with the arrival time of the mail keyed `key`. */
    next(key: string, timeoutMs = 60_000): Promise<number> {
      if (seen.has(key)) return Promise.resolve(seen.get(key)!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no mail ${key} within ${timeoutMs} ms`)), timeoutMs);
        waiting.set(key, (at) => {
          clearTimeout(timer);
          waiting.delete(key);
          resolve(at);
        });
      });
    },
    async count(n: number, timeoutMs: number, log?: Log): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      let last = 0;
      while (seen.size < n) {
        if (Date.now() > deadline) throw new Error(`only ${seen.size} of ${n} mails within ${timeoutMs} ms`);
        if (log && Date.now() - last > 15_000) {
          log(`  ${seen.size} of ${n} mails caught`);
          last = Date.now();
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    off,
  };
}

/**
 * 1. Start overhead: `POST /incidents` against the raw Temporal client starting the same workflow
 * with the same input and search attributes, on the same server, in alternating rounds (ABBA) so
 * drift on a shared machine falls on both. No worker polls the queue: both measure the start path.
 */
export async function startOverhead(stack: BenchStack, temporal: Client, log: Log, opts: { total: number; concurrency: number }) {
  const queue = `bench-idle-${Date.now()}`;
  const apiProcess = await stack.spawn('api', { TEMPORAL_TASK_QUEUE: queue });
  const api = apiClient(apiProcess.url!, stack.apiKey);
  const run = Date.now().toString(36);
  const started: string[] = [];
  const body = (n: string) => ({
    system: 'bench',
    ticketId: n,
    title: 'Phishing mail reported',
    description: 'A user forwarded a suspicious mail.',
    detectedAt: new Date().toISOString(),
    reportedBy: 'reporter@bench.example',
    triage: { isIncident: true, category: 'phishing', severity: 'low' as const, personalData: false },
  });
  const viaApi = async (n: string) => {
    const { ms } = await api('POST', '/incidents', body(n));
    started.push(workflowIds.incident(`bench:${n}`));
    return ms;
  };
  // What IncidentsService starts, built the same way, without the API in between.
  const viaRaw = async (n: string) => {
    const id = `bench:${n}`;
    const b = body(n);
    const now = new Date().toISOString();
    const input: IncidentInput = {
      incidentId: id,
      system: 'bench',
      ticketId: n,
      title: b.title,
      description: b.description,
      detectedAt: b.detectedAt,
      reportedAt: now,
      reportedBy: b.reportedBy,
      affectedAssets: [],
      awareAt: now,
      handler: 'handler@bench.example',
      dpo: 'dpo@bench.example',
      ciso: 'ciso@bench.example',
      ismsManager: 'isms-manager@bench.example',
      triage: b.triage,
      taskPolicy: DEFAULT_REMINDER_POLICY,
      policy: DEFAULT_INCIDENT_POLICY,
    };
    const t0 = performance.now();
    // The same start the API makes, under the one start policy, without the HTTP and records around it.
    await startProcess(temporal, queue, processStarts.incident(input));
    const ms = performance.now() - t0;
    started.push(workflowIds.incident(id));
    return ms;
  };
  const sides = { raw: viaRaw, api: viaApi };
  const measured = { raw: { ms: [] as number[], wall: 0 }, api: { ms: [] as number[], wall: 0 } };

  // Warm both paths (JIT, connection pools) before measuring.
  for (const side of ['raw', 'api'] as const) await pool(100, opts.concurrency, async (i) => void (await sides[side](`${run}-warm-${side}-${i}`)));

  const rounds = 8;
  const perRound = Math.ceil(opts.total / (rounds / 2));
  const order = ['raw', 'api', 'api', 'raw', 'raw', 'api', 'api', 'raw'] as const;
  let apiCpuMs = 0;
  for (const [r, side] of order.entries()) {
    const t0 = performance.now();
    const cpu0 = cpuMs(apiProcess.pid!);
    await pool(perRound, opts.concurrency, async (i) => void measured[side].ms.push(await sides[side](`${run}-${r}-${side}-${i}`)));
    measured[side].wall += performance.now() - t0;
    if (side === 'api') apiCpuMs += cpuMs(apiProcess.pid!) - cpu0;
  }
  // One at a time, nothing queues: what a single request pays for the API, apart from a busy machine.
  const alone = { raw: [] as number[], api: [] as number[] };
  for (const [r, side] of order.entries()) {
    for (let i = 0; i < 50; i++) alone[side].push(await sides[side](`${run}-alone-${r}-${side}-${i}`));
  }
  log(`  ${started.length} incident workflows started; terminating them`);
  await pool(started.length, 32, async (i) => {
    await temporal.workflow.getHandle(started[i]).terminate('benchmark').catch(() => undefined);
  });
  apiProcess.kill('SIGTERM');

  const figures = (side: 'raw' | 'api') => ({ ...summarise(measured[side].ms), perSecond: round(measured[side].ms.length / (measured[side].wall / 1000)) });
  const raw = figures('raw');
  const viaApiFigures = figures('api');
  return {
    raw,
    api: viaApiFigures,
    throughputRatio: round(viaApiFigures.perSecond / raw.perSecond, 3),
    addedP50Ms: round(viaApiFigures.p50 - raw.p50),
    addedP99Ms: round(viaApiFigures.p99 - raw.p99),
    oneAtATime: oneAtATime(summarise(alone.raw), summarise(alone.api)),
    /** What the API process itself spends on a request (validation, auth, the record, the audit log, the start). */
    apiCpuMsPerRequest: round(apiCpuMs / viaApiFigures.n, 2),
  };
}

function oneAtATime(raw: ReturnType<typeof summarise>, api: ReturnType<typeof summarise>) {
  return { raw, api, addedP50Ms: round(api.p50 - raw.p50), addedP99Ms: round(api.p99 - raw.p99) };
}

/**
 * 2. Human round trip: an NC owner completes the correction task over HTTP; measured until the
 * next task's mail (find the root cause) is in the SMTP catcher.
 */
export async function humanRoundTrip(stack: BenchStack, api: Api, log: Log, opts: { n: number }) {
  const run = Date.now().toString(36);
  const owner = (i: number) => `rt-${run}-${i}@bench.example`;
  const watcher = mailWatcher(stack, (m) => {
    const to = m.to.find((t) => t.startsWith(`rt-${run}-`));
    if (!to) return undefined;
    if (m.subject.includes('correct the nonconformity')) return `${to} correction`;
    if (m.subject.includes('find the root cause')) return `${to} rootCause`;
    return undefined;
  });
  const today = new Date().toISOString().slice(0, 10);
  await pool(opts.n, 8, async (i) => {
    await api('POST', '/nonconformities', { source: 'internalAudit', requirement: 'A.5.15 Access control', description: `Round trip ${i}: a shared admin account was found`, classification: 'minor', owner: owner(i) });
  });
  await watcher.count(opts.n, 300_000, log);
  const roundTrips: number[] = [];
  const completions: number[] = [];
  for (let i = 0; i < opts.n; i++) {
    const { body } = await api<{ items: Array<{ id: string }> }>('GET', `/tasks?assignee=${encodeURIComponent(owner(i))}&status=open`);
    const t0 = performance.now();
    const done = await api('POST', `/tasks/${body.items[0].id}/complete`, { outcome: 'done', data: { correction: 'Disabled the shared account', correctedOn: today } });
    completions.push(done.ms);
    roundTrips.push((await watcher.next(`${owner(i)} rootCause`)) - t0);
  }
  watcher.off();
  return { completeOverHttp: summarise(completions), untilNextMail: summarise(roundTrips) };
}

/**
 * 3. Scale on one worker: thousands of open tasks waiting on their timers and open corrective
 * actions; the worker's memory at steady state and the API's list queries.
 */
export async function scale(stack: BenchStack, api: Api, workerPid: number, log: Log, opts: { tasks: number; ncs: number; assignees: number }) {
  const run = Date.now().toString(36);
  const watcher = mailWatcher(stack, (m) => (m.to.some((t) => t.startsWith(`scale-${run}-`)) && /\[ismsflow\] (Task: |NC-)/.test(m.subject) ? `${m.to[0]} ${m.subject}` : undefined));
  const assignee = (i: number) => `scale-${run}-${i % opts.assignees}@bench.example`;
  const dueAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const t0 = performance.now();
  await pool(opts.tasks, 32, async (i) => {
    await api('POST', '/tasks', { title: `Scale task ${i}`, instructions: 'Waits on its timers.', assignee: assignee(i), dueAt });
  });
  await pool(opts.ncs, 32, async (i) => {
    await api('POST', '/nonconformities', { source: 'internalAudit', requirement: 'A.8.8 Technical vulnerabilities', description: `Scale NC ${i}: patches late`, classification: 'minor', owner: `scale-${run}-nc-${i}@bench.example` });
  });
  const createdS = (performance.now() - t0) / 1000;
  log(`  ${opts.tasks} tasks and ${opts.ncs} NCs accepted in ${round(createdS)} s; waiting for the worker to mail them all`);
  await watcher.count(opts.tasks + opts.ncs, 1_800_000, log);
  const allMailedS = (performance.now() - t0) / 1000;
  watcher.off();

  // Steady state: every workflow waits on a timer or a person; sample the worker for a while.
  await new Promise((r) => setTimeout(r, 5000));
  const sampler = rssSampler(workerPid, 200);
  await new Promise((r) => setTimeout(r, 10_000));
  const workerRssMb = round(sampler.stop());

  const tasksQuery: number[] = [];
  const ncQuery: number[] = [];
  for (let i = 0; i < 500; i++) tasksQuery.push((await api('GET', `/tasks?assignee=${encodeURIComponent(assignee(Math.floor(Math.random() * opts.assignees)))}&status=open`)).ms);
  for (let i = 0; i < 500; i++) ncQuery.push((await api('GET', '/nonconformities?status=correction')).ms);
  const [{ open_tasks: openTasks }] = await stack.db.query<Array<{ open_tasks: string }>>(`SELECT count(*) AS open_tasks FROM tasks WHERE status = 'open'`);
  return {
    openTasks: Number(openTasks),
    openCorrectiveActions: opts.ncs,
    acceptedPerSecond: round((opts.tasks + opts.ncs) / createdS),
    allMailedSeconds: round(allMailedS),
    workerRssMb,
    tasksByAssignee: summarise(tasksQuery),
    ncsByStatus: summarise(ncQuery),
  };
}

/** 4. Time: the 3-year cycle test on the time-skipping server (as jest runs it) and the replay of its saved history. */
export async function cycleTimes(log: Log) {
  const out = path.join(BENCH_DIR, 'cycle-test.json');
  const t0 = performance.now();
  const jest = spawnSync(
    process.execPath,
    [require.resolve('jest/bin/jest'), '--selectProjects', 'workflow', '--json', '--outputFile', out, 'test/workflow/certification-cycle.test.ts', '-t', 'runs a whole three-year cycle'],
    { cwd: PROJECT_ROOT, encoding: 'utf8' },
  );
  const jestWallS = (performance.now() - t0) / 1000;
  if (jest.status !== 0) throw new Error(`the cycle test failed:\n${jest.stderr.slice(-3000)}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { testResults: Array<{ assertionResults: Array<{ title: string; status: string; duration: number }> }> };
  const test = report.testResults.flatMap((r) => r.assertionResults).find((a) => a.status === 'passed' && a.title.startsWith('runs a whole three-year cycle'))!;
  rmSync(out, { force: true });
  log(`  the 3-year cycle test passed in ${round(test.duration / 1000)} s`);

  const file = path.join(PROJECT_ROOT, 'test/histories/certification-cycle-first-year-changes-only.json');
  const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
  const bundle = path.join(BENCH_DIR, 'workflow-bundle.js');
  const replays: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r0 = performance.now();
    await Worker.runReplayHistory({ workflowBundle: { codePath: bundle } }, history, 'cycle');
    replays.push(performance.now() - r0);
  }
  return {
    cycleTestSeconds: round(test.duration / 1000, 2),
    jestRunSeconds: round(jestWallS, 1),
    replayFirstSeconds: round(replays[0] / 1000, 2),
    replayBestSeconds: round(Math.min(...replays) / 1000, 2),
    historyEvents: history.events?.length ?? 0,
  };
}

/**
 * 5. The evidence pack for a year: its time and the API's peak memory for a year of `rows` evidence
 * rows and for a year of a tenth of them, each packed after both were packed once (so the heap has
 * grown to its working size), to show memory does not grow with the row count (the pack is streamed).
 */
export async function evidencePack(stack: BenchStack, apiUrl: string, apiPid: number, log: Log, opts: { rows: number; year: number }) {
  const years = { small: opts.year - 1, large: opts.year };
  const sizes = { small: Math.round(opts.rows / 10), large: opts.rows };
  for (const which of ['small', 'large'] as const) {
    const from = Date.UTC(years[which], 0, 1);
    const span = Date.UTC(years[which] + 1, 0, 1) - from;
    for (let start = 0; start < sizes[which]; start += 1000) {
      const batch: Evidence[] = [];
      for (let i = start; i < Math.min(sizes[which], start + 1000); i++) {
        batch.push({
          key: `bench:${years[which]}:${i}`,
          at: new Date(from + Math.floor((i / sizes[which]) * span)),
          actor: `owner-${i % 97}@bench.example`,
          process: ['humanTask', 'correctiveAction', 'incidentResponse', 'certificationCycle'][i % 4],
          reference: `REF-${i % 5000}`,
          kind: ['completed', 'mailed', 'reminded', 'activityCompleted'][i % 4],
          payload: { i, note: 'a recorded step of an ISMS process' },
        });
      }
      await appendEvidence(stack.db.manager, batch);
    }
  }
  log(`  ${sizes.small} evidence rows in ${years.small}, ${sizes.large} in ${years.large}`);
  const pack = async (which: 'small' | 'large') => {
    const before = rssMb(apiPid);
    const sampler = rssSampler(apiPid);
    const t0 = performance.now();
    const res = await fetch(`${apiUrl}/evidence-pack?from=${years[which]}-01-01&to=${years[which]}-12-31`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    if (res.status !== 200) throw new Error(`evidence pack: ${res.status} ${await res.text()}`);
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    const seconds = (performance.now() - t0) / 1000;
    const peak = sampler.stop();
    return { rows: sizes[which], seconds: round(seconds, 2), zipMb: round(bytes / 1e6, 2), apiRssBeforeMb: round(before), apiRssPeakMb: round(peak), apiRssGrowthMb: round(peak - before) };
  };
  await pack('small');
  await pack('large');
  return { tenth: await pack('small'), all: await pack('large') };
}
