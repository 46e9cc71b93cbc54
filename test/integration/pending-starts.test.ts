import { PendingStarts } from '../../apps/api/src/pending-starts/pending-starts.service';
import { DocumentRecord } from '../../libs/db/src';
import { addDays, localDate } from '../../libs/domain/src';
import { createNonconformity, openRound, PENDING_START_AFTER_MS } from '../../libs/records/src';
import { json, mailbox, startIsolatedSystem, until } from '../support/system';

/**
 * The API writes a process's row, then starts it. When it stops between the two and no client asks
 * again, the sweep starts the process from the row: once, however often it runs, and never a row a
 * request may still be starting. On a database and namespace of its own, so the sweep sees only these rows.
 */
describe('a process whose start was lost is started by the sweep', () => {
  let sys: Awaited<ReturnType<typeof startIsolatedSystem>>;
  beforeAll(async () => {
    sys = await startIsolatedSystem();
  });
  afterAll(() => sys?.close());

  const pid = process.pid;
  const at = (name: string) => `${name}.lost${pid}@acme.example`;
  const minuteOn = () => Date.now() + PENDING_START_AFTER_MS + 1000;

  it('an NC, a certification cycle and an acknowledgement round written without their start are started once, from their rows', async () => {
    const sweep = (now?: number) => sys.app.get(PendingStarts).sweep(now);

    // The rows as the API writes them before it starts each process; then it stopped.
    const { nc } = await createNonconformity(sys.db, {
      source: 'monitoring',
      sourceRef: `lost-${pid}`,
      requirement: 'A.8.13',
      description: 'Backups were not tested this quarter',
      classification: 'minor',
      owner: at('owner'),
      ismsManager: at('isms'),
      raisedBy: 'monitoring',
      requestHash: `lost-${pid}`,
      timeZone: 'Asia/Tokyo',
    });
    const org = `lost-${pid}`;
    const timeZone = 'Europe/Berlin';
    const organisation = { id: org, name: `Lost ${pid}`, ismsManager: at('isms'), topManagement: [at('ceo')], certificationBody: { name: 'Example Cert', planDueDays: 21, majorCloseDays: 60 }, scope: 'The platform', timeZone, workingDays: [1, 2, 3, 4, 5] };
    expect((await sys.api('/organisations', { method: 'POST', json: organisation })).status).toBe(201);
    const decisionDate = addDays(localDate(Date.now(), timeZone), -10);
    const cycleId = `${org}:${decisionDate}`;
    const request = { organisationId: org, decisionDate };
    await sys.db.query(
      `INSERT INTO certification_cycles (id, organisation_id, decision_date, workflow_id, status, request, view, created_at, updated_at) VALUES ($1, $2, $3, $4, 'running', $5, NULL, now(), now())`,
      [cycleId, org, decisionDate, `cert-cycle:${cycleId}`, JSON.stringify(request)],
    );
    // A row that can no longer start (its organisation is gone), older than the rest: it must not hold them up.
    const ghost = `ghost-${pid}:${decisionDate}`;
    await sys.db.query(
      `INSERT INTO certification_cycles (id, organisation_id, decision_date, workflow_id, status, request, view, created_at, updated_at) VALUES ($1, 'ghost', $2, $3, 'running', $4, NULL, now() - interval '1 hour', now())`,
      [ghost, decisionDate, `cert-cycle:${ghost}`, JSON.stringify({ organisationId: `ghost-${pid}`, decisionDate })],
    );
    const doc = `POL-LOST-${pid}`;
    const reader = at('reader');
    expect((await sys.api(`/people/${encodeURIComponent(reader)}`, { method: 'PUT', json: { name: 'Rita', department: `Lost-${pid}`, startDate: '2025-01-06' } })).status).toBe(201);
    expect((await sys.api('/documents', { method: 'POST', json: { id: doc, title: 'Backup policy', kind: 'policy', owner: at('isms') } })).status).toBe(201);
    const today = localDate(Date.now(), 'UTC');
    expect((await sys.api(`/documents/${doc}/versions`, { method: 'POST', json: { version: '1.0', author: at('isms'), approver: at('ceo'), approvedOn: today, nextReview: addDays(today, 365), summary: 'First issue' } })).status).toBe(201);
    await sys.db.transaction(async (tx) => {
      await tx.getRepository(DocumentRecord).update({ id: doc }, { audience: { kind: 'department', department: `Lost-${pid}` } });
      await openRound(tx, { documentId: doc, version: '1.0', dueAt: new Date(Date.now() + 14 * 86_400_000), startedBy: at('isms') });
    });

    // Within the minute a request may still be starting them: the sweep leaves them alone.
    expect(await sweep()).toMatchObject({
      nonconformities: { started: [], failed: [] },
      incidents: { started: [], failed: [] },
      cycles: { started: [] },
      acknowledgementRounds: { started: [], failed: [] },
    });
    expect(await mailbox.to(at('owner'))).toEqual([]);

    // Past it, each is started from its row.
    const first = await sweep(minuteOn());
    expect(first).toMatchObject({ nonconformities: { started: [nc.id], failed: [] }, cycles: { started: [cycleId], failed: [{ id: ghost, error: expect.stringMatching(/organisation/) }] }, acknowledgementRounds: { started: [`${doc}@1`], failed: [] } });
    await mailbox.waitFor(at('owner'), new RegExp(`${nc.id}`));
    await mailbox.waitFor(reader, /Please read: Backup policy 1\.0/);
    await until('the cycle has its plan', async () => ((await json(sys.api(`/certification-cycles/${encodeURIComponent(cycleId)}`))).activities?.length ? true : undefined));
    const marked = await sys.db.query(`SELECT (SELECT process_started_at FROM nonconformities WHERE id = $1) AS nc, (SELECT process_started_at FROM certification_cycles WHERE id = $2) AS cycle`, [nc.id, cycleId]);
    expect(marked[0]).toEqual({ nc: expect.any(Date), cycle: expect.any(Date) });

    // Swept again (another API instance, the next tick): nothing starts twice, nobody is mailed twice.
    expect(await sweep(minuteOn())).toMatchObject({ nonconformities: { started: [] }, cycles: { started: [], failed: [{ id: ghost }] }, acknowledgementRounds: { started: [] } });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await mailbox.to(at('owner'))).filter((m) => m.Subject.includes(nc.id))).toHaveLength(1);
    expect((await mailbox.to(reader)).filter((m) => /Please read/.test(m.Subject))).toHaveLength(1);
  });
});
