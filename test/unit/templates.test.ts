import { Parser } from 'htmlparser2';
import { ncForms, type AcknowledgementMailKind, type TaskForm } from '../../libs/domain/src';
import {
  acknowledgePage,
  completedPage,
  dashboardPage,
  evidencePackIndex,
  linkProblemPage,
  loginPage,
  messagePage,
  myTasksPage,
  renderAcknowledgementEscalation,
  renderAcknowledgementMail,
  renderTaskMail,
  taskFormPage,
  type DashboardFacts,
  type TaskMailKind,
} from '../../libs/templates/src';

/** Markup, a script, an attribute break-out, an entity, a comment and a raw-text end tag, in one value. */
const EVIL = `<img src=x onerror="alert(1)">' " & </textarea></script></style><!-- <b>`;

/** The element tree of an HTML document, as tags with their attribute names, and every text and attribute value. */
function parse(html: string) {
  const tags: string[] = [];
  const values: string[] = [];
  const parser = new Parser(
    {
      onopentag: (name, attribs) => {
        tags.push(`${name}[${Object.keys(attribs).sort().join(',')}]`);
        values.push(...Object.values(attribs));
      },
      ontext: (t) => values.push(t),
      oncomment: () => tags.push('comment'),
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return { tags, text: values.join('') };
}

/**
 * Each template rendered twice, with plain words and with hostile values in every piece of data it
 * shows: the same elements and attributes both times (no value became markup), and the hostile text
 * shown as text.
 */
function expectEscaped(render: (s: (name: string) => string) => string) {
  const plain = parse(render((name) => `plain ${name}`));
  const hostile = parse(render((name) => `${EVIL} ${name}`));
  expect(hostile.tags).toEqual(plain.tags);
  expect(hostile.text).toContain(EVIL);
}

const form = (s: (n: string) => string): TaskForm => ({
  ...ncForms.actionPlan(),
  context: { description: s('context') },
});
const task = (s: (n: string) => string) => ({
  id: 'abc123',
  title: s('title'),
  instructions: s('instructions'),
  assignee: s('assignee'),
  escalateTo: s('escalateTo'),
  externalRef: s('externalRef'),
  dueAt: new Date('2027-01-01T10:00:00Z'),
  outcomes: [s('outcome1'), s('outcome2')],
  form: null,
});

describe('every template escapes what it shows', () => {
  it('the task page, with its form, what was typed and the errors', () =>
    expectEscaped((s) =>
      taskFormPage(
        { ...task(s), form: form(s) },
        { errors: [{ field: s('field'), message: s('message') }], raw: { notes: s('notes'), evidence: s('evidence'), outcome: s('outcome2'), 'data.actions.0.description': s('typed') } },
      ),
    ));
  it('the task page again after an answer could not be recorded for now, with the notice', () =>
    expectEscaped((s) => taskFormPage(task(s), { notice: s('notice'), raw: { notes: s('notes') } })));
  it('the completed page', () => expectEscaped((s) => completedPage({ title: s('title'), outcome: s('outcome'), completedBy: s('by'), completedAt: new Date() })));
  it('the message and link pages', () => {
    expectEscaped((s) => messagePage(s('title'), s('text')));
    expect(parse(linkProblemPage('expired').html).tags).toContain('h1[]');
  });
  it('my tasks', () =>
    expectEscaped((s) => {
      const listed = (status: string) => ({ title: s('title'), dueAt: new Date('2026-01-01'), process: s('process'), status, completedAt: new Date(), href: '/t/token' });
      return myTasksPage(s('person'), [listed('open'), { ...listed('open'), dueAt: new Date('2099-01-01') }], [listed('completed')], new Date('2026-06-01'));
    }));
  it('the dashboard and its sign-in', () => {
    expectEscaped((s) => {
      const facts: DashboardFacts = {
        incidentsByMonth: { months: ['2026-11'], series: [{ label: s('severity'), data: [1] }] },
        meanHoursToContain: 1,
        meanHoursToClose: null,
        deadlines: { met: 1, late: 0, missed: 0 },
        ncs: { open: 1, closed: 0, meanDaysToClose: null },
        effectiveFirstTime: { reviewed: 0, effective: 0 },
        overdueByOwner: [{ owner: s('owner'), count: 2 }],
        openIncidents: [{ id: s('incident'), title: s('title'), severity: s('severity'), step: s('step'), workflow_id: s('wf'), next_deadline_at: null }],
        openNcs: [{ id: s('nc'), classification: s('class'), status: s('status'), owner: s('owner'), workflow_id: s('wf'), step_due_at: null }],
        openTasks: [{ title: s('task'), assignee: s('assignee'), process: s('process'), due_at: '2026-01-01T00:00:00Z', workflow_id: s('wf') }],
        cycles: [{ cycleId: s('cycle'), organisation: s('org'), nextAudit: { kind: s('kind'), date: '2027-01-10' }, months: ['2027-01'], items: [{ label: s('label'), date: '2027-01-05', state: 'due' }], workflowId: s('wf') }],
        acknowledgements: [{ documentId: s('doc'), title: s('policy'), version: s('version'), people: 3, acknowledged: 1, departments: [{ department: s('department'), people: 3, acknowledged: 1 }] }],
      };
      return dashboardPage(facts, { severity: s('severity'), overdueOnly: true }, (id) => `http://ui/${encodeURIComponent(id)}`, s('caller'), s('csrf'));
    });
    expectEscaped((s) => loginPage(s('csrf'), s('error')));
  });
  it("the evidence pack's front page", () =>
    expectEscaped((s) =>
      evidencePackIndex({
        from: new Date('2026-01-01'),
        to: new Date('2027-01-01'),
        generatedAt: new Date(),
        chain: { ok: true, checked: 3, head: { seq: 3, hash: s('hash') } },
        months: ['2026-01'],
        grid: [{ process: s('process'), cells: [s('cell')] }],
        files: [{ title: s('title'), name: 'tasks' }],
      }),
    ));
  const policy = (s: (name: string) => string) => ({ documentId: s('doc'), title: s('title'), version: s('version'), summary: s('summary'), link: 'https://intranet.example/policy' });
  it('the acknowledgement page, before and after', () => {
    expectEscaped((s) => acknowledgePage(policy(s), { name: s('name'), email: 'a@example.com' }));
    expectEscaped((s) => acknowledgePage(policy(s), { name: s('name'), email: 'a@example.com' }, { at: new Date(), version: s('version') }));
  });
  it.each<AcknowledgementMailKind>(['request', 'reminder', 'overdue'])('the acknowledgement %s mail', (kind) =>
    expectEscaped((s) => renderAcknowledgementMail(kind, policy(s), { address: 'a@example.com', name: s('name'), dueAt: new Date(), link: 'https://x/ack/1' }).html),
  );
  it("the acknowledgement escalation to a manager, with no one's link", () => {
    expectEscaped((s) => renderAcknowledgementEscalation(policy(s), 'm@example.com', [{ person: 'a@example.com', name: s('name'), department: s('department') }], new Date()).html);
    const mail = renderAcknowledgementEscalation(policy(() => 'x'), 'm@example.com', [{ person: 'a@example.com', name: 'A', department: 'D' }], new Date());
    expect(`${mail.text}${mail.html}`).not.toMatch(/\/ack\/|\/t\/|\/my\//);
  });
  it.each<TaskMailKind>(['assigned', 'reminder', 'due', 'overdue', 'escalation', 'undeliverable'])('the %s mail', (kind) =>
    expectEscaped((s) => renderTaskMail(kind, task(s), { address: 'a@example.com', link: 'https://x/t/1', myTasks: 'https://x/my/1' }).html),
  );
});
