import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  addDays,
  certificateExpiry,
  cycleReadiness,
  DAY_MS,
  daysBetween,
  localDate,
  weekOf,
  zonedInstant,
  type CycleView,
  type CycleSave,
  mergeCycleSave,
  type ProgrammeActivityInput,
} from '../../libs/domain/src';
import { significantChangeUpdate, workflowIds } from '../../libs/temporal/src/definitions';
import { certificationCycle } from '../../workflows';
import { cycleDriver, simulatedOwnersBundle } from '../support/cycle-driver';
import { ACME, cycleInput } from '../support/cycle-input';
import { recordingActivities } from '../support/fake-activities';
import { ncInput } from '../support/nc-input';
import { backgroundWorker, createTimeSkippingEnv } from '../support/temporal-env';

jest.setTimeout(180_000);

describe('certificationCycle on the time-skipping server, with simulated owners', () => {
  let code: string;
  let env: TestWorkflowEnvironment;
  let stop: () => Promise<void>;
  let fake: ReturnType<typeof recordingActivities>;
  let decision: string;

  beforeAll(async () => {
    code = await simulatedOwnersBundle();
  });
  // A fresh server per test: a long-lived time-skipping server has been seen to drop Updates.
  beforeEach(async () => {
    env = await createTimeSkippingEnv();
    fake = recordingActivities(() => env.currentTimeMs());
    ({ stop } = await backgroundWorker(env, { taskQueue: 'cycle', workflowBundle: { code }, activities: fake.activities, maxCachedWorkflows: 200 }));
    decision = localDate(await env.currentTimeMs(), ACME.timeZone);
  });
  afterEach(() => stop?.());

  async function begin(overrides: Parameters<typeof cycleInput>[1] = {}) {
    const input = cycleInput(decision, overrides);
    await env.client.workflow.start(certificationCycle, { args: [input], taskQueue: 'cycle', workflowId: workflowIds.cycle(input.cycleId) });
    return { input, drive: cycleDriver(env, input) };
  }

  const programme = (v: CycleView, audit: string) => v.activities.filter((a) => a.forAudit === audit);

  it('runs a whole three-year cycle: every activity done on time and spread out, audits recorded, recertified into the next cycle', async () => {
    const { input, drive } = await begin();
    const first = await drive.state();
    const firstRunId = (await drive.handle().describe()).runId;
    expect(first.audits.map((a) => a.kind)).toEqual(['surveillance1', 'surveillance2', 'recertification']);
    expect(first.expiry).toBe(certificateExpiry(decision));

    for (const kind of ['surveillance1', 'surveillance2', 'recertification']) {
      const before = await drive.state();
      expect(before.nextAudit?.kind).toBe(kind);
      const audit = before.nextAudit!;
      const view = await drive.auditHeld();
      const done = programme(view, kind);
      // The programme DOMAIN.md section 2 asks for, every activity completed by its due date.
      expect(done.filter((a) => a.heavy).map((a) => a.kind).sort()).toEqual(['internalAudit', 'managementReview', 'policyReview', 'riskAssessment', 'supplierReview', 'trainingCampaign']);
      expect(done.filter((a) => a.kind === 'accessReview')).toHaveLength(4);
      expect(done.filter((a) => a.kind === 'kpiMeasurement')).toHaveLength(12);
      for (const a of done) {
        expect({ id: a.id, status: a.status }).toEqual({ id: a.id, status: 'completed' });
        expect(a.completedOn! <= a.due).toBe(true);
      }
      // No two heavy activities in one week, nothing but the readiness check in the last four weeks.
      const heavyWeeks = done.filter((a) => a.heavy).map((a) => weekOf(a.due));
      expect(new Set(heavyWeeks).size).toBe(heavyWeeks.length);
      expect(done.filter((a) => a.kind !== 'readinessCheck' && daysBetween(a.due, audit.date) < 28)).toEqual([]);
      // The readiness report went out once, and found the evidence spread across the year.
      expect(fake.callsOf('notifyCycle').filter((c) => c.args.key === `readiness-${kind}`)).toHaveLength(1);
      expect(cycleReadiness(view, audit, audit.date).bunched).toBe(false);
      // The internal audit's finding became a nonconformity.
      expect(done.find((a) => a.kind === 'internalAudit')?.summary).toMatch(/1 finding\(s\), NC-2099-/);
    }
    // Raised on the organisation's calendar: the NCs' due days follow its zone.
    const internal = fake.callsOf('raiseNonconformity').filter((c) => c.args.source === 'internalAudit');
    expect(internal.length).toBeGreaterThan(0);
    expect(internal.every((c) => c.args.timeZone === ACME.timeZone)).toBe(true);

    // Recertified: this cycle ends, the next starts from the new decision with the certificate continuing.
    const last = await drive.state();
    expect(last).toMatchObject({ status: 'recertified', nextCycleId: expect.stringMatching(/^acme:\d{4}-\d{2}-\d{2}$/) });
    const final = await drive.handle().result();
    expect(final).toMatchObject({ status: 'recertified' });
    const next = await drive.reaches((v) => v.activities.length > 0, 'the next cycle planned', last.nextCycleId);
    expect(next).toMatchObject({ status: 'running', decisionDate: last.nextCycleId!.slice(5), expiry: certificateExpiry(decision, undefined).replace(/^\d{4}/, (y) => String(Number(y) + 3)) });
    expect(next.nextAudit?.kind).toBe('surveillance1');

    // The cycle continued as new after each audit: the first run's history ends there.
    const history = await env.client.workflow.getHandle(workflowIds.cycle(input.cycleId), firstRunId).fetchHistory();
    expect(history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    // Every state the API shows was written to the database.
    const saved = new Map<string, CycleView>();
    for (const c of fake.callsOf('saveCycle')) {
      const save = c.args as CycleSave;
      saved.set(save.head.cycleId, mergeCycleSave(saved.get(save.head.cycleId), save));
    }
    expect(saved.get(input.cycleId)).toEqual(final);
    expect(saved.has(next.cycleId)).toBe(true);
    // Each save sends only the activities that changed: far fewer than the whole programme every time.
    const sentActivities = fake.callsOf('saveCycle').reduce((n, c) => n + (c.args as CycleSave).changed.length, 0);
    const wholeViews = fake.callsOf('saveCycle').reduce((n, c) => n + (c.args as CycleSave).activityIds.length, 0);
    expect(sentActivities).toBeLessThan(wholeViews / 3);
  });

  it('a first certification: the programme before stage 1, then the cycle from the decision that follows stage 2', async () => {
    const stages = { stage1: addDays(decision, 150), stage2: addDays(decision, 180) };
    const { drive } = await begin({ cycleId: 'acme:initial', decisionDate: undefined, firstCertification: stages });
    expect((await drive.state()).audits.map((a) => a.kind)).toEqual(['stage1', 'stage2']);
    const afterStage1 = await drive.auditHeld();
    // The auditor expects at least one internal audit and one management review before stage 1.
    const before = programme(afterStage1, 'stage1').filter((a) => a.heavy);
    expect(before.map((a) => a.kind)).toEqual(expect.arrayContaining(['internalAudit', 'managementReview']));
    expect(before.every((a) => a.status === 'completed' && a.completedOn! < stages.stage1)).toBe(true);
    await drive.auditHeld();
    const certified = await drive.reaches((v) => v.audits.length === 5, 'the cycle planned from the decision');
    expect(certified).toMatchObject({ status: 'running', decisionDate: addDays(stages.stage2, 1), nextAudit: { kind: 'surveillance1' } });
    expect(certified.expiry).toBe(certificateExpiry(addDays(stages.stage2, 1)));
  });

  it('an activity nobody does escalates to the ISMS manager and shows as overdue in the readiness report', async () => {
    const { drive } = await begin({ owners: { accessReview: 'idle.admin@acme.example' } });
    const first = (await drive.state()).activities.find((a) => a.kind === 'accessReview')!;
    await drive.until(addDays(first.due, 3));
    const view = await drive.reaches((v) => v.activities.find((a) => a.id === first.id)?.status === 'open', 'the access review open');
    const openTask = fake.callsOf('openTask').find((c) => c.args.assignee === 'idle.admin@acme.example')!.args;
    expect(openTask).toMatchObject({ process: 'accessReview', escalateTo: ACME.ismsManager, externalRef: `acme:${decision}/${first.id}` });
    const mails = fake.callsOf('sendTaskMail').filter((c) => c.args.taskId === openTask.taskId).map((c) => c.args.kind);
    expect(mails).toEqual(expect.arrayContaining(['assigned', 'reminder', 'due', 'escalation']));
    const r = cycleReadiness(view, view.nextAudit!, addDays(first.due, 3));
    expect(r.overdue.map((a) => a.kind)).toEqual(['accessReview']);
    // The rest of the programme goes on.
    expect(view.activities.filter((a) => a.status === 'completed').length).toBeGreaterThan(0);
  });

  it('a significant change starts a risk assessment due before it lands, and a policy review, without waiting for the yearly ones', async () => {
    const { drive } = await begin();
    await drive.until(addDays(decision, 10));
    const landsOn = addDays(decision, 20);
    const view = await drive.update(
      significantChangeUpdate,
      { kind: 'newSystem', description: 'Customer data moves to a new CRM', landsOn, policyReview: true, recordedBy: ACME.ismsManager },
      (v) => v.changes.length === 1,
      'the change recorded',
    );
    const triggered = view.activities.filter((a) => a.change === 1);
    expect(triggered.map((a) => a.kind).sort()).toEqual(['policyReview', 'riskAssessment']);
    expect(triggered.every((a) => a.due < landsOn && a.status === 'open')).toBe(true);
    // The yearly ones are still planned for later in the year.
    expect(view.activities.find((a) => a.id === 'surveillance1-riskAssessment-1')?.status).toBe('planned');
    await drive.until(addDays(decision, 19));
    const done = await drive.reaches((v) => v.activities.filter((a) => a.change === 1).every((a) => a.status === 'completed'), 'the change activities done');
    expect(done.activities.filter((a) => a.change === 1).every((a) => a.completedOn! < landsOn)).toBe(true);
    // The owner's task says what changed.
    const history = await env.client.workflow.getHandle(triggered.find((a) => a.kind === 'riskAssessment')!.workflowId!).fetchHistory();
    const started = defaultPayloadConverter.fromPayload<ProgrammeActivityInput>(history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0]);
    expect(started).toMatchObject({ change: { number: 1, kind: 'newSystem', description: 'Customer data moves to a new CRM' }, owner: 'riskassessment@acme.example' });
  });

  it('a major nonconformity at surveillance starts a corrective action with the body\'s deadlines', async () => {
    const { drive } = await begin();
    // Only the body's finding starts its corrective action here: the time-skipping server stops
    // skipping time for a child whose parent has closed (the internal audit's NC), sdk-java#1540.
    fake.answers.raiseNonconformity = (req: { source: string; deadlines?: object }) =>
      req.source === 'externalAudit'
        ? { ncNumber: 'NC-2099-0100', start: ncInput('NC-2099-0100', Date.now(), { source: 'externalAudit', classification: 'major', deadlines: req.deadlines }) }
        : { ncNumber: 'NC-2099-0001' };
    const s1 = (await drive.state()).nextAudit!;
    await drive.auditHeld([
      { type: 'major', requirement: 'ISO 27001 9.2 Internal audit', description: 'The internal audit did not cover A.8 in the last 12 months' },
      { type: 'ofi', requirement: 'A.5.7 Threat intelligence', description: 'Consider subscribing to sector threat feeds' },
    ]);
    const view = await drive.reaches((v) => !!v.audits.find((a) => a.kind === 'surveillance1')?.result?.findings[0].ncNumber, 'the finding raised as an NC');
    const raised = fake.callsOf('raiseNonconformity').filter((c) => c.args.source === 'externalAudit');
    expect(raised).toHaveLength(1); // an OFI raises no nonconformity
    expect(raised[0].args).toMatchObject({
      classification: 'major',
      sourceRef: `acme:${decision}/surveillance1/1`,
      // The end of the day in the organisation's time zone (zonedInstant is unit-tested across DST).
      deadlines: { planDueAt: zonedInstant(addDays(s1.date, 30), 23, 59, ACME.timeZone), closeBy: zonedInstant(addDays(s1.date, 90), 23, 59, ACME.timeZone) },
    });
    expect(view.audits.find((a) => a.kind === 'surveillance1')?.result?.findings[0].ncNumber).toBe('NC-2099-0100');
    const nc = await env.client.workflow.getHandle(workflowIds.nc('NC-2099-0100')).describe();
    expect(nc.status.name).toBe('RUNNING');
    // The cycle moved on to surveillance 2, planned from the audit's actual date.
    expect(view.nextAudit?.kind).toBe('surveillance2');
    expect(Date.parse(view.nextAudit!.date) - Date.parse(s1.date)).toBeGreaterThan(300 * DAY_MS);
  });
});
