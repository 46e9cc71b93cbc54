import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/app';
import { loadConfig, type AppConfig } from '../../libs/config/src';
import { addDays, DEFAULT_CORRECTIVE_ACTION_POLICY } from '../../libs/domain/src';
import { dataSourceOptions, OutboundMail } from '../../libs/db/src';
import { migrateDatabase, removeEmbeddedPostgresData, startEmbeddedPostgres, type RunningPostgres } from '../../libs/devstack/src/postgres';
import { startTemporalDevServer, type TemporalDevServer } from '../../libs/devstack/src/temporal-dev-server';
import { freePort, spawnPrefixed, waitForOutput } from '../../libs/devstack/src/processes';
import { startSmtpCatcher, type SmtpCatcher } from '../../libs/devstack/src/smtp-catcher';
import { createApiKey } from '../../libs/security/src';
import { connectClient } from '../../libs/temporal/src/client';
import { workflowIds } from '../../libs/temporal/src/definitions';
import { json, mailbox, startSystem, submitTaskFromMail, until } from '../support/system';

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

/** A production entry point (`apps/.../main.ts`) as its own process; resolves once it prints `ready`. */
async function startEntryProcess(entry: string, env: Record<string, string>, ready: string): Promise<ChildProcess> {
  const child = spawnPrefixed(process.execPath, ['-r', '@swc-node/register', entry], undefined, {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, WORKFLOW_BUNDLE: process.env.WORKFLOW_BUNDLE ?? '', ...env },
  });
  child.stderr?.resume(); // read, so a chatty process never blocks on a full pipe
  await waitForOutput(child, new RegExp(ready), 90_000);
  return child;
}

