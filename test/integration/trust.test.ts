import AdmZip from 'adm-zip';
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

  it("a registers:write key cannot claim that a risk owner accepted, an approver approved or a person acknowledged", async () => {
    const { key: registers, name: keyName } = await createApiKey(sys.db, `trust-registers-${pid}`, 'integration', ['read', 'registers:write']);
    const { key: onBehalf, name: recorder } = await createApiKey(sys.db, `trust-grc-${pid}`, 'integration', ['read', 'registers:write', 'on-behalf']);
    const riskOwner = `trust-risk-owner.${pid}@example.com`;
    const risk = await json(sys.api('/risks', { method: 'POST', key: registers, json: { asset: `Payroll ${pid}`, threat: 'Fraud', vulnerability: 'No four-eyes check', owner: riskOwner, consequence: 4, likelihood: 4, treatment: 'accept', rationale: 'Cost of control exceeds the loss' } }));
    const docId = `POL-TRUST-${pid}`;
    expect((await sys.api('/documents', { method: 'POST', key: registers, json: { id: docId, title: 'Payroll policy', kind: 'policy', owner: riskOwner } })).status).toBe(201);
    const version = { version: '1.0', author: `trust-author.${pid}@example.com`, approver: riskOwner, approvedOn: today, nextReview: addDays(today, 365), summary: 'First issue' };
    const claims = [
      { path: `/risks/${risk.id}/acceptances`, body: { version: 1, acceptedBy: riskOwner }, field: 'acceptedBy' },
      { path: `/documents/${docId}/versions`, body: version, field: 'approver' },
    ];
    for (const { path, body, field } of claims) {
      const forged = await sys.api(path, { method: 'POST', key: registers, json: body });
      expect({ path, status: forged.status }).toEqual({ path, status: 403 });
      expect((await json(forged)).errors).toEqual([{ field, message: 'leave it out, or use a key with the scope on-behalf' }]);
    }
    // Nothing was recorded: no acceptance, no version, and the evidence log has neither.
    expect(await json(sys.api(`/risks/${risk.id}`))).toMatchObject({ acceptances: [] });
    expect((await json(sys.api(`/documents/${docId}`))).versions).toEqual([]);
    // Without naming anyone, the key itself is who acted: not the owner, so the acceptance is refused.
    const own = await sys.api(`/risks/${risk.id}/acceptances`, { method: 'POST', key: registers, json: { version: 1 } });
    expect(own.status).toBe(422);
    // A key with on-behalf records what the people did, and the records keep who recorded it.
    const accepted = await json(sys.api(`/risks/${risk.id}/acceptances`, { method: 'POST', key: onBehalf, json: { version: 1, acceptedBy: riskOwner } }));
    expect(accepted.acceptances).toEqual([expect.objectContaining({ acceptedBy: riskOwner, recordedBy: recorder })]);
    const doc = await json(sys.api(`/documents/${docId}/versions`, { method: 'POST', key: onBehalf, json: version }));
    expect(doc.versions).toEqual([expect.objectContaining({ approver: riskOwner, recordedBy: recorder })]);
    const reader = `trust-reader.${pid}@example.com`;
    expect((await sys.api(`/documents/${docId}/acknowledgements`, { method: 'POST', key: registers, json: { person: reader } })).status).toBe(403);
    const acked = await json(sys.api(`/documents/${docId}/acknowledgements`, { method: 'POST', key: registers, json: {} }));
    expect(acked.acknowledgements).toEqual([expect.objectContaining({ person: keyName, recordedBy: null })]);
    expect((await json(sys.api(`/documents/${docId}/acknowledgements`, { method: 'POST', key: onBehalf, json: { person: reader } }))).acknowledgements).toContainEqual(expect.objectContaining({ person: reader, recordedBy: recorder }));
  });

  it('a ticket event names the person who did it only with a key allowed to, and the record keeps both; the reporting key stands beside the reporter', async () => {
    const { key: siem, name: siemName } = await createApiKey(sys.db, `trust-siem-${pid}`, 'integration', ['read', 'incidents:write']);
    const { key: sync, name: syncName } = await createApiKey(sys.db, `trust-itsm-${pid}`, 'integration', ['read', 'incidents:write', 'on-behalf']);
    const ticketId = `WHO-${pid}`;
    const id = `zendesk:${ticketId}`;
    const reported = await sys.api('/incidents', { method: 'POST', key: siem, json: { system: 'zendesk', ticketId, title: 'T', description: 'D', detectedAt: `${today}T08:00:00Z`, reportedBy: 'soc@example.com', triage: { isIncident: true, category: 'malware', severity: 'low', personalData: false } } });
    expect(reported.status).toBe(201);
    const events = (key: string, list: unknown[]) => sys.api(`/incidents/${id}/events`, { method: 'POST', key, json: list });

    // Naming someone else without on-behalf refuses the whole batch, naming the field.
    const forged = await events(siem, [{ eventId: 'ok', type: 'comment', comment: 'Seen' }, { eventId: 'forged', type: 'contained', by: manager }]);
    expect(forged.status).toBe(403);
    expect((await json(forged)).errors).toEqual([{ field: '1.by', message: 'leave it out, or use a key with the scope on-behalf' }]);
    expect((await events(siem, [{ eventId: 'own', type: 'comment', comment: 'Seen by the SIEM' }])).status).toBe(202);
    expect((await events(sync, [{ eventId: 'named', type: 'contained', by: manager }])).status).toBe(202);

    type Entry = { kind: string; actor: string; data: Record<string, unknown> };
    const timeline = await until('both events recorded', async () => {
      const t = (await json(sys.api(`/incidents/${id}`))).timeline as Entry[];
      return t.some((e) => e.data.eventId === 'own') && t.some((e) => e.data.eventId === 'named') ? t : undefined;
    });
    const byEvent = (eventId: string) => timeline.find((e) => e.data.eventId === eventId);
    expect(byEvent('own')).toMatchObject({ actor: siemName });
    expect(byEvent('named')).toMatchObject({ actor: manager, data: { recordedBy: syncName } });
    expect(byEvent('ok')).toBeUndefined();
    expect(byEvent('forged')).toBeUndefined();
    // The reporter a key without on-behalf names is kept as it said; the record names the key.
    expect(timeline.find((e) => e.kind === 'reported')).toMatchObject({ actor: siemName, data: { reportedBy: 'soc@example.com', recordedBy: siemName } });
    // A key that may speak for others (an ITSM tool) reports for the person, and the record keeps both.
    const vouched = `WHO2-${pid}`;
    expect((await sys.api('/incidents', { method: 'POST', key: sync, json: { system: 'zendesk', ticketId: vouched, title: 'T', description: 'D', detectedAt: `${today}T08:00:00Z`, reportedBy: 'soc@example.com' } })).status).toBe(201);
    const reportedEntry = await until('the report recorded', async () => ((await json(sys.api(`/incidents/zendesk:${vouched}`))).timeline as Entry[]).find((e) => e.kind === 'reported'));
    expect(reportedEntry).toMatchObject({ actor: 'soc@example.com', data: { recordedBy: syncName } });
  });

  it('a POST without a body to a task page or the dashboard is a 4xx, not a 500', async () => {
    const task = await newTask(`Empty post ${pid}`);
    const link = linkIn(await mailbox.waitFor(owner, new RegExp(`Empty post ${pid}`)));
    for (const url of [link, `${sys.baseUrl}/dashboard/login`, `${sys.baseUrl}/dashboard/logout`]) {
      const res = await fetch(url, { method: 'POST' });
      // Signing out needs no valid form (it only ends the caller's own session): it leads to the sign-in page.
      expect({ url, status: res.status }).toEqual({ url, status: url === link ? 422 : url.endsWith('logout') ? 401 : 403 });
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
    // From a page left open until its form token no longer verifies, signing out still signs out.
    const again = await fetch(`${sys.baseUrl}/dashboard/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `ismsflow_csrf=${csrfCookie}` }, body: new URLSearchParams({ apiKey: key, csrf }) });
    const second = `ismsflow_session=${/ismsflow_session=([^;]+)/.exec(again.headers.get('set-cookie') ?? '')![1]}; ismsflow_csrf=${csrfCookie}`;
    expect((await fetch(`${sys.baseUrl}/dashboard`, { headers: { cookie: second } })).status).toBe(200);
    expect((await fetch(`${sys.baseUrl}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: second }, body: new URLSearchParams({ csrf: 'expired' }) })).status).toBe(303);
    expect((await fetch(`${sys.baseUrl}/dashboard`, { headers: { cookie: second } })).status).toBe(401);
  });

  it('CSV exports never hand a spreadsheet a formula', async () => {
    const name = `=HYPERLINK("https://evil.example.com","x") ${pid}`;
    expect((await sys.api('/suppliers', { method: 'POST', json: { id: `csv-${pid}`, name, services: '+cmd|calc', criticality: 'high', ictProvider: true, certificates: [] } })).status).toBe(201);
    const csv = await (await sys.api('/suppliers/register-of-information.csv')).text();
    const line = csv.split('\n').find((l) => l.includes('evil.example.com') && l.includes(`${pid}`))!;
    expect(line).toContain(`'=HYPERLINK`);
    expect(line).toContain(`'+cmd|calc`);
    expect(line).not.toMatch(/(^|,)"?[=+@-]/);
    // The evidence pack's copy of the register too.
    const zip = new AdmZip(Buffer.from(await (await sys.api(`/evidence-pack?from=${today}&to=${today}`)).arrayBuffer()));
    const packed = zip.readAsText('suppliers.csv').split('\n').find((l) => l.startsWith(`csv-${pid},`))!;
    expect(packed).toContain(`'=HYPERLINK`);
    expect(packed).toContain(`'+cmd|calc`);
    expect(packed).not.toMatch(/(^|,)"?[=+@-]/);
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

describe('every place a credential is tried counts towards one limit per address', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem({ api: { rateLimitPerMinute: 100, failedAuthPerMinute: 3 } });
  });
  afterAll(() => sys?.close());

  /** Signs in on the dashboard's own form with `apiKey`: its status and page. */
  async function signIn(apiKey: string): Promise<{ status: number; page: string }> {
    const form = await fetch(`${sys.baseUrl}/dashboard`);
    const nonce = /ismsflow_csrf=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1];
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1];
    const res = await fetch(`${sys.baseUrl}/dashboard/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `ismsflow_csrf=${nonce}` }, body: new URLSearchParams({ apiKey, csrf }) });
    return { status: res.status, page: await res.text() };
  }

  it('guesses at the dashboard sign-in and the codec endpoint hold off the API, and the other way round', async () => {
    const { key } = await createApiKey(sys.db, `trust-limit-${pid}`, 'admin');
    expect((await sys.api('/tasks', { key })).status).toBe(200);
    expect((await signIn('ifk_guess_one')).status).toBe(401);
    const codec = await fetch(`${sys.baseUrl}/codec/decode`, { method: 'POST', headers: { authorization: 'Bearer ifk_guess_two', 'content-type': 'application/json' }, body: '{"payloads":[]}' });
    expect(codec.status).toBe(401);
    expect((await sys.api('/tasks', { key: 'ifk_guess_three' })).status).toBe(401);
    // The fourth guess, wherever it is made, is held off before any lookup.
    expect((await sys.api('/tasks', { key: 'ifk_guess_four' })).status).toBe(429);
    const page = await signIn('ifk_guess_five');
    expect(page.status).toBe(429);
    expect(page.page).toContain('Too many failed sign-ins');
    expect((await fetch(`${sys.baseUrl}/codec/decode`, { method: 'POST', headers: { authorization: 'Bearer ifk_guess_six', 'content-type': 'application/json' }, body: '{"payloads":[]}' })).status).toBe(429);
    // A good key still works through it all.
    expect((await sys.api('/tasks', { key })).status).toBe(200);
  });
});
