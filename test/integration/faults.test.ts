import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/app';
import { loadConfig } from '../../libs/config/src';
import { dataSourceOptions, migrate, OutboundMail } from '../../libs/db/src';
import { startEmbeddedPostgres, type RunningPostgres } from '../../libs/devstack/src/postgres';
import { startTemporalDevServer, type TemporalDevServer } from '../../libs/devstack/src/temporal-dev-server';
import { freePort } from '../../libs/devstack/src/processes';
import { startSmtpCatcher, type SmtpCatcher } from '../../libs/devstack/src/smtp-catcher';
import { createApiKey } from '../../libs/security/src';
import { json, mailbox, startSystem } from '../support/system';

/** A mail relay that refuses every message with a temporary failure, as one does when it is overloaded. */
async function refusingSmtp(port: number): Promise<{ refused: () => number; close: () => Promise<void> }> {
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      refused++;
      callback(Object.assign(new Error('Mailbox temporarily unavailable, try again later'), { responseCode: 451 }));
    },
  });
  // A client cut off when the relay goes away is expected here, not an error of the test.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { refused: () => refused, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('faults: the mail relay refusing mail', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let catcher: SmtpCatcher | undefined;
  const pid = process.pid;
  let smtpPort: number;
  let relay: Awaited<ReturnType<typeof refusingSmtp>>;

  beforeAll(async () => {
    smtpPort = await freePort();
    relay = await refusingSmtp(smtpPort);
    const base = loadConfig();
    // Its own task queue and relay: the other suites' mail keeps flowing through theirs.
    sys = await startSystem({ smtp: { ...base.smtp, url: `smtp://127.0.0.1:${smtpPort}` }, temporal: { ...base.temporal, taskQueue: `faults-${pid}` } });
  });
  afterAll(async () => {
    await sys?.close();
    await relay?.close().catch(() => undefined);
    await catcher?.stop();
  });

  it('keeps the task visible while the mail is refused, retries, and sends it exactly once when the relay is back', async () => {
    const assignee = `patient-${pid}@acme.example`;
    const created = await sys.api('/tasks', { method: 'POST', json: { title: `Renew the TLS certificate ${pid}`, instructions: 'Before it expires.', assignee, dueAt: new Date(Date.now() + 86_400_000).toISOString() } });
    expect(created.status).toBe(201);
    const task = await json(created);

    for (let i = 0; i < 100 && relay.refused() < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(relay.refused()).toBeGreaterThanOrEqual(2); // tried, refused, tried again
    expect(await json(sys.api(`/tasks/${task.id}`))).toMatchObject({ id: task.id, status: 'open', assignee });
    expect((await sys.db.getRepository(OutboundMail).findOneByOrFail({ taskId: task.id })).status).toBe('sending');

    // The relay comes back (a working one on the same port).
    await relay.close();
    catcher = await startSmtpCatcher({ smtpPort, httpPort: await freePort() });
    let mails: Array<{ To: Array<{ Address: string }>; Subject: string }> = [];
    for (let i = 0; i < 600 && mails.length === 0; i++) {
      mails = ((await json(fetch(`${catcher.url}/api/v1/messages`))).messages as typeof mails).filter((m) => m.To.some((t) => t.Address === assignee));
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2000)); // time for a duplicate, were there one
    mails = ((await json(fetch(`${catcher.url}/api/v1/messages`))).messages as typeof mails).filter((m) => m.To.some((t) => t.Address === assignee));
    expect(mails.map((m) => m.Subject)).toEqual([`[ismsflow] Task: Renew the TLS certificate ${pid}`]);
    expect((await sys.db.getRepository(OutboundMail).findOneByOrFail({ taskId: task.id })).status).toBe('sent');
  });
});