const killed = async (child: ChildProcess) => {
  child.kill('SIGKILL');
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
};

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
  const manager = `kill-isms-${pid}@acme.example`;
  let api: INestApplication;
  let baseUrl: string;
  let worker: ChildProcess | undefined;
  let db: Awaited<ReturnType<typeof startSystem>>['db'];

  /** The production worker entry point as its own process, on this suite's task queue, linking mail to this suite's API. */
  const startWorkerProcess = () => startEntryProcess('apps/worker/src/main.ts', { TEMPORAL_TASK_QUEUE: queue, PUBLIC_URL: baseUrl }, 'worker polling');

  beforeAll(async () => {
    const base = loadConfig();
    const port = await freePort();
    const config: AppConfig = {
      ...base,
      temporal: { ...base.temporal, taskQueue: queue },
      api: { ...base.api, port, publicUrl: `http://127.0.0.1:${port}` },
      incidents: { ...base.incidents, handler: `kill-handler-${pid}@acme.example`, ciso: manager, dpo: manager },
      // No 30-day wait before the effectiveness review here: the time-skipping tests cover it.
      nc: { ismsManager: manager, policy: { ...DEFAULT_CORRECTIVE_ACTION_POLICY, effectivenessWaitDays: 0 } },
    };
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
    await killed(worker);
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

  it('finishes a corrective action, an incident and a certification-cycle activity cut off mid-step: each mail once, no record twice', async () => {
    worker ??= await startWorkerProcess();
    const owner = `kill-nc-owner-${pid}@acme.example`;
    const doer = `kill-nc-doer-${pid}@acme.example`;
    const handler = `kill-handler-${pid}@acme.example`;
    const riskOwner = `kill-risk-${pid}@acme.example`;
    const people = [manager, owner, doer, handler, riskOwner];
    const today = new Date().toISOString().slice(0, 10);
    const done = async (to: string, subject: RegExp, fields: Record<string, string>) => {
      const page = await submitTaskFromMail(to, subject, fields, 150_000);
      expect({ subject: String(subject), status: page.status, page: page.status === 200 ? '' : page.html }).toEqual({ subject: String(subject), status: 200, page: '' });
    };

    // The three processes, each waiting on its first person.
    const nc = await json(call('/nonconformities', { method: 'POST', json: { source: 'internalAudit', requirement: 'A.8.13 Information backup', description: `ERP backup restores not tested since March (${pid})`, classification: 'minor', owner } }));
    const ticketId = `KILL-${pid}`;
    const incidentId = `zendesk:${ticketId}`;
    const reported = await call('/incidents', {
      method: 'POST',
      json: { system: 'zendesk', ticketId, title: 'Miner found on a build agent', description: 'A crypto miner ran on ci-07.', detectedAt: new Date().toISOString(), reportedBy: 'it@acme.example', triage: { isIncident: true, category: 'malware', severity: 'medium', personalData: false } },
    });
    expect(reported.status).toBe(201);
    const org = `kill-org-${pid}`;
    const orgName = `Killjoy ${pid}`;
    expect((await call('/organisations', { method: 'POST', json: { id: org, name: orgName, ismsManager: manager, topManagement: [`kill-ceo-${pid}@acme.example`], certificationBody: { name: 'Example Cert', planDueDays: 21, majorCloseDays: 60 }, scope: 'Everything', timeZone: 'UTC', workingDays: [0, 1, 2, 3, 4, 5, 6] } })).status).toBe(201);
    const decisionDate = addDays(today, -30);
    const cycleId = `${org}:${decisionDate}`;
    expect((await call('/certification-cycles', { method: 'POST', json: { organisationId: org, decisionDate, owners: { riskAssessment: riskOwner } } })).status).toBe(201);
    expect((await call(`/certification-cycles/${cycleId}/changes`, { method: 'POST', json: { kind: 'newSystem', description: 'A new CI platform', landsOn: addDays(today, 10) } })).status).toBe(200);

    // The first step of each is done, and the worker dies while it creates and mails the next ones.
    await Promise.all([
      done(owner, new RegExp(`${nc.id}: correct the nonconformity`), { 'data.correction': 'Ran a restore test', 'data.correctedOn': today }),
      done(manager, new RegExp(`${ticketId}: regulatory assessment`), { 'data.gdpr': 'no', 'data.gdprRationale': 'No personal data', 'data.nis2': 'no', 'data.nis2Rationale': 'Not significant', 'data.dora': 'no', 'data.doraRationale': 'Not a financial entity' }),
      done(riskOwner, new RegExp(`${orgName}: assess the information security risks`), {
        'data.risks.0.asset': 'CI platform',
        'data.risks.0.threat': 'Supply-chain compromise',
        'data.risks.0.vulnerability': 'Unpinned build images',
        'data.risks.0.owner': riskOwner,
        'data.risks.0.consequence': '4',
        'data.risks.0.likelihood': '3',
        'data.risks.0.treatment': 'reduce',
        'data.risks.0.rationale': 'Pin and sign images',
        'data.evidence': 'https://grc.acme.example/risks/ci',
      }),
    ]);
    await new Promise((r) => setTimeout(r, 200));
    await killed(worker);
    worker = await startWorkerProcess();

    // Each goes on to its end from where it was.
    await Promise.all([
      (async () => {
        await done(owner, new RegExp(`${nc.id}: find the root cause`), { 'data.method': '5 Whys', 'data.analysis': 'Why? Nobody owns restore tests.', 'data.rootCause': 'Restore testing has no owner and no schedule', 'data.similar': 'none' });
        await done(owner, new RegExp(`${nc.id}: plan the corrective actions`), { 'data.actions.0.description': 'Schedule quarterly restore tests', 'data.actions.0.owner': doer, 'data.actions.0.due': addDays(today, 30) });
        await done(manager, new RegExp(`${nc.id}: approve the action plan`), { 'data.decision': 'approve' });
        await done(doer, new RegExp(`${nc.id} action 1`), { 'data.done': 'Scheduled', 'data.evidence': 'https://itsm.example.com/restore' });
        await done(manager, new RegExp(`${nc.id}: review the effectiveness`), { 'data.effective': 'yes', 'data.method': 'Checked the last restore', 'data.evidence': 'https://itsm.example.com/restore/1' });
        await done(owner, new RegExp(`${nc.id}: record the ISMS changes`), { 'data.summary': 'Backup procedure v3' });
        await done(manager, new RegExp(`${nc.id}: approve closure`), { 'data.decision': 'approve' });
      })(),
      (async () => {
        const events = [
          { eventId: 'c', type: 'contained', by: handler },
          { eventId: 'r', type: 'resolved', by: handler },
        ];
        expect((await call(`/incidents/${incidentId}/events`, { method: 'POST', json: events })).status).toBe(202);
        await done(handler, new RegExp(`${ticketId}: post-incident review`), { 'data.method': '5 Whys', 'data.rootCause': 'Build agents pulled unpinned images', 'data.lessons': 'Pin images', 'data.controlFailed': 'no' });
        await done(manager, new RegExp(`${ticketId}: approve closing`), { 'data.decision': 'approve' });
      })(),
      done(manager, new RegExp(`${orgName}: approve the risk treatment plan`), { 'data.decision': 'approve' }),
    ]);

    const closedNc = await until('the NC closed', async () => {
      const r = await json(call(`/nonconformities/${nc.id}`));
      return r.status === 'closed' ? r : undefined;
    }, 60_000);
    expect(closedNc.timeline.map((e: { kind: string }) => e.kind)).toEqual(['raised', 'correction', 'rootCause', 'actionPlan', 'planApproval', 'action', 'effectivenessReview', 'ismsChanges', 'closureApproval']);
    const closedIncident = await until('the incident closed', async () => {
      const r = await json(call(`/incidents/${incidentId}`));
      return r.step === 'closed' ? r : undefined;
    }, 60_000);
    expect(closedIncident.timeline.map((e: { kind: string }) => e.kind).sort()).toEqual(['closureApproval', 'regulatoryAssessment', 'reported', 'review', 'ticket:contained', 'ticket:resolved', 'triage'].sort());
    const cycle = await until('the change risk assessment completed', async () => {
      const r = await json(call(`/certification-cycles/${cycleId}`));
      return r.activities?.find((a: { id: string }) => a.id === 'change1-riskAssessment')?.status === 'completed' ? r : undefined;
    }, 60_000);
    expect(cycle.activities.find((a: { id: string }) => a.id === 'change1-riskAssessment')).toMatchObject({ summary: '1 risk(s), 0 high; treatment approved' });
    expect((await json(call(`/risks?owner=${encodeURIComponent(riskOwner)}`))).items).toHaveLength(1);

    // Each task once, each mail once (a retried send can only repeat the same message: one Message-ID).
    const tasks = await db.query<Array<{ title: string; n: string }>>(`SELECT title, count(*) AS n FROM tasks WHERE assignee = ANY($1) GROUP BY title`, [people]);
    expect(tasks.filter((t) => Number(t.n) > 1)).toEqual([]);
    // Every step done above has its task (the cycle may add tasks of its own programme, by date).
    const steps = [
      ...['correct the nonconformity', 'find the root cause', 'plan the corrective actions', 'approve the action plan', 'action 1', 'review the effectiveness', 'record the ISMS changes', 'approve closure'].map((s) => `${nc.id}${s === 'action 1' ? ' ' : ': '}${s}`),
      ...['regulatory assessment', 'post-incident review', 'approve closing'].map((s) => `${ticketId}: ${s}`),
      ...['assess the information security risks', 'approve the risk treatment plan'].map((s) => `${orgName}: ${s}`),
    ];
    for (const step of steps) expect({ step, tasks: tasks.filter((t) => t.title.includes(step)).length }).toEqual({ step, tasks: 1 });
    const mails = (await mailbox.list()).filter((m) => m.To.some((t) => people.includes(t.Address)));
    const messageIds = new Map<string, Set<string>>();
    for (const m of mails) {
      const key = `${m.To.map((t) => t.Address).join(',')} ${m.Subject}`;
      messageIds.set(key, (messageIds.get(key) ?? new Set()).add(m.MessageID));
    }
    expect([...messageIds].filter(([, ids]) => ids.size > 1).map(([key]) => key)).toEqual([]);
    expect(messageIds.size).toBeGreaterThanOrEqual(tasks.length);
    const ids = await db.query<Array<{ id: string }>>(`SELECT id FROM tasks WHERE assignee = ANY($1)`, [people]);
    const events = await db.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM (SELECT task_id, type FROM task_events WHERE task_id = ANY($1) GROUP BY 1, 2 HAVING count(*) > 1) d`, [ids.map((r) => r.id)]);
    expect(Number(events[0].n)).toBe(0);
  }, 420_000);
});

describe('faults: the API killed (SIGKILL) and restarted under load', () => {
  const pid = process.pid;
  const queue = `api-restart-${pid}`;
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let api: ChildProcess | undefined;
  let port: number;
  let temporal: Client;

  const startApi = () => startEntryProcess('apps/api/src/main.ts', { PORT: String(port), TEMPORAL_TASK_QUEUE: queue, PUBLIC_URL: `http://127.0.0.1:${port}`, HOST: '127.0.0.1' }, 'listening on');

  beforeAll(async () => {
    const base = loadConfig();
    // The worker in this process, the API as its own process: the one that gets killed.
    sys = await startSystem({ temporal: { ...base.temporal, taskQueue: queue } });
    port = await freePort();
    api = await startApi();
    temporal = await connectClient(base);
  }, 120_000);
  afterAll(async () => {
    if (api) await killed(api);
    await temporal?.connection.close();
    await sys?.close();
  });

  it('loses no accepted request: every 201 is a running workflow and its task, and a retried request is the same task', async () => {
    const total = 240;
    const assignee = `api-restart-${pid}@acme.example`;
    const accepted = new Map<number, { status: number; id: string }>();
    const attempts = new Map<number, number>();
    let next = 0;

    /** A ticketing system's client: sends each request with its Idempotency-Key until it is answered 2xx. */
    async function client() {
      for (let i = next++; i < total; i = next++) {
        for (;;) {
          attempts.set(i, (attempts.get(i) ?? 0) + 1);
          const res = await fetch(`http://127.0.0.1:${port}/tasks`, {
            method: 'POST',
            headers: { authorization: `Bearer ${process.env.TEST_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': `restart-${pid}-${i}` },
            body: JSON.stringify({ title: `Restart load ${i} (${pid})`, instructions: 'Nothing to do.', assignee, dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) + 'T12:00:00.000Z' }),
          }).catch(() => undefined);
          if (res && (res.status === 201 || res.status === 200)) {
            accepted.set(i, { status: res.status, id: (await json(res)).id });
            break;
          }
          if (res && res.status < 500) throw new Error(`request ${i}: ${res.status} ${await res.text()}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }

    const clients = Promise.all(Array.from({ length: 16 }, client));
    while (accepted.size < total / 3) await new Promise((r) => setTimeout(r, 20));
    await killed(api!);
    api = await startApi();
    await clients;

    expect(accepted.size).toBe(total);
    expect([...attempts.values()].some((n) => n > 1)).toBe(true); // the kill did cut requests off
    const ids = [...accepted.values()].map((a) => a.id);
    expect(new Set(ids).size).toBe(total);
    // Every accepted request is a workflow in Temporal and a task in the database, and nothing more.
    for (const id of ids) expect((await temporal.workflow.getHandle(workflowIds.task(id)).describe()).status.name).toBe('RUNNING');
    const rows = await sys.db.query<Array<{ id: string }>>(`SELECT id FROM tasks WHERE assignee = $1`, [assignee]);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
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
    await migrateDatabase(pg.adminUrl, pg.url);
    const base = loadConfig();
    sys = await startSystem({ databaseUrl: pg.url, temporal: { ...base.temporal, taskQueue: `pg-down-${pid}` } });
    ({ key } = await createApiKey(sys.db, `pg-down-${pid}`, 'admin'));
  }, 120_000);
  afterAll(async () => {
    await sys?.close().catch(() => undefined);
    await pg?.stop();
    removeEmbeddedPostgresData(dataDir);
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
