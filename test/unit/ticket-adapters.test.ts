import { plainText } from '../../apps/api/src/incidents/adapters/adf';
import { fromJira } from '../../apps/api/src/incidents/adapters/jira';
import { parseTicketTime } from '../../apps/api/src/incidents/adapters/payload';
import { fromServiceNow } from '../../apps/api/src/incidents/adapters/servicenow';

/** Payloads shaped as Atlassian documents Jira Cloud's webhooks (issue events carry the whole issue and a changelog). */
const jiraIssue = (fields: Record<string, unknown> = {}) => ({
  id: '10042',
  self: 'https://acme.atlassian.net/rest/api/2/10042',
  key: 'SEC-7',
  fields: {
    summary: 'Stolen laptop',
    created: '2026-11-24T09:15:02.107+0100',
    priority: { self: 'https://acme.atlassian.net/rest/api/2/priority/2', iconUrl: 'x', name: 'High', id: '2' },
    status: { name: 'In Progress', statusCategory: { key: 'indeterminate', name: 'In Progress' } },
    reporter: { accountId: '5b10a2844c20165700ede21g', displayName: 'Mia Krystof', active: true },
    labels: ['laptop', 'emea'],
    customfield_10020: null,
    ...fields,
  },
});
const jira = (webhookEvent: string, extra: Record<string, unknown> = {}) => ({
  timestamp: Date.parse('2026-11-24T09:20:00Z'),
  webhookEvent,
  issue_event_type_name: 'issue_generic',
  user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Service Desk Agent', timeZone: 'Europe/Berlin' },
  issue: jiraIssue(),
  ...extra,
});