describe('faults: the worker killed (SIGKILL) in the middle of its work', () => {
  const pid = process.pid;
  const queue = `killed-${pid}`;
  let api: INestApplication;
  let baseUrl: string;
  let worker: ChildProcess | undefined;
  let db: Awaited<ReturnType<typeof startSystem>>['db'];

  /** The production worker entry point as its own process, on this suite's task queue. */
  async function startWorkerProcess(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/worker/src/main.ts'], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, TEMPORAL_TASK_QUEUE: queue, WORKFLOW_BUNDLE: process.env.WORKFLOW_BUNDLE ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the worker did not start within 90 s')), 90_000);
      child.stdout?.on('data', (d: Buffer) => {
        if (!d.toString().includes('worker polling')) return;
        clearTimeout(timer);
        resolve();
      });
      child.on('exit', (code) => reject(new Error(`the worker exited with ${code}`)));
    });
    return child;
  }

  beforeAll(async () => {
    const base = loadConfig();
    const port = await freePort();
    const config = { ...base, temporal: { ...base.temporal, taskQueue: queue }, api: { ...base.api, port, publicUrl: `http://127.0.0.1:${port}` } };
    api = await createApiApp(config, ['error']);
    await api.listen(port, '127.0.0.1');
    baseUrl = config.api.publicUrl;
    db = new DataSource(dataSourceOptions(config.databaseUrl));
    await db.initialize();
  }, 120_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await api?.close();
    await db?.destroy();
  });

  const call = (p: string, init: RequestInit & { json?: unknown } = {}) =>
    fetch(`${baseUrl}${p}`, {
      ...init,
      headers: { authorization: `Bearer ${process.env.TEST_API_KEY}`, ...(init.json ? { 'content-type': 'application/json' } : {}) },
      body: init.json ? JSON.stringify(init.json) : undefined,
    });

  it('finishes every task after a restart, one message per mail, no record twice', async () => {
    worker = await startWorkerProcess();
    const people = Array.from({ length: 6 }, (_, i) => `killed-${i}-${pid}@acme.example`);
    const tasks = await Promise.all(
      people.map(async (assignee, i) => json(call('/tasks', { method: 'POST', json: { title: `Rotate key ${i} ${pid}`, instructions: 'Rotate it.', assignee, dueAt: new Date(Date.now() + 86_400_000).toISOString() } }))),
    );
    // Mid-flight: tasks being recorded and mailed.
    await new Promise((r) => setTimeout(r, 300));
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    worker = await startWorkerProcess();

    // Every assignee gets their mail, once (activities cut off by the kill are retried after their timeout).
    for (const assignee of people) await mailbox.waitFor(assignee, /Rotate key/, 150_000);
    for (const t of tasks) expect((await call(`/tasks/${t.id}/complete`, { method: 'POST', json: { outcome: 'done' } })).status).toBe(200);
    // One message per step: a retry can only resend the same message (same Message-ID), and only if the
    // worker died in the moment between the relay accepting it and the outbox recording it.
    for (const assignee of people) {
      const mails = (await mailbox.to(assignee)) as Array<{ MessageID: string }>;
      expect(new Set(mails.map((m) => m.MessageID)).size).toBe(1);
    }
    const ids = tasks.map((t: { id: string }) => t.id);
    const events = await db.query<Array<{ task_id: string; type: string; n: string }>>(`SELECT task_id, type, count(*) AS n FROM task_events WHERE task_id = ANY($1) GROUP BY 1, 2`, [ids]);
    expect(events.filter((e) => Number(e.n) > 1)).toEqual([]);
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(ids.length);
    const evidence = await db.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM evidence_log WHERE reference = ANY($1)`, [ids]);
    expect(Number(evidence[0].n)).toBe(events.length);
  }, 300_000);
});

describe('faults: PostgreSQL unavailable for a while', () => {
  const pid = process.pid;
  const dataDir = path.join(process.env.TEST_STACK_DIR ?? os.tmpdir(), `pg-down-${pid}`);
  let pgPort: number;
  let pg: RunningPostgres | undefined;
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let key: string;

  beforeAll(async () => {
    // A database of its own, to stop and start without touching the other suites'.
    pgPort = await freePort();
    pg = await startEmbeddedPostgres({ dataDir, port: pgPort });
    await migrate(pg.url);
    const base = loadConfig();
    sys = await startSystem({ databaseUrl: pg.url, temporal: { ...base.temporal, taskQueue: `pg-down-${pid}` } });
    ({ key } = await createApiKey(sys.db, `pg-down-${pid}`, 'admin'));
  }, 120_000);
  afterAll(async () => {
    await sys?.close().catch(() => undefined);
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 problem+json while it is down, and the process resumes with nothing lost when it is back', async () => {
    const assignee = `pg-down-${pid}@acme.example`;
    const created = await sys.api('/tasks', { method: 'POST', key, json: { title: `Review firewall rules ${pid}`, instructions: 'Check them.', assignee, dueAt: new Date(Date.now() + 86_400_000).toISOString() } });
    expect(created.status).toBe(201);
    const task = await json(created);

    await pg!.stop();
    pg = undefined;
    const started = Date.now();
    const down = await sys.api('/tasks', { key });
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toContain('application/problem+json');
    expect(down.headers.get('retry-after')).toBe('5');
    expect(Date.now() - started).toBeLessThan(15_000); // an answer, not a hang

    await new Promise((r) => setTimeout(r, 5000));
    pg = await startEmbeddedPostgres({ dataDir, port: pgPort });

    // The mail activity retried through the outage: the task's mail arrives, once, and its record is whole.
    const mail = await mailbox.waitFor(assignee, new RegExp(`Review firewall rules ${pid}`), 90_000);
    expect(mail.Subject).toBe(`[ismsflow] Task: Review firewall rules ${pid}`);
    let record: { status: string; history?: Array<{ type: string }> } | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await sys.api(`/tasks/${task.id}`, { key });
      if (res.status === 200) {
        record = await json(res);
        if (record?.history?.some((h) => h.type === 'mailed')) break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(record).toMatchObject({ status: 'open' });
    expect(record!.history!.filter((h) => h.type === 'mailed')).toHaveLength(1);
    expect(new Set((await mailbox.to(assignee)).map((m) => m.MessageID)).size).toBe(1);
  }, 240_000);
});

describe('faults: the Temporal dev server stopped and started again on its SQLite file', () => {
  const pid = process.pid;
  const dataDir = path.join(process.env.TEST_STACK_DIR ?? os.tmpdir(), `temporal-restart-${pid}`);
  let temporal: TemporalDevServer | undefined;
  let ports: { port: number; uiPort: number };
  let sys: Awaited<ReturnType<typeof startSystem>>;

  beforeAll(async () => {
    ports = { port: await freePort(), uiPort: await freePort() };
    temporal = await startTemporalDevServer({ dataDir, ...ports });
    const base = loadConfig();
    sys = await startSystem({ temporal: { ...base.temporal, address: temporal.address, taskQueue: `restart-${pid}` } });
  }, 120_000);
  afterAll(async () => {
    await sys?.close().catch(() => undefined);
    await temporal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps running workflows and their timers: the due-date reminder still comes, and the task completes', async () => {
    const assignee = `restart-${pid}@acme.example`;
    const dueAt = new Date(Date.now() + 25_000).toISOString();
    const task = await json(sys.api('/tasks', { method: 'POST', json: { title: `Patch the VPN ${pid}`, instructions: 'Apply the update.', assignee, dueAt } }));
    await mailbox.waitFor(assignee, new RegExp(`Task: Patch the VPN ${pid}`), 30_000);

    await temporal!.stop();
    temporal = await startTemporalDevServer({ dataDir, ...ports });

    // The timer set before the restart fires at the due time.
    await mailbox.waitFor(assignee, new RegExp(`Due today: Patch the VPN ${pid}`), 90_000);
    const done = await sys.api(`/tasks/${task.id}/complete`, { method: 'POST', json: { outcome: 'done' } });
    expect(done.status).toBe(200);
    expect(await json(done)).toMatchObject({ status: 'completed' });
  }, 240_000);
});
