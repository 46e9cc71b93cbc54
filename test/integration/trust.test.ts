import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../libs/devstack/src/processes';
import { TaskEvent, TaskRecord } from '../../libs/db/src';
import { addDays, localDate } from '../../libs/domain/src';
import { createApiKey } from '../../libs/security/src';
import { json, linkIn, mailbox, startSystem, until } from '../support/system';

const pid = process.pid;
const today = localDate(Date.now(), 'UTC');
const dueAt = () => `${addDays(today, 10)}T12:00:00Z`;

/** The findings of the hostile probe (issue 16), each as it was found, with the real API, worker, PostgreSQL and SMTP. */
describe('no request can wedge a process, no person can act as another', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  const manager = `trust-isms.${pid}@example.com`;
  const owner = `trust-owner.${pid}@example.com`;
  beforeAll(async () => {
    const domain = await import('../../libs/domain/src');
    sys = await startSystem({
      nc: { ismsManager: manager, policy: domain.DEFAULT_CORRECTIVE_ACTION_POLICY },
      incidents: { handler: owner, dpo: manager, ciso: manager, policy: domain.DEFAULT_INCIDENT_POLICY },
    });
  });
  afterAll(() => sys?.close());

  const newTask = async (title: string, extra: Record<string, unknown> = {}) => json(sys.api('/tasks', { method: 'POST', json: { title, instructions: 'Do it.', assignee: owner, dueAt: dueAt(), ...extra } }));

  it('a NUL byte from a task link is refused at once; the task stays open and completes when sent right', async () => {
    const task = await newTask(`NUL page ${pid}`);
    const link = linkIn(await mailbox.waitFor(owner, new RegExp(`NUL page ${pid}`)));
    const bad = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ outcome: 'done', notes: 'fine\u0000' }), signal: AbortSignal.timeout(5_000) });
    expect(bad.status).toBe(422);
    expect((await json(sys.api(`/tasks/${task.id}`))).status).toBe('open');
    const good = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ outcome: 'done', notes: 'fine' }) });
    expect(good.status).toBe(200);
    expect(await json(sys.api(`/tasks/${task.id}`))).toMatchObject({ status: 'completed', notes: 'fine' });
  });

  it('a NUL byte in a task title starts nothing', async () => {
    const before = await sys.db.getRepository(TaskRecord).count();
    const res = await sys.api('/tasks', { method: 'POST', json: { title: 'Review\u0000', instructions: 'x', assignee: owner, dueAt: dueAt() } });
    expect(res.status).toBe(422);
    expect((await json(res)).errors).toEqual([{ field: 'title', message: 'title must not contain control characters' }]);
    expect(await sys.db.getRepository(TaskRecord).count()).toBe(before);
  });

  it('a bad event in a batch refuses the whole batch; the incident keeps following its ticket', async () => {
    const ticketId = `TRUST-${pid}`;
    const id = `zendesk:${ticketId}`;
    await sys.api('/incidents', { method: 'POST', json: { system: 'zendesk', ticketId, title: 'T', description: 'D', detectedAt: `${today}T08:00:00Z`, reportedBy: 'SOC', triage: { isIncident: true, category: 'malware', severity: 'low', personalData: false } } });
    const batch = await sys.api(`/incidents/${id}/events`, { method: 'POST', json: [{ eventId: 'a', type: 'contained' }, { eventId: 'b', type: 'comment', comment: 'x\u0000y' }] });
    expect(batch.status).toBe(422);
    expect((await json(batch)).errors.map((e: { field: string }) => e.field)).toEqual(['1.comment']);
    await new Promise((r) => setTimeout(r, 500));
    expect((await json(sys.api(`/incidents/${id}`))).timeline.map((e: { kind: string }) => e.kind)).not.toContain('ticket:contained');
    expect((await sys.api(`/incidents/${id}/events`, { method: 'POST', json: [{ eventId: 'a', type: 'contained' }, { eventId: 'c', type: 'comment', comment: 'Police informed' }] })).status).toBe(202);
    await until('both applied', async () => {
      const kinds = (await json(sys.api(`/incidents/${id}`))).timeline.map((e: { kind: string }) => e.kind) as string[];
      return kinds.includes('ticket:contained') && kinds.includes('ticket:comment') ? true : undefined;
    });
  });

  it("a tasks:write key cannot complete a corrective action's step, nor name someone else as the person who did it", async () => {
    const { key: tasksOnly } = await createApiKey(sys.db, `trust-tasks-${pid}`, 'integration', ['read', 'tasks:write']);
    const nc = await json(sys.api('/nonconformities', { method: 'POST', json: { source: 'monitoring', requirement: 'A.8.15', description: `Logs not reviewed ${pid}`, classification: 'minor', owner } }));
    await mailbox.waitFor(owner, new RegExp(`${nc.id}: correct`));
    const step = (await json(sys.api(`/nonconformities/${nc.id}`))).tasks[0];
    const forged = await sys.api(`/tasks/${step.id}/complete`, { method: 'POST', key: tasksOnly, json: { outcome: 'done', completedBy: manager, data: { correction: 'x', correctedOn: today } } });
    expect(forged.status).toBe(403);
    expect((await json(forged)).errors).toEqual([{ field: 'Authorization', message: 'needs the scope nonconformities:write' }]);
    expect((await json(sys.api(`/nonconformities/${nc.id}`))).status).toBe('correction');

    const task = await newTask(`Named ${pid}`);
    const named = await sys.api(`/tasks/${task.id}/complete`, { method: 'POST', key: tasksOnly, json: { outcome: 'done', completedBy: manager } });
    expect(named.status).toBe(403);
    expect((await json(named)).errors[0].field).toBe('completedBy');
    const { key: onBehalf, name } = await createApiKey(sys.db, `trust-on-behalf-${pid}`, 'integration', ['read', 'tasks:write', 'on-behalf']);
    const done = await json(sys.api(`/tasks/${task.id}/complete`, { method: 'POST', key: onBehalf, json: { outcome: 'done', completedBy: manager } }));
    expect(done).toMatchObject({ status: 'completed', completedBy: manager, recordedBy: name });
    const event = await sys.db.getRepository(TaskEvent).findOneByOrFail({ taskId: task.id, type: 'completed' });
    expect(event).toMatchObject({ actor: manager, data: { recordedBy: name } });
    // Without naming anyone, the key itself is the one who did it.
    const own = await newTask(`Own ${pid}`);
    expect(await json(sys.api(`/tasks/${own.id}/complete`, { method: 'POST', key: tasksOnly, json: { outcome: 'done' } }))).toMatchObject({ completedBy: `trust-tasks-${pid}`, recordedBy: null });
  });

  it('a POST without a body to a task page or the dashboard is a 4xx, not a 500', async () => {
    const task = await newTask(`Empty post ${pid}`);
    const link = linkIn(await mailbox.waitFor(owner, new RegExp(`Empty post ${pid}`)));
    for (const url of [link, `${sys.baseUrl}/dashboard/login`, `${sys.baseUrl}/dashboard/logout`]) {
      const res = await fetch(url, { method: 'POST' });
      expect({ url, status: res.status }).toEqual({ url, status: url === link ? 422 : 403 });
    }
    expect((await json(sys.api(`/tasks/${task.id}`))).status).toBe('open');
  });

  it('signing out ends the session: the old cookie no longer opens the dashboard', async () => {
    const { key } = await createApiKey(sys.db, `trust-admin-${pid}`, 'admin');
    const form = await fetch(`${sys.baseUrl}/dashboard`);
    const csrfCookie = /ismsflow_csrf=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1];
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1];
    const login = await fetch(`${sys.baseUrl}/dashboard/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `ismsflow_csrf=${csrfCookie}` }, body: new URLSearchParams({ apiKey: key, csrf }) });
    const session = /ismsflow_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1];
    const cookie = `ismsflow_session=${session}; ismsflow_csrf=${csrfCookie}`;
    expect((await fetch(`${sys.baseUrl}/dashboard`, { headers: { cookie } })).status).toBe(200);
    const page = await (await fetch(`${sys.baseUrl}/dashboard`, { headers: { cookie } })).text();
    const signedInCsrf = /name="csrf" value="([^"]+)"/.exec(page)![1];
    expect((await fetch(`${sys.baseUrl}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ csrf: signedInCsrf }) })).status).toBe(303);
    expect((await fetch(`${sys.baseUrl}/dashboard`, { headers: { cookie } })).status).toBe(401);
  });

  it('CSV exports never hand a spreadsheet a formula', async () => {
    const name = `=HYPERLINK("https://evil.example.com","x") ${pid}`;
    expect((await sys.api('/suppliers', { method: 'POST', json: { id: `csv-${pid}`, name, services: '+cmd|calc', criticality: 'high', ictProvider: true, certificates: [] } })).status).toBe(201);
    const csv = await (await sys.api('/suppliers/register-of-information.csv')).text();
    const line = csv.split('\n').find((l) => l.includes(`${pid}`))!;
    expect(line).toContain(`'=HYPERLINK`);
    expect(line).toContain(`'+cmd|calc`);
    expect(line).not.toMatch(/(^|,)"?[=+@-]/);
  });
});

