import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, spawnPrefixed, waitForOutput } from '../../libs/devstack/src/processes';
import { workflowIds } from '../../libs/temporal/src/definitions';
import { json, mailbox } from '../support/system';

const ROOT = path.resolve(__dirname, '../..');
const pid = process.pid;

/**
 * Production as it runs: the code compiled as `npm run build` compiles it (tsc, then the prebuilt
 * workflow bundle), the API and two workers as their own processes on one task queue, against the
 * dev server, PostgreSQL and SMTP of the test stack.
 */
describe('the production build: the API and two workers sharing one task queue', () => {
  const queue = `prod-${pid}`;
  // Inside the project, so the compiled code finds node_modules as dist/ does.
  const dist = path.join(process.env.TEST_STACK_DIR!, `dist-${pid}`);
  const bundle = path.join(dist, 'workflow-bundle.js');
  let apiPort: number;
  let apiMetricsPort: number;
  let api: ChildProcess | undefined;
  const workers: Array<{ child: ChildProcess; metricsPort: number }> = [];
  let temporal: Client;

  const run = (entry: 'api' | 'worker', env: Record<string, string>) => {
    const child = spawnPrefixed(process.execPath, [path.join(dist, `apps/${entry}/src/main.js`)], undefined, {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', TEMPORAL_TASK_QUEUE: queue, WORKFLOW_BUNDLE: bundle, PUBLIC_URL: `http://127.0.0.1:${apiPort}`, ...env },
    });
    child.stderr?.resume();
    return child;
  };
  async function startApi(): Promise<ChildProcess> {
    const child = run('api', { PORT: String(apiPort), HOST: '127.0.0.1', METRICS_PORT: String(apiMetricsPort) });
    await waitForOutput(child, /listening on/, 90_000);
    return child;
  }
  async function startWorker(): Promise<{ child: ChildProcess; metricsPort: number }> {
    const metricsPort = await freePort();
    const child = run('worker', { METRICS_PORT: String(metricsPort) });
    await waitForOutput(child, /worker polling task queue/, 90_000);
    return { child, metricsPort };
  }
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const call = (p: string, init: { method?: string; json?: unknown; key?: string } = {}) =>
    fetch(`http://127.0.0.1:${apiPort}${p}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${process.env.TEST_API_KEY}`, ...(init.json ? { 'content-type': 'application/json' } : {}), ...(init.key ? { 'idempotency-key': init.key } : {}) },
      body: init.json ? JSON.stringify(init.json) : undefined,
    });
  const task = (title: string, assignee: string) => ({ title, instructions: 'Nothing to do.', assignee, dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });

  beforeAll(async () => {
    // As `npm run build` does: tsc with the build settings, then the workflow bundle from the compiled code.
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dist], { cwd: ROOT, encoding: 'utf8' });
    if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
    const bundled = spawnSync(process.execPath, [path.join(dist, 'scripts/bundle-workflows.js'), bundle], { cwd: ROOT, encoding: 'utf8' });
    if (bundled.status !== 0) throw new Error(`bundling failed:\n${bundled.stdout}${bundled.stderr}`);
    [apiPort, apiMetricsPort] = [await freePort(), await freePort()];
    api = await startApi();
    workers.push(await startWorker(), await startWorker());
    temporal = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }) });
  }, 240_000);
  afterAll(async () => {
    for (const child of [api, ...workers.map((w) => w.child)]) {
      if (!child) continue;
      child.kill('SIGKILL');
      await exited(child);
    }
    await temporal?.connection.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('shares the work between the two workers, each task and each mail once; both serve Prometheus metrics', async () => {
    const people = Array.from({ length: 24 }, (_, i) => `prod-${i}-${pid}@acme.example`);
    const ids: string[] = [];
    for (const [i, assignee] of people.entries()) {
      const res = await call('/tasks', { method: 'POST', json: task(`Review supplier ${i} (${pid})`, assignee) });
      expect(res.status).toBe(201);
      ids.push((await json(res)).id);
    }
    for (const assignee of people) await mailbox.waitFor(assignee, /Review supplier/, 60_000);
    for (const id of ids) expect((await call(`/tasks/${id}/complete`, { method: 'POST', json: { outcome: 'done' } })).status).toBe(200);

    // Who ran what, from each workflow's history: both workers took a share.
    const identities = new Set<string>();
    for (const id of ids) {
      const history = await temporal.workflow.getHandle(workflowIds.task(id)).fetchHistory();
      for (const e of history.events ?? []) {
        const identity = e.workflowTaskCompletedEventAttributes?.identity ?? e.activityTaskStartedEventAttributes?.identity;
        if (identity) identities.add(identity);
      }
    }
    expect([...identities].sort()).toEqual(workers.map((w) => `${w.child.pid}@${os.hostname()}`).sort());
    for (const assignee of people) expect(new Set((await mailbox.to(assignee)).map((m) => m.MessageID)).size).toBe(1);

    // The worker: Temporal's SDK metrics; the API: its requests by route and status.
    for (const w of workers) expect(await (await fetch(`http://127.0.0.1:${w.metricsPort}/metrics`)).text()).toMatch(/^temporal_activity_execution_latency/m);
    // The image's health check, for each role: the API's /health, else a worker's metrics endpoint.
    // Asynchronously: the test stack's SMTP catcher, which /health asks, may run in this process.
    const healthcheck = (env: Record<string, string>) =>
      new Promise<number | null>((resolve) => execFile(process.execPath, [path.join(dist, 'scripts/healthcheck.js')], { env: { PATH: process.env.PATH, ...env } }, (err) => resolve(err ? (err.code as number) : 0)));
    const unused = String(await freePort());
    expect(await healthcheck({ PORT: String(apiPort) })).toBe(0);
    expect(await healthcheck({ PORT: unused, METRICS_PORT: String(workers[1].metricsPort) })).toBe(0);
    expect(await healthcheck({ PORT: unused })).toBe(1);
    const apiMetrics = await (await fetch(`http://127.0.0.1:${apiMetricsPort}/metrics`)).text();
    expect(apiMetrics).toContain('ismsflow_api_request_duration_seconds_count{method="POST",route="/tasks",status="201"} 24');
    expect(apiMetrics).toContain('ismsflow_api_process_cpu_seconds_total');
  }, 180_000);

  it('SIGTERM drains: the API answers every request already sent, and a stopping worker finishes its work', async () => {
    // Clients keep sending tasks (each with its Idempotency-Key, retried until answered).
    const total = 120;
    const accepted = new Map<number, string>();
    const failedAfterStart: number[] = [];
    let signalledAt = Infinity;
    let next = 0;
    const client = async () => {
      for (let i = next++; i < total; i = next++) {
        for (;;) {
          const sentAt = performance.now();
          const res = await call('/tasks', { method: 'POST', json: task(`Drain ${i} (${pid})`, `drain-${i % 12}-${pid}@acme.example`), key: `drain-${pid}-${i}` }).catch(() => undefined);
          if (res?.status === 201 || res?.status === 200) {
            accepted.set(i, (await json(res)).id);
            break;
          }
          if (sentAt < signalledAt - 50) failedAfterStart.push(i); // sent well before the signal, yet not answered
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    const clients = Promise.all(Array.from({ length: 8 }, client));
    while (accepted.size < total / 4) await new Promise((r) => setTimeout(r, 10));

    // The first worker is told to stop while tasks are being recorded and mailed; the API too.
    const [stopping] = workers;
    signalledAt = performance.now();
    stopping.child.kill('SIGTERM');
    api!.kill('SIGTERM');
    await Promise.all([exited(api!), exited(stopping.child)]);
    expect(stopping.child.exitCode).toBe(0); // drained, not killed
    expect(failedAfterStart).toEqual([]);
    api = await startApi();
    await clients;

    expect(accepted.size).toBe(total);
    const ids = [...accepted.values()];
    expect(new Set(ids).size).toBe(total);
    // The remaining worker carries on: every task is recorded and mailed once.
    for (const i of [...accepted.keys()]) await mailbox.waitFor(`drain-${i % 12}-${pid}@acme.example`, new RegExp(`Drain ${i} \\(`), 120_000);
    const perPerson = await Promise.all(Array.from({ length: 12 }, (_, k) => mailbox.to(`drain-${k}-${pid}@acme.example`)));
    const mails = perPerson.flat();
    expect(mails).toHaveLength(total);
    expect(new Set(mails.map((m) => m.MessageID)).size).toBe(total);
  }, 240_000);
});
