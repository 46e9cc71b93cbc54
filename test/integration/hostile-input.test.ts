import { addDays, localDate } from '../../libs/domain/src';
import { json, linkIn, mailbox, startIsolatedSystem, submitTaskFromMail, until } from '../support/system';

const pid = process.pid;
const today = localDate(Date.now(), 'UTC');
const inDays = (d: number) => addDays(today, d);

/** Each class of hostile value, by what it breaks later if let through. */
const HOSTILE_TEXT: Array<[string, string]> = [
  ['a NUL byte (PostgreSQL refuses it)', 'bad\u0000value'],
  ['a control character', 'bad\u0007value'],
  ['half a surrogate pair', 'bad\uD800value'],
  ['an escape sequence', 'bad\u001B[31mvalue'],
];
const SINGLE_LINE_BREAK: [string, string] = ['a line break in a one-line field', 'bad\nvalue'];
const IMPOSSIBLE_DATES = ['2027-02-31', '2026-13-45', '2026-W01', '2026-123', '20260101', '-2026-01-01', '2027-02-29'];
const IMPOSSIBLE_DATE_TIMES = ['2027-02-31T10:00:00Z', '2026-06-01T24:00:00Z', '2026-W01T10:00:00Z', '20260601T100000Z', '2026-06-01T10:00:00+25:00'];
const BAD_ADDRESSES = ['"quoted local"@example.com', 'user@[127.0.0.1]', 'jürgen@example.com', 'a..b@example.com', `${'x'.repeat(65)}@example.com`, 'user@-example.com'];

/** For every number: the wrong type, absurd magnitudes, and a number JSON can write but JavaScript reads as Infinity. */
const INFINITY = '__infinity__';
const HOSTILE_NUMBERS: unknown[] = ['3', null, true, [3], {}, 1e300, -1e300, INFINITY];

type Route = { method: 'POST' | 'PUT'; path: string; body: Record<string, unknown> };

/** Every string leaf of a body, by its path (`records.0.person`). */
function leaves(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, path ? `${path}.${i}` : String(i)));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [];
}
function withLeaf(body: Record<string, unknown>, path: string, replacement: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys.at(-1)!] = replacement;
  return copy;
}
/** Every number leaf of a body, by its path. */
function numberLeaves(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => numberLeaves(v, path ? `${path}.${i}` : String(i)));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => numberLeaves(v, path ? `${path}.${k}` : k));
  return [];
}
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
const isDateTime = (v: string) => /^\d{4}-\d{2}-\d{2}T/.test(v);
const isAddress = (v: string) => /^[^@\s]+@[^@\s]+$/.test(v);

/**
 * Every write route, with a valid request, poisoned one field at a time with each class of hostile
 * value: always a 4xx problem+json naming the field; afterwards no row anywhere has changed and no
 * mail went out, and the processes it was aimed at still take their next step.
 */