/** A relay that refuses some addresses for good (550), as real ones refuse unknown or malformed mailboxes, and keeps the rest. */
async function strictRelay(refuse: (address: string) => boolean) {
  const received: Array<{ to: string[]; subject: string; text: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse(address.address)) return callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      void simpleParser(stream).then((mail) => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: mail.subject ?? '', text: mail.text ?? '' });
        callback();
      }, callback);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('an address the mail relay refuses for good', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let relay: Awaited<ReturnType<typeof strictRelay>>;
  const nobody = `left-the-company.${pid}@example.com`;
  const contact = `trust-contact.${pid}@example.com`;
  const colleague = `trust-colleague.${pid}@example.com`;
  beforeAll(async () => {
    relay = await strictRelay((address) => address === nobody);
    sys = await startSystem({ smtp: { url: relay.url, from: 'ismsflow <ismsflow@example.com>' } });
  });
  afterAll(async () => {
    await sys?.close();
    await relay?.close();
  });

  it('is recorded, not retried; the escalation contact is told, and the task moves on when reassigned', async () => {
    const task = await json(sys.api('/tasks', { method: 'POST', json: { title: `Undeliverable ${pid}`, instructions: 'Do it.', assignee: nobody, escalateTo: contact, dueAt: dueAt() } }));
    const told = await until('the contact told', () => Promise.resolve(relay.received.find((m) => m.to.includes(contact) && /Undeliverable/.test(m.subject))), 20_000);
    expect(told.text).toContain(`refused mail to ${nobody}`);
    const history = (await json(sys.api(`/tasks/${task.id}`))).history as Array<{ type: string; data: Record<string, unknown> }>;
    expect(history.find((h) => h.type === 'undeliverable')).toMatchObject({ data: { to: nobody, reason: expect.stringContaining('550') } });
    expect((await json(sys.api(`/tasks/${task.id}`))).status).toBe('open');

    expect((await sys.api(`/tasks/${task.id}/reassign`, { method: 'POST', json: { to: colleague, reason: 'left the company' } })).status).toBe(200);
    await until('the colleague mailed', () => Promise.resolve(relay.received.find((m) => m.to.includes(colleague))), 20_000);
    expect(relay.received.filter((m) => m.to.includes(contact))).toHaveLength(1);
  });
});

describe('rate limits that made-up credentials cannot get around', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem({ api: { rateLimitPerMinute: 20, failedAuthPerMinute: 5 } });
  });
  afterAll(() => sys?.close());

  it('pages reached by link count per address, whatever bearer token a request carries', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await fetch(`${sys.baseUrl}/t/made-up-${i}`, { headers: { authorization: `Bearer made-up-${i}` } })).status);
    expect(statuses.slice(0, 20).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
  });

  it('failed authentications are held off per address, with Retry-After, while a good key keeps working', async () => {
    const { key } = await createApiKey(sys.db, `trust-good-${pid}`, 'admin');
    const good = await sys.api('/tasks', { key });
    expect(good.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await sys.api('/nonconformities', { key: `ifk_guess${i}_${'x'.repeat(43)}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const held = await sys.api('/nonconformities', { key: 'ifk_another_guess' });
    expect(held.status).toBe(429);
    expect(held.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await json(held)).toMatchObject({ status: 429, title: 'Too many requests' });
    expect((await sys.api('/nonconformities', { key })).status).toBe(200);
  });
});
