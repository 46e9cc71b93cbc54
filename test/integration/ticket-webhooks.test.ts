import { createHmac } from 'node:crypto';
import { AuditLogEntry } from '../../libs/db/src';
import { webhookSignature } from '../../libs/security/src';
import { json, startSystem, until } from '../support/system';

const pid = process.pid;
const JIRA_SECRET = `jira-shared-secret-${pid}-0123456789`;
const SN_SECRET = `servicenow-shared-secret-${pid}-0123`;

/**
 * Jira Cloud and ServiceNow as they really call: a Jira system webhook cannot add headers, so with a
 * shared secret its signature (X-Hub-Signature: sha256=<HMAC of the body>) is its only credential.
 */
describe('ticketing systems signed with a shared secret, over HTTP with the real API', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    const domain = await import('../../libs/domain/src');
    sys = await startSystem({
      webhooks: { jira: { secret: JIRA_SECRET, verifyInbound: true }, servicenow: { secret: SN_SECRET, verifyInbound: true, timeZone: 'Europe/Berlin' } },
      incidents: { handler: `wh-handler.${pid}@example.com`, dpo: `wh-dpo.${pid}@example.com`, ciso: `wh-ciso.${pid}@example.com`, policy: domain.DEFAULT_INCIDENT_POLICY },
    });
  });
  afterAll(() => sys?.close());

  /** Posts the exact bytes signed, as the vendor does; no API key unless given. */
  const deliver = (route: string, payload: unknown, opts: { secret?: string; header?: string; key?: string | null; signature?: string } = {}) => {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signature = opts.signature ?? (opts.secret ? webhookSignature(opts.secret, body) : undefined);
    if (signature !== undefined) headers[opts.header ?? 'x-hub-signature'] = signature;
    return sys.api(route, { method: 'POST', headers, body, key: opts.key ?? null });
  };
  const audited = (path: string) => sys.db.getRepository(AuditLogEntry).find({ where: { path }, order: { id: 'ASC' } });

  const jiraCreated = (key: string) => ({
    timestamp: Date.now(),
    webhookEvent: 'jira:issue_created',
    user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Service Desk Agent' },
    issue: {
      id: '10050',
      key,
      fields: {
        summary: 'Credentials phished',
        created: '2026-12-01T09:15:00.000+0100',
        priority: { name: 'Highest', id: '1' },
        reporter: { accountId: 'abc', displayName: 'Mia Krystof' },
        description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Finance clerk entered a password on a fake page.' }] }] },
        labels: ['m365'],
        customfield_10100: { unknown: 'shape' },
      },
    },
    unknownTopLevel: true,
  });

  it('Jira: signed and without an API key it is accepted, the priority is the first severity, the system is the caller', async () => {
    const started = Date.now() - 1_000;
    const key = `SIG-${pid}`;
    const res = await deliver('/incidents/jira', jiraCreated(key), { secret: JIRA_SECRET });
    expect(res.status).toBe(201);
    const incident = await json(res);
    expect(incident).toMatchObject({
      id: `jira:${key}`,
      detectedAt: '2026-12-01T08:15:00.000Z',
      // The clocks count from the ticket's creation, not from when the webhook arrived.
      awareAt: '2026-12-01T08:15:00.000Z',
      description: 'Finance clerk entered a password on a fake page.',
      reportedBy: 'Mia Krystof',
    });
    const record = await until('the severity from the priority', async () => {
      const r = await json(sys.api(`/incidents/jira:${key}`));
      return r.severity === 'critical' ? r : undefined;
    });
    expect(record.timeline.filter((e: { kind: string }) => e.kind === 'ticket:severity')).toHaveLength(1);
    // Redelivered as Jira retries: the same incident, nothing new.
    expect((await deliver('/incidents/jira', jiraCreated(key), { secret: JIRA_SECRET })).status).toBe(200);
    // Other suites' webhooks are audited too: look at this test's own rows.
    const ours = async () => (await audited('/incidents/jira')).filter((r) => r.keyName === 'jira webhook' && r.at.getTime() >= started);
    const rows = await until('audited', async () => ((await ours()).length >= 2 ? ours() : undefined));
    expect(rows.map((r) => [r.keyId, r.status])).toEqual([[null, 201], [null, 200]]);
  });

  it('Jira: a wrong, missing, foreign or malformed signature is 401 and stores nothing; an API key is no substitute', async () => {
    const started = Date.now() - 1_000;
    const key = `BAD-${pid}`;
    const payload = jiraCreated(key);
    for (const opts of [
      { secret: 'not-the-shared-secret-0123456789' },
      {},
      { secret: SN_SECRET },
      { signature: 'sha256=ÿÿ' },
      { signature: `sha1=${'0'.repeat(40)}` },
      { key: process.env.TEST_API_KEY! },
    ]) {
      const res = await deliver('/incidents/jira', payload, opts);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await json(res)).errors[0].field).toBe('X-Hub-Signature');
    }
    // A body changed after signing is not the body that was signed.
    const signedOther = webhookSignature(JIRA_SECRET, JSON.stringify({ ...payload, webhookEvent: 'jira:issue_deleted' }));
    expect((await deliver('/incidents/jira', payload, { signature: signedOther })).status).toBe(401);
    expect((await sys.api(`/incidents/jira:${key}`)).status).toBe(404);
    const refused = await until('refusals audited', async () => {
      const rows = (await audited('/incidents/jira')).filter((r) => r.status === 401 && r.at.getTime() >= started);
      return rows.length >= 7 ? rows : undefined;
    });
    expect(new Set(refused.map((r) => r.keyName))).toEqual(new Set(['unauthenticated']));
  });

  it('Jira: a change the workflow would refuse is a 422 naming it, before anything is reported', async () => {
    const key = `BADEV-${pid}`;
    const created = jiraCreated(key);
    // An issue update carrying a status change, from a user whose name holds a line break.
    const update = { ...created, webhookEvent: 'jira:issue_updated', user: { displayName: 'Mallory\nAdmin' }, changelog: { id: '1', items: [{ field: 'status', fromString: 'Open', toString: 'Contained' }] } };
    const res = await deliver('/incidents/jira', update, { secret: JIRA_SECRET });
    expect(res.status).toBe(422);
    expect((await json(res)).errors).toEqual([expect.objectContaining({ field: 'contained.by' }), expect.objectContaining({ field: 'severity.by' })]);
    // A changelog id no event id can hold.
    const longId = await deliver('/incidents/jira', { ...update, user: { displayName: 'Agent' }, changelog: { ...update.changelog, id: 'x'.repeat(300) } }, { secret: JIRA_SECRET });
    expect(longId.status).toBe(422);
    expect((await json(longId)).errors[0].field).toBe('contained.eventId');
    expect((await sys.api(`/incidents/jira:${key}`)).status).toBe(404);
  });

  it('ServiceNow: display values, reference objects and instance-zone times, signed in its own header', async () => {
    const number = `INCSIG${pid}`;
    const record = {
      number,
      short_description: 'Ransomware note on FS01',
      description: 'Dateien umbenannt – .locked, Lösegeldforderung', // bytes beyond ASCII: the HMAC covers the bytes sent
      opened_at: '2026-07-01 09:00:00', // Europe/Berlin, summer time
      state: { display_value: 'In Progress', value: '2' },
      priority: '2 - High',
      caller_id: { display_value: 'Abel Tuter', value: '62826bf03710200044e0bfc8bcbe5df1', link: 'https://acme.service-now.com/api/now/table/sys_user/62826bf0' },
      cmdb_ci: { display_value: 'FS01', value: 'b0c4030a', link: 'https://acme.service-now.com/api/now/table/cmdb_ci/b0c4030a' },
      sys_mod_count: 1,
      u_unknown: 'ignored',
    };
    // Signed as a business rule signs (GlideCertificateEncryption.generateMac): base64, not hex.
    const base64 = createHmac('sha256', SN_SECRET).update(Buffer.from(JSON.stringify(record))).digest('base64');
    const res = await deliver('/incidents/servicenow', record, { signature: `sha256=${base64}`, header: 'x-ismsflow-signature' });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ id: `servicenow:${number}`, detectedAt: '2026-07-01T07:00:00.000Z', awareAt: '2026-07-01T07:00:00.000Z', reportedBy: 'Abel Tuter', affectedAssets: ['FS01'] });
    await until('severity high', async () => ((await json(sys.api(`/incidents/servicenow:${number}`))).severity === 'high' ? true : undefined));
    const bad = await deliver('/incidents/servicenow', { ...record, opened_at: '2026-02-30 10:00:00' }, { secret: SN_SECRET });
    expect(bad.status).toBe(422);
    expect((await json(bad)).errors.map((e: { field: string }) => e.field)).toEqual(['opened_at']);
    expect((await deliver('/incidents/servicenow', record, { secret: JIRA_SECRET })).status).toBe(401);
    // A new record signed with the wrong secret, or not at all, stores nothing.
    const forged = { ...record, number: `${number}F` };
    for (const opts of [{ secret: JIRA_SECRET }, {}, { signature: `sha256=${base64}` }]) expect((await deliver('/incidents/servicenow', forged, opts)).status).toBe(401);
    expect((await sys.api(`/incidents/servicenow:${number}F`)).status).toBe(404);
  });

  it('ServiceNow sends the whole record on every update: each priority change is one severity, repeats none', async () => {
    const number = `INCPRIO${pid}`;
    const record = { number, short_description: 'Suspicious logins', opened_at: '2026-12-01 08:00:00', state: '2', priority: '2', sys_mod_count: 1 };
    const severities = async () => ((await json(sys.api(`/incidents/servicenow:${number}`))).timeline as Array<{ kind: string; data: { severity?: string } }>).filter((e) => e.kind === 'ticket:severity').map((e) => e.data.severity);
    const send = async (priority: string, version: number, expected: string[]) => {
      expect((await deliver('/incidents/servicenow', { ...record, priority, sys_mod_count: version }, { secret: SN_SECRET })).status).toBeLessThan(300);
      await until(`severities ${expected.join(', ')}`, async () => {
        const now = await severities();
        return now.length === expected.length ? now : undefined;
      });
    };
    await send('2', 1, ['high']);
    await send('2', 2, ['high']);
    await send('1', 3, ['high', 'critical']);
    await send('1 - Critical', 4, ['high', 'critical']);
    await send('2', 5, ['high', 'critical', 'high']);
    // Changes faster than the workflow records them: each revision is its own change, none is lost.
    for (const [priority, version] of [['1', 6], ['2', 7], ['1', 8]] as const) {
      expect((await deliver('/incidents/servicenow', { ...record, priority, sys_mod_count: version }, { secret: SN_SECRET })).status).toBeLessThan(300);
    }
    await until('the burst applied', async () => ((await json(sys.api(`/incidents/servicenow:${number}`))).severity === 'critical' ? true : undefined));
    // A revision that arrives late (updated before the last change taken) changes nothing.
    expect((await deliver('/incidents/servicenow', { ...record, priority: '4', sys_mod_count: 2, sys_updated_on: '2026-12-01 09:00:00' }, { secret: SN_SECRET })).status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 1_000));
    const final = await severities();
    expect(final.slice(0, 3)).toEqual(['high', 'critical', 'high']);
    expect(final.at(-1)).toBe('critical');
    expect(final).not.toContain('low');
    expect((await json(sys.api(`/incidents/servicenow:${number}`))).severity).toBe('critical');
  });

  it('the other incident routes still need an API key with incidents:write', async () => {
    const body = { system: 'zendesk', ticketId: `WH-${pid}`, title: 't', description: 'd', detectedAt: '2026-12-01T08:00:00Z', reportedBy: 'x@example.com' };
    expect((await deliver('/incidents', body, { secret: JIRA_SECRET })).status).toBe(401);
  });
});