describe('hostile input at every write route', () => {
  let sys: Awaited<ReturnType<typeof startIsolatedSystem>>;
  const manager = `hostile-isms.${pid}@example.com`;
  const owner = `hostile-owner.${pid}@example.com`;
  const org = `hostile-${pid}`;
  let task: { id: string };
  let nc: { id: string };
  let cycleId: string;
  const incidentId = `zendesk:HOSTILE-${pid}`;
  let riskId: string;
  let improvementId: string;
  let routes: Route[];

  beforeAll(async () => {
    const domain = await import('../../libs/domain/src');
    // A database of its own: the check that nothing changed anywhere must not see other suites' writes.
    sys = await startIsolatedSystem({
      nc: { ismsManager: manager, policy: domain.DEFAULT_CORRECTIVE_ACTION_POLICY },
      incidents: { handler: owner, dpo: manager, ciso: manager, policy: domain.DEFAULT_INCIDENT_POLICY },
    });
    const post = async (path: string, body: unknown) => {
      const res = await sys.api(path, { method: 'POST', json: body });
      if (res.status >= 300) throw new Error(`fixture ${path}: ${res.status} ${await res.text()}`);
      return json(res);
    };
    task = await post('/tasks', { title: `Hostile fixture ${pid}`, instructions: 'Do it.', assignee: owner, dueAt: `${inDays(10)}T12:00:00Z` });
    nc = await post('/nonconformities', { source: 'internalAudit', requirement: 'A.5.15', description: `Hostile fixture NC ${pid}`, classification: 'minor', owner });
    await post('/incidents', { system: 'zendesk', ticketId: `HOSTILE-${pid}`, title: 'Fixture', description: 'Fixture incident', detectedAt: `${today}T08:00:00Z`, reportedBy: owner, triage: { isIncident: true, category: 'malware', severity: 'low', personalData: false } });
    await post('/organisations', { id: org, name: `Hostile ${pid}`, ismsManager: manager, topManagement: [manager], certificationBody: { name: 'Example Cert' }, scope: 'All', timeZone: 'UTC' });
    cycleId = (await post('/certification-cycles', { organisationId: org, decisionDate: inDays(-20) })).id;
    riskId = (await post('/risks', { asset: `Asset ${pid}`, threat: 'Leak', vulnerability: 'Weak password', owner, consequence: 2, likelihood: 2, treatment: 'accept', rationale: 'Low', controls: ['A.5.17'] })).id;
    await post('/documents', { id: `DOC-${pid}`, title: 'Policy', kind: 'policy', owner: manager });
    await post('/objectives', { id: `obj-${pid}`, objective: 'Patch', metric: 'Patched (%)', owner: manager, target: 95, direction: 'atLeast' });
    await post('/suppliers', { id: `sup-${pid}`, name: `Sup ${pid}`, services: 'Hosting', criticality: 'high', ictProvider: false, certificates: [] });
    improvementId = (await post('/improvements', { title: 'Fixture improvement', description: 'Fixture', source: 'other', owner })).id;
    await mailbox.waitFor(owner, new RegExp(`Hostile fixture ${pid}`));
    await mailbox.waitFor(owner, new RegExp(`${nc.id}: correct`));

    const cycle = encodeURIComponent(cycleId);
    routes = [
      { method: 'POST', path: '/tasks', body: { title: 'New task', instructions: 'Line one\nline two', assignee: owner, escalateTo: manager, dueAt: `${inDays(5)}T17:00:00Z`, externalRef: 'REF-1', outcomes: ['done'] } },
      { method: 'POST', path: `/tasks/${task.id}/complete`, body: { outcome: 'done', notes: 'All fine', evidence: ['https://evidence.example.com/1'] } },
      { method: 'POST', path: `/tasks/${task.id}/reassign`, body: { to: manager, reason: 'On leave' } },
      { method: 'POST', path: '/nonconformities', body: { source: 'internalAudit', sourceRef: 'IA-1', requirement: 'A.5.15', description: 'Shared accounts', evidence: ['https://e.example.com/x'], classification: 'minor', owner, reviewer: manager } },
      { method: 'POST', path: `/nonconformities/${nc.id}/cancel`, body: { reason: 'Duplicate' } },
      { method: 'POST', path: `/nonconformities/${nc.id}/owner`, body: { to: manager } },
      { method: 'POST', path: '/incidents', body: { system: 'zendesk', ticketId: 'NEW-1', title: 'Title', description: 'Text', detectedAt: `${today}T06:00:00Z`, awareAt: `${today}T07:00:00Z`, reportedBy: 'SOC team', affectedAssets: ['fs01'], handler: owner } },
      { method: 'POST', path: `/incidents/${incidentId}/events`, body: { eventId: 'ev-1', type: 'comment', comment: 'A comment', by: 'Agent Smith', at: `${today}T09:00:00Z`, evidence: ['https://e.example.com/y'] } },
      { method: 'POST', path: '/incidents/servicenow', body: { number: 'INC9', short_description: 'Title', description: 'Text', opened_at: `${today} 08:00:00`, caller_id: 'someone', priority: '3', state: '2' } },
      { method: 'POST', path: '/incidents/jira', body: { webhookEvent: 'jira:issue_created', issue: { key: 'SEC-9', fields: { summary: 'Title', description: 'Text', created: `${today}T08:00:00.000+0000`, reporter: { displayName: 'Someone' }, labels: ['x'] } } } },
      { method: 'POST', path: '/organisations', body: { id: 'neworg', name: 'New', ismsManager: manager, topManagement: [manager], certificationBody: { name: 'Body' }, scope: 'All', timeZone: 'Europe/Berlin', doraWeekendRelief: { bankHolidays: ['2026-12-25'] } } },
      { method: 'PUT', path: `/organisations/${org}`, body: { name: 'Renamed', ismsManager: manager, topManagement: [manager], certificationBody: { name: 'Body' }, scope: 'All', timeZone: 'UTC' } },
      { method: 'POST', path: '/certification-cycles', body: { organisationId: org, decisionDate: inDays(-30) } },
      { method: 'POST', path: `/certification-cycles/${cycle}/audits/surveillance1/booking`, body: { date: inDays(60) } },
      {
        method: 'POST',
        path: `/certification-cycles/${cycle}/audits/surveillance1/result`,
        body: { date: inDays(-1), auditors: ['A. Auditor (lead)'], recommended: true, findings: [{ type: 'minor', requirement: 'ISO 27001 9.2', description: 'Line one\nline two' }], report: 'https://cert.example.com/r/1' },
      },
      { method: 'POST', path: `/certification-cycles/${cycle}/changes`, body: { kind: 'newSystem', description: 'A new CRM', landsOn: inDays(20) } },
      { method: 'POST', path: '/risks', body: { asset: 'Asset', threat: 'Threat', vulnerability: 'Vuln', owner, consequence: 3, likelihood: 3, treatment: 'reduce', rationale: 'Why', controls: ['A.5.15'] } },
      { method: 'POST', path: `/risks/${riskId}/versions`, body: { asset: 'Asset', threat: 'Threat', vulnerability: 'Vuln', owner, consequence: 4, likelihood: 3, treatment: 'reduce', rationale: 'Why', controls: ['A.5.15'], plan: 'Line one\nline two' } },
      { method: 'POST', path: `/risks/${riskId}/acceptances`, body: { version: 1, acceptedBy: owner, note: 'Fine' } },
      { method: 'POST', path: '/documents', body: { id: `DOC2-${pid}`, title: 'Policy two', kind: 'policy', owner: manager, audience: `department:Hostile-${pid}` } },
      { method: 'POST', path: `/documents/DOC-${pid}/versions`, body: { version: '1.0', author: owner, approver: manager, approvedOn: today, nextReview: inDays(300), summary: 'First', acknowledgeBy: inDays(30) } },
      { method: 'PUT', path: `/documents/DOC-${pid}/audience`, body: { audience: `department:Hostile-${pid}` } },
      { method: 'POST', path: `/documents/DOC-${pid}/acknowledgements`, body: { person: owner } },
      { method: 'POST', path: '/objectives', body: { id: `obj2-${pid}`, objective: 'Train', metric: 'Trained (%)', owner: manager, target: 90, direction: 'atLeast' } },
      { method: 'POST', path: `/objectives/obj-${pid}/measurements`, body: { measuredOn: today, value: 90 } },
      { method: 'POST', path: '/training-records', body: { records: [{ person: owner, course: 'Awareness', completedOn: today, result: 'passed' }] } },
      { method: 'POST', path: '/suppliers', body: { id: `sup2-${pid}`, name: 'Sup two', services: 'Mail', criticality: 'low', ictProvider: true, lastReview: today, certificates: [{ type: 'SOC 2', validUntil: inDays(200) }] } },
      { method: 'PUT', path: `/suppliers/sup-${pid}`, body: { name: 'Sup', services: 'Hosting', criticality: 'high', ictProvider: false, lastReview: today, certificates: [{ type: 'ISO/IEC 27001', validUntil: inDays(100) }] } },
      { method: 'PUT', path: `/people/${encodeURIComponent(`staff.${pid}@example.com`)}`, body: { name: 'Staff Member', department: 'Finance', manager: owner, startDate: today, leaveDate: inDays(100), active: true } },
      { method: 'POST', path: '/improvements', body: { title: 'Passkeys for all', description: 'Line one\nline two', source: 'managementReview', sourceRef: 'MR-1', owner, dueOn: inDays(90) } },
      { method: 'PUT', path: `/improvements/${improvementId}/decision`, body: { outcome: 'done', summary: 'Line one\nline two', decidedOn: today, decidedBy: owner } },
      { method: 'PUT', path: '/soa/A.7.4', body: { applicable: false, justification: 'Remote company', implementation: 'not started' } },
    ];
  });
  afterAll(() => sys?.close());

  /** Row counts of every table but the audit log (which records these refusals, as it should). */
  async function snapshot(): Promise<Record<string, number>> {
    const tables = await sys.db.query<Array<{ table_name: string }>>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('audit_log', 'migrations')`);
    const counts = await Promise.all(tables.map(async ({ table_name }) => [table_name, Number((await sys.db.query(`SELECT count(*) AS n FROM "${table_name}"`))[0].n)] as const));
    return Object.fromEntries(counts);
  }

  async function refused(route: Route, body: unknown, field: string) {
    const text0 = JSON.stringify(body).replace(`"${INFINITY}"`, '1e999');
    const res = await sys.api(route.path, { method: route.method, body: text0, headers: { 'content-type': 'application/json' } });
    const text = await res.text();
    const what = `${route.method} ${route.path} with ${field} poisoned: ${res.status} ${text.slice(0, 300)}`;
    expect({ what, status: res.status >= 400 && res.status < 500, type: res.headers.get('content-type')?.startsWith('application/problem+json') }).toEqual({ what, status: true, type: true });
    if (res.status === 422) {
      const named = (JSON.parse(text) as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
      expect({ what, names: named.some((f) => f === field || field.startsWith(`${f}.`) || f.startsWith(`${field}.`)) }).toEqual({ what, names: true });
    }
  }

  /** The fixtures' processes have finished their first steps: nothing changes by itself any more. */
  async function settled(): Promise<Record<string, number>> {
    let last = await snapshot();
    for (let same = 0; same < 3; ) {
      await new Promise((r) => setTimeout(r, 500));
      const now = await snapshot();
      same = JSON.stringify(now) === JSON.stringify(last) ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  it('covers every write route the API documents', async () => {
    const spec = (await json(fetch(`${sys.baseUrl}/docs-json`))) as { paths: Record<string, Record<string, unknown>> };
    // Covered elsewhere: the forms below, the codec (its payload shape, codec.test.ts), the dashboard's
    // sign-out, and staff files (CSV: each row's field by line, people.test.ts and test/unit/people.test.ts).
    const elsewhere = ['/dashboard/login', '/dashboard/logout', '/codec/decode', '/codec/encode', '/t/{token}', '/people/import'];
    const writes = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => m === 'post' || m === 'put').map((m) => `${m.toUpperCase()} ${path}`));
    const template = (path: string) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const missing = writes.filter((w) => {
      const [method, path] = w.split(' ');
      return !elsewhere.includes(path) && !routes.some((r) => r.method === method && template(path).test(r.path));
    });
    expect(writes.length).toBeGreaterThan(25);
    expect(missing).toEqual([]);
  });

  it('refuses every class of hostile value in every field, and changes nothing', async () => {
    const before = await settled();
    // Every address these requests name is this suite's own: mail to them is mail they caused.
    const ours = async () => (await mailbox.list()).filter((m) => m.To.some((t) => t.Address.includes(`.${pid}@`))).length;
    const mailsBefore = await ours();
    let sent = 0;
    for (const route of routes) {
      for (const [path, value] of leaves(route.body)) {
        for (const [, hostile] of HOSTILE_TEXT) {
          await refused(route, withLeaf(route.body, path, hostile), path);
          sent++;
        }
        if (isDate(value)) for (const d of IMPOSSIBLE_DATES) await refused(route, withLeaf(route.body, path, d), path);
        if (isDateTime(value)) for (const d of IMPOSSIBLE_DATE_TIMES) await refused(route, withLeaf(route.body, path, d), path);
        if (isAddress(value)) for (const a of BAD_ADDRESSES) await refused(route, withLeaf(route.body, path, a), path);
      }
      for (const path of numberLeaves(route.body)) {
        for (const n of HOSTILE_NUMBERS) await refused(route, withLeaf(route.body, path, n), path);
      }
      // Field names are input too.
      await refused(route, { ...route.body, ['na\u0000me']: 'x' }, 'body');
    }
    expect(sent).toBeGreaterThan(150);
    // A line break where only one line belongs (titles, names, ids), for the API's own DTOs.
    const [, breakValue] = SINGLE_LINE_BREAK;
    await refused(routes[0], withLeaf(routes[0].body, 'title', breakValue), 'title');
    await refused(routes[3], withLeaf(routes[3].body, 'requirement', breakValue), 'requirement');
    await refused(routes[6], withLeaf(routes[6].body, 'title', breakValue), 'title');

    await new Promise((r) => setTimeout(r, 1_000));
    expect(await snapshot()).toEqual(before);
    expect(await ours()).toBe(mailsBefore);
  });

  it('refuses hostile path parameters, filters, nesting and bodies, never with a 5xx', async () => {
    const cases: Array<[string, RequestInit & { json?: unknown }]> = [
      [`/tasks/${task.id}%00/complete`, { method: 'POST', json: { outcome: 'done' } }],
      ['/tasks?assignee=a%00b@example.com', {}],
      ['/tasks?status=open%00', {}],
      ['/tasks?offset=100000000000000000000', {}],
      ['/tasks?limit=1e3', {}],
      ['/nonconformities?owner=%E0%A4%A', {}],
      [`/incidents/zendesk:X%00Y`, {}],
      ['/evidence?from=2026-02-31', {}],
      ['/evidence?from=2026-W01', {}],
      ['/evidence-pack?from=2026-01-01&to=2026-02-31', {}],
      ['/evidence-pack?from=-2026-01-01&to=2026-12-31', {}],
      ['/tasks', { method: 'POST', json: JSON.parse(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`) }],
      ['/tasks', { method: 'POST', body: `${'['.repeat(5000)}${']'.repeat(5000)}`, headers: { 'content-type': 'application/json' } }],
    ];
    for (const [path, init] of cases) {
      const res = await sys.api(path, init);
      expect({ path, status: res.status >= 400 && res.status < 500, problem: res.headers.get('content-type')?.startsWith('application/problem+json') }).toEqual({ path, status: true, problem: true });
    }
  });

  it('the forms people post (a task page, the dashboard sign-in) answer every hostile value with a 4xx page, and change nothing', async () => {
    const before = await settled();
    const link = linkIn(await mailbox.waitFor(owner, new RegExp(`Hostile fixture ${pid}`)));
    const form = await fetch(`${sys.baseUrl}/dashboard`);
    const nonce = /ismsflow_csrf=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1];
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1];
    const posts: Array<[string, Record<string, string>, Record<string, string>]> = [
      [link, { outcome: 'done', notes: 'All fine', evidence: 'https://evidence.example.com/1' }, {}],
      [`${sys.baseUrl}/dashboard/login`, { apiKey: 'ifk_x', csrf }, { cookie: `ismsflow_csrf=${nonce}` }],
    ];
    for (const [url, fields, headers] of posts) {
      for (const name of Object.keys(fields)) {
        // A form cannot carry half a surrogate pair: URL encoding writes it as U+FFFD, which is text.
        for (const [what, hostile] of [...HOSTILE_TEXT, SINGLE_LINE_BREAK].filter(([w]) => !w.includes('surrogate'))) {
          if (name === 'notes' && what === SINGLE_LINE_BREAK[0]) continue; // notes may span lines
          const res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ ...fields, [name]: hostile }) });
          expect({ url: url.replace(/\/t\/.*/, '/t/<token>'), name, hostile, status: res.status >= 400 && res.status < 500 ? true : res.status }).toEqual({ url: url.replace(/\/t\/.*/, '/t/<token>'), name, hostile, status: true });
        }
      }
    }
    expect((await json(sys.api(`/tasks/${task.id}`))).status).toBe('open');
    expect(await snapshot()).toEqual(before);
  });

  it('afterwards every process it was aimed at still takes its next step', async () => {
    await submitTaskFromMail(owner, new RegExp(`Hostile fixture ${pid}`), { notes: 'done' });
    await until('the task completed', async () => ((await json(sys.api(`/tasks/${task.id}`))).status === 'completed' ? true : undefined));
    await submitTaskFromMail(owner, new RegExp(`${nc.id}: correct`), { 'data.correction': 'Disabled the shared accounts', 'data.correctedOn': today });
    await until('the NC at its root cause', async () => ((await json(sys.api(`/nonconformities/${nc.id}`))).status === 'rootCause' ? true : undefined));
    expect((await sys.api(`/incidents/${incidentId}/events`, { method: 'POST', json: [{ eventId: 'after', type: 'contained' }] })).status).toBe(202);
    await until('the incident contained', async () => ((await json(sys.api(`/incidents/${incidentId}`))).handling === 'contained' ? true : undefined));
    const booked = await sys.api(`/certification-cycles/${encodeURIComponent(cycleId)}/audits/surveillance1/booking`, { method: 'POST', json: { date: inDays(60) } });
    expect(booked.status).toBe(200);
  });
});
