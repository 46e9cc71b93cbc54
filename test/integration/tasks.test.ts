import { OutboundMail, TaskRecord } from '../../libs/db/src';
import { json, linkIn, mailbox, startSystem } from '../support/system';

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
let seq = 0;
/** A fresh address per test keeps the shared mailbox unambiguous. */
const person = (name: string) => `${name}.${process.pid}.${++seq}@example.com`;

describe('emailed tasks, end to end: API -> Temporal -> SMTP -> link -> form -> records', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  const createTask = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    sys.api('/tasks', { method: 'POST', json: { title: 'Review the supplier list', instructions: 'Check each critical supplier has a current certificate.', dueAt: inDays(7), ...body }, headers });

  it('assigns a task, mails the link, and records the completion made on the page', async () => {
    const alice = person('alice');
    const res = await createTask({ assignee: alice, escalateTo: 'ciso@example.com', externalRef: 'JIRA-77', outcomes: ['done', 'not applicable'] });
    expect(res.status).toBe(201);
    const task = await json(res);
    expect(task).toMatchObject({ assignee: alice, status: 'open', externalRef: 'JIRA-77', workflowId: `task:${task.id}` });
    expect(res.headers.get('location')).toBe(`${sys.baseUrl}/tasks/${task.id}`);

    const mail = await mailbox.waitFor(alice, /Review the supplier list/);
    expect(mail.Subject).toBe('[ismsflow] Task: Review the supplier list');
    expect(mail.Text).toContain('Check each critical supplier');
    expect(mail.HTML).toContain('<a href="');
    const link = linkIn(mail);
    expect(link.startsWith(`${sys.baseUrl}/t/`)).toBe(true);

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('Review the supplier list');
    expect(html).toContain('<option value="not applicable"');

    const submit = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ outcome: 'done', notes: 'All four have current ISO certificates', evidence: 'https://docs.example.com/suppliers\nhttps://docs.example.com/certs' }),
    });
    expect({ status: submit.status, page: submit.status === 200 ? '' : await submit.clone().text() }).toEqual({ status: 200, page: '' });
    expect(await submit.text()).toContain('the task is completed');

    const done = await json(sys.api(`/tasks/${task.id}`));
    expect(done).toMatchObject({
      status: 'completed',
      outcome: 'done',
      completedBy: alice,
      completedVia: 'link',
      notes: 'All four have current ISO certificates',
      evidence: ['https://docs.example.com/suppliers', 'https://docs.example.com/certs'],
    });
    expect(done.history.map((e: { type: string }) => e.type)).toEqual(['created', 'mailed', 'completed']);
    expect(done.history.every((e: { at: string }) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(await sys.db.getRepository(OutboundMail).countBy({ taskId: task.id, status: 'sent' })).toBe(1);

    // The link was single-use.
    const again = await fetch(link);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('already completed');
    const resubmit = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=done' });
    expect(resubmit.status).toBe(410);
    expect((await sys.db.getRepository(TaskRecord).findOneByOrFail({ id: task.id })).notes).toBe('All four have current ISO certificates');

    const listed = await json(sys.api(`/tasks?assignee=${encodeURIComponent(alice)}&status=completed`));
    expect(listed.items.map((t: { id: string }) => t.id)).toEqual([task.id]);
  });

  it('shows the person what is wrong with the form and keeps the task open', async () => {
    const carol = person('carol');
    await createTask({ assignee: carol });
    const link = linkIn(await mailbox.waitFor(carol, /Task:/));
    const res = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ outcome: 'done', evidence: 'not a link' }),
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('evidence links must be http(s) URLs');
    expect(html).toContain('not a link'); // what they typed is kept
    expect((await fetch(link)).status).toBe(200);
  });

  it('the same Idempotency-Key twice gives the same task and one mail; another body is refused', async () => {
    const dave = person('dave');
    const body = { assignee: dave, dueAt: inDays(3) };
    const first = await createTask(body, { 'idempotency-key': `jira-${dave}` });
    const second = await createTask(body, { 'idempotency-key': `jira-${dave}` });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    const [a, b] = [await json(first), await json(second)];
    expect(b.id).toBe(a.id);
    const clash = await createTask({ ...body, title: 'Something else' }, { 'idempotency-key': `jira-${dave}` });
    expect(clash.status).toBe(422);
    expect((await json(clash)).errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    await mailbox.waitFor(dave, /Task:/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await mailbox.to(dave)).toHaveLength(1);
    expect(await sys.db.getRepository(TaskRecord).countBy({ assignee: dave })).toBe(1);
  });

  it('reassigns: the new person gets a new link and the old link stops working', async () => {
    const erin = person('erin');
    const frank = person('frank');
    const task = await json(createTask({ assignee: erin }));
    const oldLink = linkIn(await mailbox.waitFor(erin, /Task:/));

    const res = await sys.api(`/tasks/${task.id}/reassign`, { method: 'POST', json: { to: frank, reason: 'Erin is on leave' } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ assignee: frank, status: 'open' });
    const newLink = linkIn(await mailbox.waitFor(frank, /Task:/));
    expect(newLink).not.toBe(oldLink);

    const old = await fetch(oldLink);
    expect(old.status).toBe(410);
    expect(await old.text()).toContain('given to someone else');
    const done = await fetch(newLink, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=done' });
    expect(done.status).toBe(200);
    const record = await json(sys.api(`/tasks/${task.id}`));
    expect(record).toMatchObject({ status: 'completed', completedBy: frank });
    expect(record.history.map((e: { type: string }) => e.type)).toEqual(['created', 'mailed', 'reassigned', 'mailed', 'completed']);
  });

  it('a ticketing system completes a task over the API; a second completion is a conflict', async () => {
    const gina = person('gina');
    const task = await json(createTask({ assignee: gina }));
    const link = linkIn(await mailbox.waitFor(gina, /Task:/));
    const res = await sys.api(`/tasks/${task.id}/complete`, { method: 'POST', json: { outcome: 'done', notes: 'Closed in JIRA', completedBy: gina } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'completed', completedVia: 'api', completedBy: gina });
    const again = await sys.api(`/tasks/${task.id}/complete`, { method: 'POST', json: { outcome: 'done' } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(link)).status).toBe(410);
  });

  it('a tampered link shows an error and changes nothing', async () => {
    const hank = person('hank');
    const task = await json(createTask({ assignee: hank }));
    const link = linkIn(await mailbox.waitFor(hank, /Task:/));
    const tampered = link.slice(0, -3) + (link.endsWith('AAA') ? 'BBB' : 'AAA');
    const res = await fetch(tampered, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=done' });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('This link is not valid');
    expect((await fetch(`${sys.baseUrl}/t/garbage`)).status).toBe(404);
    expect((await json(sys.api(`/tasks/${task.id}`))).status).toBe('open');
  });
});

describe('expired task links', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
    // Links that die at the due date, so a task due in two seconds has an expired link soon after.
    sys.config.tasks.policy.linkValidAfterDueHours = 0;
  });
  afterAll(() => sys?.close());

  it('shows that the link has expired and changes nothing', async () => {
    const ivan = person('ivan');
    const res = await sys.api('/tasks', { method: 'POST', json: { title: 'Quick one', instructions: 'Now.', assignee: ivan, dueAt: new Date(Date.now() + 2500).toISOString() } });
    const task = await json(res);
    const link = linkIn(await mailbox.waitFor(ivan, /Task:/));
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(task.dueAt) - Date.now()) + 1200));
    const page = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=done' });
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This link has expired');
    expect((await json(sys.api(`/tasks/${task.id}`))).status).toBe('open');
  });
});