describe('Jira Cloud webhooks', () => {
  it('issue created: reports the incident at its creation time with the priority as its first severity', () => {
    const m = fromJira(jira('jira:issue_created'));
    expect(m.errors).toEqual([]);
    expect(m.incidentId).toBe('jira:SEC-7');
    expect(m.report).toMatchObject({ system: 'jira', ticketId: 'SEC-7', title: 'Stolen laptop', description: 'Stolen laptop', detectedAt: '2026-11-24T08:15:02.107Z', reportedBy: 'Mia Krystof', affectedAssets: ['laptop', 'emea'] });
    expect(m.events).toEqual([]);
    expect(m.priority).toEqual({ severity: 'high', at: '2026-11-24T08:15:02.107Z', by: 'Service Desk Agent', version: String(Date.parse('2026-11-24T09:20:00Z')) });
  });

  it.each([
    ['Highest', 'critical'],
    ['Blocker', 'critical'],
    ['Critical', 'critical'],
    ['Major', 'high'],
    ['Medium', 'medium'],
    ['Minor', 'low'],
    ['Lowest', 'low'],
    ['Trivial', 'low'],
  ])('priority %s is severity %s', (name, severity) => {
    expect(fromJira(jira('jira:issue_created', { issue: jiraIssue({ priority: { name } }) })).priority).toMatchObject({ severity });
  });

  it('a priority scheme of its own gives no severity: triage decides', () => {
    expect(fromJira(jira('jira:issue_created', { issue: jiraIssue({ priority: { name: 'P2 - urgent-ish' } }) })).priority).toBeUndefined();
  });

  it('descriptions come as wiki text or as Atlassian Document Format, both read as plain text', () => {
    expect(fromJira(jira('jira:issue_created', { issue: jiraIssue({ description: 'Left in a taxi.\nEncrypted.' }) })).report?.description).toBe('Left in a taxi.\nEncrypted.');
    const adf = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Left in a ' }, { type: 'text', text: 'taxi', marks: [{ type: 'strong' }] }, { type: 'text', text: ' by ' }, { type: 'mention', attrs: { id: 'abc', text: '@Mia' } }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'BitLocker on' }] }] }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'line one' }, { type: 'hardBreak' }, { type: 'text', text: 'line two' }] },
        { type: 'someFutureNode', content: [{ type: 'text', text: 'still read' }] },
      ],
    };
    const text = fromJira(jira('jira:issue_created', { issue: jiraIssue({ description: adf }) })).report!.description;
    expect(text).toContain('Left in a taxi by @Mia');
    expect(text).toContain('- BitLocker on');
    expect(text).toContain('line one\nline two');
    expect(text).toContain('still read');
    expect(plainText({ type: 'doc', content: [] })).toBeUndefined();
    expect(plainText({ not: 'adf' })).toBeUndefined();
  });

  it('issue updated: status changes from the changelog, each change one event id; the priority as it now stands', () => {
    const m = fromJira(
      jira('jira:issue_updated', {
        issue: jiraIssue({ priority: { name: 'Highest', id: '1' } }),
        changelog: {
          id: '10311',
          items: [
            { field: 'status', fieldtype: 'jira', fieldId: 'status', from: '3', fromString: 'In Progress', to: '10001', toString: 'Contained' },
            { field: 'priority', fieldtype: 'jira', fieldId: 'priority', from: '2', fromString: 'High', to: '1', toString: 'Highest' },
            { field: 'assignee', fieldtype: 'jira', fromString: null, toString: 'Someone' },
          ],
        },
      }),
    );
    expect(m.errors).toEqual([]);
    expect(m.events).toEqual([{ eventId: 'SEC-7:10311:0', type: 'contained', at: '2026-11-24T09:20:00.000Z', by: 'Service Desk Agent' }]);
    expect(m.priority).toEqual({ severity: 'critical', at: '2026-11-24T09:20:00.000Z', by: 'Service Desk Agent', version: '10311' });
    // A payload whose fields leave the priority out still carries its change in the changelog.
    const { priority: _dropped, ...fields } = jiraIssue().fields;
    const filtered = fromJira(jira('jira:issue_updated', { issue: { ...jiraIssue(), fields }, changelog: { id: '10312', items: [{ field: 'priority', fromString: 'High', toString: 'Lowest' }] } }));
    expect(filtered.priority).toEqual({ severity: 'low', at: '2026-11-24T09:20:00.000Z', by: 'Service Desk Agent', version: '10312' });
    // An update also describes the issue: a ticket ismsflow has not seen yet is reported from it.
    expect(m.report).toMatchObject({ ticketId: 'SEC-7', title: 'Stolen laptop' });
  });

  it('an update without the issue\'s description applies to a known ticket, and says what reporting it would need', () => {
    const m = fromJira({ webhookEvent: 'jira:issue_updated', issue: { key: 'SEC-7', fields: {} }, changelog: { id: '5', items: [{ field: 'status', fromString: 'Open', toString: 'Resolved' }] } });
    expect(m.errors).toEqual([]);
    expect(m.report).toBeUndefined();
    expect(m.reportErrors?.map((e) => e.field)).toEqual(['issue.fields.summary', 'issue.fields.created']);
    expect(m.events.map((e) => e.type)).toEqual(['resolved']);
  });

  it('a status of its own name in the "done" category resolves; leaving a done status reopens', () => {
    const doneIssue = jiraIssue({ status: { name: 'Mitigated', statusCategory: { key: 'done' } } });
    const resolved = fromJira(jira('jira:issue_updated', { issue: doneIssue, changelog: { id: '9', items: [{ field: 'status', fromString: 'In Progress', toString: 'Mitigated' }] } }));
    expect(resolved.events.map((e) => e.type)).toEqual(['resolved']);
    const reopened = fromJira(jira('jira:issue_updated', { changelog: { id: '10', items: [{ field: 'status', fromString: 'Done', toString: 'Investigating' }] } }));
    expect(reopened.events.map((e) => e.type)).toEqual(['reopened']);
    const unrelated = fromJira(jira('jira:issue_updated', { changelog: { id: '11', items: [{ field: 'status', fromString: 'To Do', toString: 'Investigating' }] } }));
    expect(unrelated.events).toEqual([]);
  });

  it('comments become comment events; a deleted issue and other events are acknowledged without effect', () => {
    const c = fromJira(jira('comment_created', { issue: { id: '1', key: 'SEC-7', fields: { summary: 'Stolen laptop' } }, comment: { id: '10500', body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Police report filed' }] }] }, author: { displayName: 'Mia Krystof' }, created: '2026-11-24T10:00:00.000+0000' } }));
    expect(c.report).toBeUndefined();
    expect(c.events).toEqual([{ eventId: 'SEC-7:comment:10500', type: 'comment', comment: 'Police report filed', at: '2026-11-24T09:20:00.000Z', by: 'Mia Krystof' }]);
    expect(fromJira(jira('jira:issue_deleted'))).toMatchObject({ errors: [], events: [], ignored: expect.stringContaining('deleted') });
    expect(fromJira(jira('jira:worklog_updated'))).toMatchObject({ errors: [], events: [], ignored: expect.stringContaining('jira:worklog_updated') });
  });

  it('a missing key field is named by its path; a bad timestamp is refused, not trusted', () => {
    const noKey = fromJira({ webhookEvent: 'jira:issue_created', issue: { fields: {} } });
    expect(noKey.errors.map((e) => e.field).sort()).toEqual(['issue.fields.created', 'issue.fields.summary', 'issue.key']);
    expect(fromJira({ issue: jiraIssue() }).errors.map((e) => e.field)).toEqual(['webhookEvent']);
    for (const timestamp of [1e20, -5, 'yesterday', 1.5]) {
      expect(fromJira(jira('jira:issue_created', { timestamp })).errors.map((e) => e.field)).toEqual(['timestamp']);
    }
    expect(fromJira(jira('jira:issue_created', { issue: jiraIssue({ created: '2026-02-31T10:00:00.000+0000' }) })).errors.map((e) => e.field)).toEqual(['issue.fields.created']);
  });

  it('long texts are kept, cut to what the record holds', () => {
    const m = fromJira(jira('jira:issue_created', { issue: jiraIssue({ summary: 'x'.repeat(400), description: 'y'.repeat(30_000) }) }));
    expect(m.report!.title).toHaveLength(300);
    expect(m.report!.description).toHaveLength(20_000);
  });
});

/** ServiceNow incident records as a business rule or the Table API sends them: raw values, display values, or both. */
const snRaw = {
  sys_id: '9d385017c611228701d22104cc95c371',
  number: 'INC0010023',
  short_description: 'Ransomware note on a file server',
  description: 'Files on FS01 renamed to .locked',
  opened_at: '2026-11-24 07:30:00',
  sys_updated_on: '2026-11-24 07:31:12',
  sys_mod_count: '3',
  state: '2',
  priority: '1',
  caller_id: '681ccaf9c0a8016400b98a06818d57c7',
  cmdb_ci: 'b0c4030ac0a800090152e7a4564ca36c',
  reopen_count: '0',
  u_custom: 'ignored',
};

describe('ServiceNow incident records', () => {
  it('raw values: reported at opened_at, the priority as it stands as the severity', () => {
    const m = fromServiceNow(snRaw);
    expect(m.errors).toEqual([]);
    expect(m.report).toMatchObject({ system: 'servicenow', ticketId: 'INC0010023', detectedAt: '2026-11-24T07:30:00.000Z', title: 'Ransomware note on a file server' });
    expect(m.events).toEqual([]);
    expect(m.priority).toEqual({ severity: 'critical', at: '2026-11-24T07:31:12.000Z', version: '3' });
  });

  it('display values ("1 - Critical", "Resolved", names) read as the raw values would', () => {
    const m = fromServiceNow({ ...snRaw, state: 'Resolved', priority: '1 - Critical', caller_id: 'Abel Tuter', cmdb_ci: 'FS01', resolved_at: '2026-11-24 12:00:00' });
    expect(m.errors).toEqual([]);
    expect(m.events).toEqual([{ eventId: 'INC0010023:resolved:0', type: 'resolved', at: '2026-11-24T12:00:00.000Z' }]);
    expect(m.priority?.severity).toBe('critical');
    expect(m.report).toMatchObject({ reportedBy: 'Abel Tuter', affectedAssets: ['FS01'] });
    expect(fromServiceNow({ ...snRaw, priority: 'Moderate' }).priority?.severity).toBe('medium');
    expect(fromServiceNow({ ...snRaw, priority: '4 - Low', state: '7' })).toMatchObject({ events: [{ type: 'resolved' }], priority: { severity: 'low' } });
    expect(fromServiceNow({ ...snRaw, state: 'Closed' }).events.map((e) => e.type)).toEqual(['resolved']);
    expect(fromServiceNow({ ...snRaw, priority: 'whatever' }).priority).toBeUndefined();
  });

  it('reference fields as objects: the display value, or a dot-walked e-mail when sent', () => {
    const pair = (display_value: string, value: string) => ({ display_value, value, link: `https://acme.service-now.com/api/now/table/x/${value}` });
    const m = fromServiceNow({ ...snRaw, caller_id: pair('Abel Tuter', '62826bf03710200044e0bfc8bcbe5df1'), cmdb_ci: pair('FS01', 'b0c4'), state: pair('Resolved', '6'), priority: pair('2 - High', '2'), opened_at: pair('24.11.2026 08:30:00', '2026-11-24 07:30:00') });
    expect(m.errors).toEqual([]);
    expect(m.report).toMatchObject({ reportedBy: 'Abel Tuter', affectedAssets: ['FS01'], detectedAt: '2026-11-24T07:30:00.000Z' });
    expect(m.events.map((e) => e.type)).toEqual(['resolved']);
    expect(m.priority?.severity).toBe('high');
    expect(fromServiceNow({ ...snRaw, caller_id: pair('Abel Tuter', 'x'), 'caller_id.email': 'abel.tuter@example.com' }).report?.reportedBy).toBe('abel.tuter@example.com');
  });

  it("times without an offset are the instance's wall time, across a DST change; a pair's value is UTC", () => {
    expect(fromServiceNow(snRaw, 'Europe/Berlin').report?.detectedAt).toBe('2026-11-24T06:30:00.000Z'); // CET, +01:00
    expect(fromServiceNow({ ...snRaw, opened_at: '2026-07-01 09:00:00' }, 'Europe/Berlin').report?.detectedAt).toBe('2026-07-01T07:00:00.000Z'); // CEST, +02:00
    expect(fromServiceNow({ ...snRaw, opened_at: '2026-11-24 07:30:00' }, 'America/New_York').report?.detectedAt).toBe('2026-11-24T12:30:00.000Z');
    expect(fromServiceNow({ ...snRaw, opened_at: { display_value: '2026-11-24 08:30:00', value: '2026-11-24 07:30:00' } }, 'Europe/Berlin').report?.detectedAt).toBe('2026-11-24T07:30:00.000Z');
    expect(fromServiceNow({ ...snRaw, opened_at: '2026-11-24T07:30:00+05:30' }, 'Europe/Berlin').report?.detectedAt).toBe('2026-11-24T02:00:00.000Z');
  });

  it('missing key fields are named; times that are no dates are refused', () => {
    expect(fromServiceNow({ state: '2' }).errors.map((e) => e.field).sort()).toEqual(['number', 'opened_at', 'short_description']);
    expect(fromServiceNow({ ...snRaw, opened_at: '2026-13-45 10:00:00' }).errors.map((e) => e.field)).toEqual(['opened_at']);
    expect(fromServiceNow({ ...snRaw, sys_updated_on: 'tomorrow' }).errors.map((e) => e.field)).toEqual(['sys_updated_on']);
  });

  it('a reopened record reopens once per reopening; Canceled and unknown states move nothing', () => {
    expect(fromServiceNow({ ...snRaw, reopen_count: '1' }).events[0]).toMatchObject({ eventId: 'INC0010023:reopened:1', type: 'reopened' });
    expect(fromServiceNow({ ...snRaw, state: '8', priority: undefined }).events).toEqual([]);
    expect(fromServiceNow({ ...snRaw, state: 'Awaiting Vendor', priority: undefined }).events).toEqual([]);
  });
});

describe('ticket times', () => {
  it.each([
    ['2026-11-24T08:00:00.000+0000', 'UTC', '2026-11-24T08:00:00.000Z'],
    ['2026-11-24T08:00:00+01:00', 'UTC', '2026-11-24T07:00:00.000Z'],
    ['2026-11-24T08:00:00Z', 'Europe/Berlin', '2026-11-24T08:00:00.000Z'],
    ['2026-03-29 03:30:00', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    ['2028-02-29 12:00:00', 'UTC', '2028-02-29T12:00:00.000Z'],
  ])('%s in %s is %s', (text, zone, iso) => expect(parseTicketTime(text, zone)).toBe(iso));

  it.each(['2027-02-29 12:00:00', '2026-04-31T10:00:00Z', '2026-06-01T10:00:00+25:00', '2026-06-01T10:00:00+0160', '2026-11-24 24:00:00', '24/11/2026 08:00', '', '2026-11-24T08:00:00+1'])('%s is not a time', (text) => {
    expect(parseTicketTime(text)).toBeUndefined();
  });
});
