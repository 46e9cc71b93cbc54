import { TaskRecord } from '../../libs/db/src';
import { json, mailbox, startSystem } from '../support/system';

const valid = () => ({
  title: 'Quarterly access review',
  instructions: 'Review who can reach the payroll system.',
  assignee: 'owner@example.com',
  dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
});

describe('bad input is a 4xx problem+json naming the field, and starts nothing', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let tasksBefore: number;
  let mailsBefore: number;
  beforeAll(async () => {
    sys = await startSystem();
    tasksBefore = await sys.db.getRepository(TaskRecord).count();
    mailsBefore = (await mailbox.list()).length;
  });
  afterAll(async () => {
    // Nothing any of these requests sent was stored, started or mailed.
    expect(await sys.db.getRepository(TaskRecord).count()).toBe(tasksBefore);
    expect((await mailbox.list()).filter((m) => m.To.some((t) => t.Address === 'owner@example.com'))).toHaveLength(0);
    expect((await mailbox.list()).length).toBeGreaterThanOrEqual(mailsBefore);
    await sys?.close();
  });

  async function expectProblem(res: Response, status: number, fields: string[]) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await json(res);
    expect(problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), instance: expect.stringMatching(/^\//) });
    expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual([...fields].sort());
    return problem;
  }

  const post = (body: unknown, init: { key?: string | null } = {}) => sys.api('/tasks', { method: 'POST', json: body, ...init });

  it.each([
    ['missing fields', {}, ['title', 'instructions', 'assignee', 'dueAt']],
    ['a missing assignee', { ...valid(), assignee: undefined }, ['assignee']],
    ['a bad email', { ...valid(), assignee: 'not-an-email' }, ['assignee']],
    ['a bad escalation email', { ...valid(), escalateTo: 'boss@' }, ['escalateTo']],
    ['a due date in the past', { ...valid(), dueAt: '2020-01-01T00:00:00Z' }, ['dueAt']],
    ['a due date that is not a date', { ...valid(), dueAt: 'next tuesday' }, ['dueAt']],
    ['a wrong type', { ...valid(), title: 42 }, ['title']],
    ['an unknown field', { ...valid(), priority: 'high' }, ['priority']],
    ['empty outcomes', { ...valid(), outcomes: [] }, ['outcomes']],
  ])('rejects %s', async (_name, body, fields) => {
    const problem = await expectProblem(await post(body), 422, fields);
    if (fields.includes('priority')) expect(problem.errors[0].message).toBe('priority is not a known field');
  });

  it('rejects a body that is not JSON', async () => {
    const res = await sys.api('/tasks', { method: 'POST', body: '{"title":', headers: { 'content-type': 'application/json' } });
    await expectProblem(res, 400, ['body']);
  });

  it('rejects a missing or wrong API key with 401', async () => {
    await expectProblem(await post(valid(), { key: null }), 401, ['Authorization']);
    await expectProblem(await post(valid(), { key: 'ifk_nope_nope' }), 401, ['Authorization']);
    await expectProblem(await sys.api('/tasks', { key: null }), 401, ['Authorization']);
  });

  it('rejects bad list filters, completions and reassignments', async () => {
    await expectProblem(await sys.api('/tasks?status=done&limit=9999'), 422, ['status', 'limit']);
    await expectProblem(await sys.api('/tasks?assignee=bob'), 422, ['assignee']);
    expect((await sys.api('/tasks/doesnotexist')).status).toBe(404);
    await expectProblem(await sys.api('/tasks/abc/complete', { method: 'POST', json: { evidence: ['ftp://x'] } }), 422, ['outcome', 'evidence']);
    await expectProblem(await sys.api('/tasks/abc/reassign', { method: 'POST', json: { to: 'x' } }), 422, ['to']);
    await expectProblem(await post(valid(), { headers: { 'idempotency-key': 'x'.repeat(300) } } as never), 400, ['Idempotency-Key']);
  });

  it('answers with health and the OpenAPI page without a key', async () => {
    const health = await fetch(`${sys.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await json(health)).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, temporal: { status: 'up' }, smtp: { status: 'up' } } });
    expect((await fetch(`${sys.baseUrl}/docs`)).status).toBe(200);
    const spec = await json(fetch(`${sys.baseUrl}/docs-json`));
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/tasks', '/tasks/{id}', '/tasks/{id}/complete', '/tasks/{id}/reassign', '/health']));
  });
});
