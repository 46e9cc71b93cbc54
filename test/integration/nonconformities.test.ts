import { DEFAULT_CORRECTIVE_ACTION_POLICY } from '../../libs/domain/src';
import { json, linkIn, mailbox, startSystem } from '../support/system';

const pid = process.pid;
const owner = `nc-owner.${pid}@example.com`;
const manager = `nc-isms.${pid}@example.com`;
const doer = `nc-doer.${pid}@example.com`;
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

describe('a nonconformity through clause 10.2 over HTTP, SMTP and the task pages', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    // No 30-day wait before the effectiveness review here: the time-skipping tests cover that.
    sys = await startSystem({ nc: { ismsManager: manager, policy: { ...DEFAULT_CORRECTIVE_ACTION_POLICY, effectivenessWaitDays: 0 } } });
  });
  afterAll(() => sys?.close());

  const raise = (body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    sys.api('/nonconformities', {
      method: 'POST',
      headers,
      json: {
        source: 'internalAudit',
        requirement: 'A.5.18 Access rights',
        description: 'Four leavers kept their VPN access for up to five weeks after their last day',
        evidence: ['https://audit.example.com/ia-2026-03/f2'],
        classification: 'minor',
        owner,
        ...body,
      },
    });

  /** Opens the newest mail to `to` matching `subject`, and submits its task page with `fields`. */
  async function doTask(to: string, subject: RegExp, fields: Record<string, string>, expectStatus = 200) {
    const link = linkIn(await mailbox.waitFor(to, subject, 30_000));
    const res = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ outcome: 'done', ...fields }),
    });
    const html = await res.text();
    expect({ status: res.status, page: res.status === expectStatus ? '' : html }).toEqual({ status: expectStatus, page: '' });
    return { link, html };
  }

  it('is raised, corrected, analysed, planned, approved, acted on, reviewed, changes the ISMS and is closed', async () => {
    const res = await raise({ sourceRef: `IA-${pid}/F2` }, { 'idempotency-key': `nc-${pid}` });
    expect(res.status).toBe(201);
    const nc = await json(res);
    expect(nc).toMatchObject({ id: expect.stringMatching(/^NC-\d{4}-\d{4}$/), status: 'correction', owner, ismsManager: manager, reviewer: manager });
    // Retried by a ticketing system, with the key or the same source reference: the same NC.
    expect((await json(raise({ sourceRef: `IA-${pid}/F2` }, { 'idempotency-key': `nc-${pid}` }))).id).toBe(nc.id);
    const again = await raise({ sourceRef: `IA-${pid}/F2` });
    expect(again.status).toBe(200);
    expect((await json(again)).id).toBe(nc.id);

    await doTask(owner, new RegExp(`${nc.id}: correct the nonconformity`), { 'data.correction': 'Revoked the four accounts', 'data.correctedOn': inDays(0) });

    // The root-cause page shows the NC, and refuses a cause that restates it.
    const restated = await doTask(
      owner,
      new RegExp(`${nc.id}: find the root cause`),
      { 'data.method': '5 Whys', 'data.analysis': 'x', 'data.rootCause': 'Leavers kept their VPN access for weeks after their last day', 'data.similar': 'none' },
      422,
    );
    expect(restated.html).toContain('The root cause restates the nonconformity');
    expect(restated.html).toContain('Four leavers kept their VPN access');
    await doTask(owner, new RegExp(`${nc.id}: find the root cause`), {
      'data.method': '5 Whys',
      'data.analysis': 'Why? IT hears of leavers by an HR email. Why? No joiner-mover-leaver process exists.',
      'data.rootCause': 'No owned joiner-mover-leaver process: revocation depends on an unowned HR email',
      'data.similar': 'SaaS accounts outside SSO could be affected too',
    });
    const pastDue = await doTask(
      owner,
      new RegExp(`${nc.id}: plan the corrective actions`),
      { 'data.actions.0.description': 'Introduce a JML workflow owned by IT', 'data.actions.0.owner': 'not an email', 'data.actions.0.due': '2020-01-01' },
      422,
    );
    expect(pastDue.html).toContain('Action 1: Owner (email) must be an email address');
    await doTask(owner, new RegExp(`${nc.id}: plan the corrective actions`), {
      'data.actions.0.description': 'Introduce a JML workflow owned by IT',
      'data.actions.0.owner': doer,
      'data.actions.0.due': inDays(30),
    });
    await doTask(manager, new RegExp(`${nc.id}: approve the action plan`), { 'data.decision': 'approve' });
    await doTask(doer, new RegExp(`${nc.id} action 1: Introduce a JML workflow`), { 'data.done': 'JML workflow live', 'data.evidence': 'https://itsm.example.com/jml' });
    await doTask(manager, new RegExp(`${nc.id}: review the effectiveness`), {
      'data.effective': 'yes',
      'data.method': 'Sampled every leaver since go-live',
      'data.evidence': 'https://audit.example.com/sample-2026-11',
    });
    await doTask(owner, new RegExp(`${nc.id}: record the ISMS changes`), { 'data.summary': 'Access control policy v2.1 adds the JML process', 'data.riskRegister': 'R-12 re-rated' });
    await doTask(manager, new RegExp(`${nc.id}: approve closure`), { 'data.decision': 'approve' });

    let record: any;
    for (let i = 0; i < 100 && record?.status !== 'closed'; i++) {
      record = await json(sys.api(`/nonconformities/${nc.id}`));
      if (record.status !== 'closed') await new Promise((r) => setTimeout(r, 100));
    }
    expect(record).toMatchObject({ status: 'closed', closedBy: manager, round: 1, live: null, overdue: false });
    expect(record.timeline.map((e: { kind: string }) => e.kind)).toEqual([
      'raised',
      'correction',
      'rootCause',
      'actionPlan',
      'planApproval',
      'action',
      'effectivenessReview',
      'ismsChanges',
      'closureApproval',
    ]);
    const byKind = Object.fromEntries(record.timeline.map((e: any) => [e.kind, e]));
    expect(byKind.rootCause).toMatchObject({ actor: owner, data: { method: '5 Whys', rootCause: expect.stringContaining('joiner-mover-leaver') } });
    expect(byKind.action).toMatchObject({ actor: doer, data: { evidence: ['https://itsm.example.com/jml'] } });
    expect(byKind.effectivenessReview).toMatchObject({ actor: manager, data: { effective: 'yes' } });
    expect(record.tasks).toHaveLength(8);
    expect(record.tasks.every((t: { status: string }) => t.status === 'completed')).toBe(true);

    const listed = await json(sys.api(`/nonconformities?status=closed&owner=${encodeURIComponent(owner)}`));
    expect(listed.items.map((n: { id: string }) => n.id)).toContain(nc.id);
  });

  it('an admin cancels one with a reason: the record says so and its open task link stops working', async () => {
    const nc = await json(raise({ description: 'Visitors badge log not kept at reception for two weeks in October' }));
    const link = linkIn(await mailbox.waitFor(owner, new RegExp(`${nc.id}: correct the nonconformity`), 30_000));
    const res = await sys.api(`/nonconformities/${nc.id}/cancel`, { method: 'POST', json: { reason: 'Raised in error: the log was kept on paper' } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ step: 'cancelled' });
    let record: any;
    for (let i = 0; i < 100 && record?.status !== 'cancelled'; i++) {
      record = await json(sys.api(`/nonconformities/${nc.id}`));
      if (record.status !== 'cancelled') await new Promise((r) => setTimeout(r, 100));
    }
    expect(record.timeline.at(-1)).toMatchObject({ kind: 'cancelled', data: { reason: 'Raised in error: the log was kept on paper' } });
    for (let i = 0; i < 50 && (await fetch(link)).status !== 410; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await (await fetch(link)).text()).toContain('This task was cancelled');
    expect((await sys.api(`/nonconformities/${nc.id}/cancel`, { method: 'POST', json: { reason: 'again' } })).status).toBe(409);
  });

  it('a new owner gets the open task and the steps to come', async () => {
    const successor = `nc-successor.${pid}@example.com`;
    const nc = await json(raise({ description: 'Firewall rule review for Q3 was skipped without a recorded reason' }));
    const oldLink = linkIn(await mailbox.waitFor(owner, new RegExp(`${nc.id}: correct the nonconformity`), 30_000));
    const res = await sys.api(`/nonconformities/${nc.id}/owner`, { method: 'POST', json: { to: successor } });
    expect(res.status).toBe(200);
    expect((await fetch(oldLink)).status).toBe(410);
    await doTask(successor, new RegExp(`${nc.id}: correct the nonconformity`), { 'data.correction': 'Ran the Q3 review late', 'data.correctedOn': inDays(0) });
    // The root-cause page lists the other NCs on the same requirement, open or closed this year.
    const rootCausePage = await (await fetch(linkIn(await mailbox.waitFor(successor, new RegExp(`${nc.id}: find the root cause`), 30_000)))).text();
    expect(rootCausePage).toContain('Open and recent nonconformities on the same requirement');
    expect(rootCausePage).toMatch(/NC-\d{4}-\d{4} \(closed, raised [\d-]+\): Four leavers kept their VPN access/);
    const record = await json(sys.api(`/nonconformities/${nc.id}`));
    expect(record.owner).toBe(successor);
    expect(record.timeline.map((e: { kind: string }) => e.kind)).toEqual(['raised', 'ownerChanged', 'correction']);
    await sys.api(`/nonconformities/${nc.id}/cancel`, { method: 'POST', json: { reason: 'test over' } });
  });

  it('refuses bad input with the field named, and raises nothing', async () => {
    const before = (await json(sys.api('/nonconformities?limit=200'))).items.length;
    const problem = async (res: Response, status: number, fields: string[]) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await json(res)).errors.map((e: { field: string }) => e.field).sort()).toEqual(fields.sort());
    };
    await problem(await sys.api('/nonconformities', { method: 'POST', json: {} }), 422, ['source', 'requirement', 'description', 'classification', 'owner']);
    await problem(await raise({ source: 'rumour', classification: 'huge', owner: 'x' }), 422, ['source', 'classification', 'owner']);
    await problem(await raise({ deadlines: { closeBy: '2999-01-01T00:00:00Z' } }), 422, ['deadlines']);
    await problem(await raise({ source: 'externalAudit', deadlines: { closeBy: '2020-01-01T00:00:00Z' } }), 422, ['deadlines.closeBy']);
    await problem(await raise({ source: 'externalAudit', deadlines: { planDueAt: '2999-06-01T00:00:00Z', closeBy: '2999-01-01T00:00:00Z' } }), 422, ['deadlines.planDueAt']);
    await problem(await raise({ severity: 'high' }), 422, ['severity']);
    await problem(await raise({ evidence: ['not-a-link'] }), 422, ['evidence']);
    await problem(await sys.api('/nonconformities?classification=huge&overdue=maybe'), 422, ['classification', 'overdue']);
    await problem(await sys.api('/nonconformities/NC-2026-0001/cancel', { method: 'POST', json: {} }), 422, ['reason']);
    await problem(await sys.api('/nonconformities/NC-2026-0001/owner', { method: 'POST', json: { to: 'nobody' } }), 422, ['to']);
    expect((await sys.api('/nonconformities/NC-1999-9999')).status).toBe(404);
    expect((await sys.api('/nonconformities/whatever')).status).toBe(404);
    expect((await sys.api('/nonconformities', { key: null })).status).toBe(401);
    expect((await json(sys.api('/nonconformities?limit=200'))).items.length).toBe(before);
  });
});
