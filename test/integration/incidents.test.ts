import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookSignature } from '../../libs/security/src';
import { json, linkIn, mailbox, startSystem, until } from '../support/system';

const pid = process.pid;
const handler = `inc-handler.${pid}@example.com`;
const ciso = `inc-ciso.${pid}@example.com`;
const dpo = `inc-dpo.${pid}@example.com`;
const SECRET = 'jira-webhook-secret-0123456789';

/** A stand-in for the ticketing system's end of the outbound webhook. */
function ticketSystem() {
  const received: Array<{ body: string; signature?: string; delivery?: string }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ body, signature: req.headers['x-ismsflow-signature'] as string, delivery: req.headers['x-ismsflow-delivery'] as string });
      res.writeHead(204).end();
    });
  });
  return { server, received };
}

describe('incidents from ticketing systems, through the real system', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  const ticket = ticketSystem();
  beforeAll(async () => {
    await new Promise<void>((r) => ticket.server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(ticket.server.address() as AddressInfo).port}/hook`;
    sys = await startSystem({ webhooks: { jira: { url, secret: SECRET } }, timeZone: 'Europe/Berlin', incidents: { handler, dpo, ciso, policy: (await import('../../libs/domain/src')).DEFAULT_INCIDENT_POLICY }, nc: { ismsManager: ciso, policy: (await import('../../libs/domain/src')).DEFAULT_CORRECTIVE_ACTION_POLICY } });
  });
  afterAll(async () => {
    await sys?.close();
    await new Promise((r) => ticket.server.close(r));
  });

  const timeline = async (id: string) => (await json(sys.api(`/incidents/${id}`))).timeline.map((e: { kind: string }) => e.kind) as string[];
  async function doTask(to: string, subject: RegExp, fields: Record<string, string>) {
    const link = linkIn(await mailbox.waitFor(to, subject, 30_000));
    const res = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ outcome: 'done', ...fields }) });
    const html = await res.text();
    expect({ status: res.status, page: res.status === 200 ? '' : html }).toEqual({ status: 200, page: '' });
  }

  it('a Jira webhook reports the incident once; its updates drive it to closure; Jira is told, signed', async () => {
    const key = `SEC-${pid}`;
    const created = {
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_created',
      user: { emailAddress: 'agent@example.com' },
      issue: { key, fields: { summary: 'Phishing mail clicked by finance', description: 'One user entered credentials.', created: '2026-11-24T08:00:00.000+0000', reporter: { emailAddress: 'agent@example.com' }, labels: ['mail'], customfield_10001: 'ignored' } },
    };
    const first = await sys.api('/incidents/jira', { method: 'POST', json: created });
    expect(first.status).toBe(201);
    const incident = await json(first);
    expect(incident).toMatchObject({ id: `jira:${key}`, system: 'jira', ticketId: key, step: 'triage', detectedAt: '2026-11-24T08:00:00.000Z' });
    const again = await sys.api('/incidents/jira', { method: 'POST', json: created });
    expect(again.status).toBe(200);

    await doTask(handler, new RegExp(`${key}: triage`), {
      'data.isIncident': 'incident',
      'data.category': 'phishing',
      'data.severity': 'medium',
      'data.personalData': 'no',
      'data.entity': 'neither',
      'data.financialEntity': 'no',
      'data.criticalServicesAffected': 'no',
      'data.maliciousAccess': 'yes',
      'data.doraThresholdsMet': '0',
    });
    await doTask(ciso, new RegExp(`${key}: regulatory assessment`), {
      'data.gdpr': 'no',
      'data.gdprRationale': 'No personal data reached the attacker',
      'data.nis2': 'no',
      'data.nis2Rationale': 'Not significant',
      'data.dora': 'no',
      'data.doraRationale': 'Not a financial entity',
    });
    const update = (id: string, from: string, to: string) => ({
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_updated',
      user: { emailAddress: 'agent@example.com' },
      issue: { key, fields: { summary: 'Phishing mail clicked by finance' } },
      changelog: { id, items: [{ field: 'status', fromString: from, toString: to }] },
    });
    expect((await sys.api('/incidents/jira', { method: 'POST', json: update('1', 'Open', 'Contained') })).status).toBe(200);
    expect((await sys.api('/incidents/jira', { method: 'POST', json: update('2', 'Contained', 'Done') })).status).toBe(200);
    await sys.api('/incidents/jira', { method: 'POST', json: update('2', 'Contained', 'Done') }); // a repeated webhook
    await doTask(handler, new RegExp(`${key}: post-incident review`), { 'data.method': '5 Whys', 'data.rootCause': 'No MFA on the finance mailbox', 'data.lessons': 'Enforce MFA everywhere', 'data.controlFailed': 'no' });
    await doTask(ciso, new RegExp(`${key}: approve closing`), { 'data.decision': 'approve' });

    const record = await until('closed', async () => {
      const r = await json(sys.api(`/incidents/jira:${key}`));
      return r.step === 'closed' ? r : undefined;
    });
    expect(record.timeline.map((e: { kind: string }) => e.kind)).toEqual(['reported', 'triage', 'regulatoryAssessment', 'ticket:contained', 'ticket:resolved', 'review', 'closureApproval']);
    expect(record).toMatchObject({ handling: 'resolved', severity: 'medium', regimes: [], closedBy: ciso, live: null });

    const calls = await until('Jira told of the closure', () => Promise.resolve(ticket.received.some((r) => JSON.parse(r.body).event === 'closed') ? ticket.received : undefined));
    for (const call of calls) expect(call.signature).toBe(webhookSignature(SECRET, call.body));
    expect(new Set(calls.map((c) => c.delivery)).size).toBe(calls.length);
    expect(calls.map((c) => JSON.parse(c.body))).toEqual(expect.arrayContaining([expect.objectContaining({ incidentId: `jira:${key}`, event: 'step', step: 'assessment' })]));
  });

  it('a ServiceNow record reports the incident with its triage fields; its resolution arrives once', async () => {
    const number = `INC${pid}`;
    const record = { sys_id: 'abc', number, short_description: 'Laptop stolen from a car', description: 'Encrypted laptop.', opened_at: '2026-11-24 07:30:00', caller_id: 'user@example.com', priority: '3', state: '2', sys_updated_on: '2026-11-24 07:31:00' };
    const res = await sys.api('/incidents/servicenow', { method: 'POST', json: record });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ id: `servicenow:${number}`, detectedAt: '2026-11-24T07:30:00.000Z', reportedBy: 'user@example.com' });
    const resolved = { ...record, state: '6', sys_updated_on: '2026-11-24 10:00:00' };
    expect((await sys.api('/incidents/servicenow', { method: 'POST', json: resolved })).status).toBe(200);
    expect((await sys.api('/incidents/servicenow', { method: 'POST', json: resolved })).status).toBe(200);
    const kinds = await until('resolution recorded', async () => {
      const k = await timeline(`servicenow:${number}`);
      return k.includes('ticket:resolved') ? k : undefined;
    });
    expect(kinds.filter((k) => k === 'ticket:resolved')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'ticket:severity')).toHaveLength(1);
  });

  it('the generic route and the events route: idempotent on (system, ticket id), events applied in order once', async () => {
    const body = { system: 'zendesk', ticketId: `Z-${pid}`, title: 'Ransomware note on a file server', description: 'Files encrypted on fs-02.', detectedAt: '2026-11-24T06:00:00Z', reportedBy: 'it@example.com', triage: { isIncident: true, category: 'malware', severity: 'high', personalData: false } };
    const first = await sys.api('/incidents', { method: 'POST', json: body });
    expect(first.status).toBe(201);
    const id = `zendesk:Z-${pid}`;
    // The 201 is the record as stored, exactly as a read gives it (and as the 200 of a retry does).
    const { live: _live, timeline: _timeline, tasks: _tasks, ...read } = await json(sys.api(`/incidents/${id}`));
    const reported = await json(first);
    expect(Object.keys(reported).sort()).toEqual(Object.keys(read).sort());
    expect(reported).toMatchObject({ detectedAt: read.detectedAt, reportedAt: read.reportedAt, awareAt: read.awareAt, affectedAssets: [], regimes: [], deadlines: [], closedAt: null });
    const again = await sys.api('/incidents', { method: 'POST', json: body });
    expect(again.status).toBe(200);
    expect(Object.keys(await json(again)).sort()).toEqual(Object.keys(reported).sort());
    const events = [
      { eventId: 'e1', type: 'contained', by: 'it@example.com' },
      { eventId: 'e2', type: 'evidence', evidence: ['https://evidence.example.com/fs-02.img'] },
      { eventId: 'e1', type: 'contained' },
    ];
    const accepted = await sys.api(`/incidents/${id}/events`, { method: 'POST', json: events });
    expect(accepted.status).toBe(202);
    // The repeat in the list is not applied, and is not counted as if it were.
    expect(await json(accepted)).toEqual({ accepted: 2, ignored: 1 });
    const kinds = await until('events recorded', async () => {
      const k = await timeline(id);
      return k.includes('ticket:evidence') ? k : undefined;
    });
    // Dated by when the ticket said so: they may come before the triage entry.
    expect(kinds.filter((k) => k.startsWith('ticket:'))).toEqual(['ticket:contained', 'ticket:evidence']);
    expect(kinds).toEqual(expect.arrayContaining(['reported', 'triage']));
    const listed = await json(sys.api('/incidents?severity=high&limit=200'));
    expect(listed.items.map((i: { id: string }) => i.id)).toContain(id);
  });

  it('a personal-data breach shows its GDPR deadline from the awareness triage recorded, and the DPO records the submission from the mail', async () => {
    const ticketAware = new Date(Date.now() - 3_600_000).toISOString();
    // Triage needed half an hour to establish that personal data had left: the clock counts from then, the record keeps both.
    const awareAt = new Date(Date.parse(ticketAware) + 1_800_000).toISOString();
    const reason = 'Had to confirm the recipient was outside the company';
    const triage = { isIncident: true, category: 'misdelivery', severity: 'medium', personalData: true, awareAt, awarenessReason: reason };
    const body = { system: 'zendesk', ticketId: `GDPR-${pid}`, title: 'HR spreadsheet mailed to a wrong address', description: 'Salaries of 40 staff.', detectedAt: ticketAware, awareAt: ticketAware, reportedBy: 'hr@example.com', triage };
    expect((await sys.api('/incidents', { method: 'POST', json: body })).status).toBe(201);
    const id = `zendesk:GDPR-${pid}`;
    await doTask(ciso, new RegExp(`GDPR-${pid}: regulatory assessment`), {
      'data.gdpr': 'yes',
      'data.gdprRationale': 'Salary data of identifiable staff left our control',
      'data.gdprHighRisk': 'no',
      'data.nis2': 'no',
      'data.nis2Rationale': 'Not an essential or important entity',
      'data.dora': 'no',
      'data.doraRationale': 'Not a financial entity',
    });
    const due = new Date(Date.parse(awareAt) + 72 * 3_600_000).toISOString();
    const open = await until('GDPR clock shown', async () => {
      const r = await json(sys.api(`/incidents/${id}`));
      return r.deadlines.length ? r : undefined;
    });
    expect(open).toMatchObject({ regimes: ['gdpr'], nextDeadlineAt: due, deadlines: [{ report: 'gdpr-authority', dueAt: due, state: 'open', submissions: [] }] });
    expect(open).toMatchObject({ awareAt: ticketAware, recordedAwareAt: awareAt, awarenessReason: reason, organisationId: null });
    expect(open.live.awareness).toEqual({ fromTicket: ticketAware, recorded: awareAt, reason });
    expect(open.live.deadlines).toEqual(open.deadlines);
    await doTask(dpo, new RegExp(`GDPR-${pid}: submit the GDPR breach notification`), { 'data.reference': 'DPA-2026-118', 'data.evidence': 'https://dpa.example.com/case/118' });
    const done = await until('submission recorded', async () => {
      const r = await json(sys.api(`/incidents/${id}`));
      return r.deadlines[0]?.state === 'submitted' ? r : undefined;
    });
    expect(done.timeline.find((e: { kind: string }) => e.kind === 'reportSubmitted')).toMatchObject({ actor: dpo, data: { report: 'gdpr-authority', reference: 'DPA-2026-118' } });
    expect(done.deadlines[0].submissions).toEqual([expect.objectContaining({ reference: 'DPA-2026-118', by: dpo, dueAt: due, late: false })]);
    expect(done.nextDeadlineAt).toBeNull();
  });

  it("an incident of an organisation runs its clocks on that organisation's calendar", async () => {
    const org = `tokyo-${pid}`;
    const setUp = { id: org, name: 'ACME KK', ismsManager: ciso, topManagement: ['ceo@acme.example'], certificationBody: { name: 'Example Cert', planDueDays: 21 }, scope: 'Platform', timeZone: 'Asia/Tokyo' };
    expect((await sys.api('/organisations', { method: 'POST', json: setUp })).status).toBe(201);
    const now = new Date().toISOString();
    const body = { system: 'zendesk', ticketId: `ORG-${pid}`, title: 'Outage', description: 'd', detectedAt: now, reportedBy: 'r@example.com', organisationId: org, triage: { isIncident: true, category: 'outage', severity: 'low', personalData: false } };
    expect((await sys.api('/incidents', { method: 'POST', json: body })).status).toBe(201);
    const shown = await until('live view', async () => {
      const r = await json(sys.api(`/incidents/zendesk:ORG-${pid}`));
      return r.live ? r : undefined;
    });
    expect(shown).toMatchObject({ organisationId: org, live: { timeZone: 'Asia/Tokyo' } });
  });

  it('refuses bad input with the field named', async () => {
    const problem = async (res: Response, status: number, fields: string[]) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await json(res)).errors.map((e: { field: string }) => e.field).sort()).toEqual(fields.sort());
    };
    await problem(await sys.api('/incidents', { method: 'POST', json: {} }), 422, ['system', 'ticketId', 'title', 'description', 'detectedAt', 'reportedBy']);
    await problem(await sys.api('/incidents', { method: 'POST', json: { system: 'Bad System', ticketId: 'x/y', title: 't', description: 'd', detectedAt: 'yesterday', reportedBy: 'r', triage: { isIncident: 'maybe' } } }), 422, [
      'system',
      'ticketId',
      'detectedAt',
      'triage.isIncident',
      'triage.category',
      'triage.severity',
      'triage.personalData',
    ]);
    const valid = { system: 'zendesk', ticketId: `BAD-${pid}`, title: 't', description: 'd', detectedAt: '2026-11-24T08:00:00Z', awareAt: '2026-11-24T08:00:00Z', reportedBy: 'r' };
    const triage = { isIncident: true, category: 'c', severity: 'low', personalData: false };
    await problem(await sys.api('/incidents', { method: 'POST', json: { ...valid, organisationId: 'no-such-org', triage: { ...triage, awareAt: '2026-11-24T07:00:00Z' } } }), 422, ['organisationId', 'triage.awareAt', 'triage.awarenessReason']);
    expect((await sys.api(`/incidents/zendesk:BAD-${pid}`)).status).toBe(404);
    await problem(await sys.api('/incidents/jira', { method: 'POST', json: { webhookEvent: 'jira:issue_created', issue: { fields: {} } } }), 422, ['issue.key', 'issue.fields.summary', 'issue.fields.created']);
    await problem(await sys.api('/incidents/jira', { method: 'POST', json: { issue: { key: 'A-1' } } }), 422, ['webhookEvent']);
    await problem(await sys.api('/incidents/jira', { method: 'POST', json: { webhookEvent: 'jira:issue_updated', timestamp: 1e20, issue: { key: 'A-1' } } }), 422, ['timestamp']);
    // An update for a ticket ismsflow has not seen reports it, so it must describe the issue.
    await problem(await sys.api('/incidents/jira', { method: 'POST', json: { webhookEvent: 'jira:issue_updated', issue: { key: `NEW-${pid}`, fields: {} } } }), 422, ['issue.fields.summary', 'issue.fields.created']);
    await problem(await sys.api('/incidents/servicenow', { method: 'POST', json: { state: '2' } }), 422, ['number', 'short_description', 'opened_at']);
    await problem(await sys.api('/incidents/zendesk:Z-1/events', { method: 'POST', json: [{ eventId: 'x', type: 'exploded' }] }), 422, ['0.type']);
    expect((await sys.api('/incidents/zendesk:NOPE-1/events', { method: 'POST', json: { eventId: 'x', type: 'comment' } })).status).toBe(404);
    expect((await sys.api('/incidents/nope')).status).toBe(404);
    await problem(await sys.api('/incidents?severity=huge&regime=sox&limit=0'), 422, ['severity', 'regime', 'limit']);
    expect((await sys.api('/incidents', { key: null })).status).toBe(401);
  });

  it("an organisation's DORA weekend relief (RTS 2025/301 Art. 5(4)) travels with its incidents; a bad bank holiday is refused; PUT without it takes it away", async () => {
    const org = `relief-${pid}`;
    const organisation = { id: org, name: `Relief ${pid}`, ismsManager: ciso, topManagement: [ciso], certificationBody: { name: 'Example Cert' }, scope: 'Payments', timeZone: 'Europe/Berlin', workingDays: [1, 2, 3, 4, 5] };
    const bad = await sys.api('/organisations', { method: 'POST', json: { ...organisation, doraWeekendRelief: { bankHolidays: ['2026-12-25', '2026-02-31'] } } });
    expect(bad.status).toBe(422);
    expect(((await json(bad)).errors as Array<{ field: string }>).map((e) => e.field)).toEqual([expect.stringMatching(/^doraWeekendRelief\.bankHolidays/)]);
    const created = await sys.api('/organisations', { method: 'POST', json: { ...organisation, doraWeekendRelief: { bankHolidays: ['2026-12-25', '2026-12-26'] } } });
    expect(created.status).toBe(201);
    expect((await json(created)).doraWeekendRelief).toEqual({ bankHolidays: ['2026-12-25', '2026-12-26'] });

    const ticketId = `RELIEF-${pid}`;
    const report = { system: 'zendesk', ticketId, title: 'Payments down', description: 'Card payments fail.', detectedAt: '2026-11-24T06:00:00Z', reportedBy: 'soc@example.com', organisationId: org };
    expect((await sys.api('/incidents', { method: 'POST', json: report })).status).toBe(201);
    const [stored] = await sys.db.query(`SELECT input FROM incidents WHERE id = $1`, [`zendesk:${ticketId}`]);
    expect(stored.input.doraRelief).toEqual({ workingDays: [1, 2, 3, 4, 5], bankHolidays: ['2026-12-25', '2026-12-26'] });

    const { id: _id, ...rest } = organisation;
    const updated = await sys.api(`/organisations/${org}`, { method: 'PUT', json: rest });
    expect((await json(updated)).doraWeekendRelief).toBeNull();
    expect((await sys.api('/incidents', { method: 'POST', json: { ...report, ticketId: `${ticketId}-2` } })).status).toBe(201);
    const [strict] = await sys.db.query(`SELECT input FROM incidents WHERE id = $1`, [`zendesk:${ticketId}-2`]);
    expect(strict.input.doraRelief).toBeUndefined();
  });
});
