import { WorkflowFailedError, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, DAY_MS, endOfDay, formErrors, HOUR_MS, localDate, notificationSchedule, type FormData } from '../../libs/domain/src';
import { cancelNcUpdate, ncStateQuery, SearchAttr } from '../../libs/temporal/src/definitions';
import { correctiveAction } from '../../workflows';
import { recordingActivities } from '../support/fake-activities';
import { GOOD_ROOT_CAUSE, ncInput } from '../support/nc-input';
import { backgroundWorker, createTimeSkippingEnv, untilNoActivityInFlight, accepted, completeTaskNow } from '../support/temporal-env';

describe('correctiveAction on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let stop: () => Promise<void>;
  const fake = recordingActivities(() => env.currentTimeMs());
  // A fresh server per test: a long-lived time-skipping server has been seen to drop Updates.
  beforeEach(async () => {
    env = await createTimeSkippingEnv();
    ({ stop } = await backgroundWorker(env, { taskQueue: 'nc', workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! }, activities: fake.activities }));
  });
  afterEach(() => stop?.());

  let seq = 0;
  async function raise(overrides: Parameters<typeof ncInput>[2] = {}) {
    const number = `NC-2026-${String(++seq).padStart(4, '0')}`;
    const t0 = await env.currentTimeMs();
    const handle = await env.client.workflow.start(correctiveAction, { args: [ncInput(number, t0, overrides)], taskQueue: 'nc', workflowId: `nc:${number}` });
    const slug = number.toLowerCase().replace(/-/g, '');
    const day = (d: number) => new Date(t0 + d * DAY_MS).toISOString().slice(0, 10);
    return { handle, number, slug, t0, day };
  }

  /** The task the NC is waiting on exists: its child workflow was started. */
  async function taskStarted(taskId: string) {
    for (let i = 0; i < 200; i++) {
      try {
        return await env.client.workflow.getHandle(`task:${taskId}`).describe();
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    throw new Error(`task ${taskId} never started; NC calls: ${JSON.stringify(fake.callsOf('recordNcProgress').map((c) => c.args.status))}`);
  }

  /** A person completes a task, recorded before the test moves time on. */
  async function complete(taskId: string, data: FormData, by = 'someone@example.com') {
    await taskStarted(taskId);
    await completeTaskNow(env, taskId, { outcome: 'done', completedBy: by, via: 'api', data });
  }

  /** Waits (in real time) until the NC has moved on to `step`. */
  async function reaches(handle: WorkflowHandle<typeof correctiveAction>, step: string) {
    for (let i = 0; i < 200; i++) {
      const state = await handle.query(ncStateQuery);
      if (state.step === step) return state;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`never reached ${step}`);
  }

  const entries = (nc: string) => fake.callsOf('recordNcProgress').filter((c) => c.args.ncNumber === nc && c.args.entry).map((c) => c.args.entry.kind as string);
  /** The input a task was opened with, once its workflow has run its first activity. */
  async function taskInputs(taskId: string) {
    for (let i = 0; i < 200; i++) {
      const call = fake.callsOf('openTask').find((c) => c.args.taskId === taskId);
      if (call) return call.args;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`task ${taskId} was never opened`);
  }

  async function throughActions(slug: string, round: number, day: (d: number) => string, plan: { decision?: string } = {}) {
    await complete(`${slug}rc${round}`, GOOD_ROOT_CAUSE);
    await complete(`${slug}plan${round}`, { actions: [{ description: 'Introduce a JML workflow owned by IT', owner: 'it@example.com', due: day(60) }] });
    await complete(`${slug}appr${round}`, { decision: plan.decision ?? 'approve', reason: plan.decision === 'reject' ? 'Actions do not cover SaaS accounts' : '' });
  }

  async function close(slug: string, handle: WorkflowHandle<typeof correctiveAction>, attempt = 1) {
    await complete(`${slug}isms${attempt}`, { summary: 'Risk R-12 re-rated; access control policy 2.1 adds the JML process', riskRegister: 'R-12 likelihood lowered' });
    await complete(`${slug}close${attempt}`, { decision: 'approve' }, 'isms@example.com');
    return handle.result();
  }

  it('runs the whole of clause 10.2 in order, with a dated entry for each step', async () => {
    const { handle, number, slug, t0, day } = await raise();
    await complete(`${slug}corr`, { correction: 'Revoked the VPN accounts of the 4 leavers', correctedOn: day(1) });
    await throughActions(slug, 1, day);
    await complete(`${slug}a1n1`, { done: 'JML workflow live in the service desk', evidence: ['https://itsm.example.com/jml'] }, 'it@example.com');

    // The effectiveness review waits 30 days after the actions.
    await reaches(handle, 'effectivenessWait');
    await env.sleep(29 * DAY_MS);
    expect((await handle.query(ncStateQuery)).step).toBe('effectivenessWait');
    await env.sleep(2 * DAY_MS);
    const reviewAt = (await taskStarted(`${slug}eff1`)).startTime.getTime();
    expect((reviewAt - t0) / DAY_MS).toBeGreaterThanOrEqual(30);
    // While the review is open, admins see the NC's step, owner and due date in the Temporal UI.
    const sa = (await handle.describe()).typedSearchAttributes;
    expect([SearchAttr.process, SearchAttr.ref, SearchAttr.severity, SearchAttr.status, SearchAttr.owner].map((k) => sa.get(k))).toEqual([
      'correctiveAction',
      number,
      'minor',
      'effectivenessReview',
      'owner@example.com',
    ]);
    expect(sa.get(SearchAttr.dueAt)?.getTime()).toBeGreaterThan(reviewAt);
    await complete(`${slug}eff1`, { effective: 'yes', method: 'Sampled 10 leavers since go-live', evidence: ['https://audit.example.com/sample'] }, 'isms@example.com');

    const final = await close(slug, handle);
    expect(final).toMatchObject({ ncNumber: number, step: 'closed', round: 1 });
    expect(entries(number)).toEqual(['correction', 'rootCause', 'actionPlan', 'planApproval', 'action', 'effectivenessReview', 'ismsChanges', 'closureApproval']);
    const closing = fake.callsOf('recordNcProgress').find((c) => c.args.ncNumber === number && c.args.closed);
    expect(closing?.args).toMatchObject({ status: 'closed', closed: { by: 'isms@example.com' } });
    // The root-cause task carried the NC description for its check and page.
    expect((await taskInputs(`${slug}rc1`)).form.context.description).toBe('Leavers kept their VPN access for weeks after their last day');
    expect(await taskInputs(`${slug}a1n1`)).toMatchObject({ assignee: 'it@example.com', escalateTo: 'isms@example.com', externalRef: number });
  });

  it('a rejected plan goes back to the root cause with the reason, keeping both rounds', async () => {
    const { handle, number, slug, day } = await raise();
    await complete(`${slug}corr`, { correction: 'Contained', correctedOn: day(0) });
    await throughActions(slug, 1, day, { decision: 'reject' });
    expect((await taskInputs(`${slug}rc2`)).instructions).toContain('Sent back: the ISMS manager rejected the action plan: Actions do not cover SaaS accounts');
    await throughActions(slug, 2, day);
    await complete(`${slug}a2n1`, { done: 'Done', evidence: ['https://e.example.com/1'] });
    await env.sleep(31 * DAY_MS);
    await complete(`${slug}eff2`, { effective: 'yes', method: 'Re-audit', evidence: ['https://e.example.com/2'] });
    expect(await close(slug, handle)).toMatchObject({ step: 'closed', round: 2 });
    expect(entries(number).filter((k) => k === 'rootCause')).toHaveLength(2);
    expect(entries(number).filter((k) => k === 'planApproval')).toHaveLength(2);
  });

  it('actions found not effective start a new round, and the second one closes', async () => {
    const { handle, number, slug, day } = await raise();
    await complete(`${slug}corr`, { correction: 'Contained', correctedOn: day(0) });
    await throughActions(slug, 1, day);
    await complete(`${slug}a1n1`, { done: 'Done', evidence: ['https://e.example.com/1'] });
    await env.sleep(31 * DAY_MS);
    await complete(`${slug}eff1`, { effective: 'no', method: 'Sample', evidence: ['https://e.example.com/s'], reason: '2 of 10 leavers still had access' });
    expect((await taskInputs(`${slug}rc2`)).instructions).toContain('not effective: 2 of 10 leavers still had access');
    await throughActions(slug, 2, day);
    await complete(`${slug}a2n1`, { done: 'Done again', evidence: ['https://e.example.com/3'] });
    await env.sleep(31 * DAY_MS);
    await complete(`${slug}eff2`, { effective: 'yes', method: 'Sample', evidence: ['https://e.example.com/s2'] });
    expect(await close(slug, handle)).toMatchObject({ step: 'closed', round: 2 });
    expect(entries(number).filter((k) => k === 'effectivenessReview')).toHaveLength(2);
  });

  it('an overdue action escalates to the ISMS manager', async () => {
    const { handle, slug, day } = await raise();
    await complete(`${slug}corr`, { correction: 'Contained', correctedOn: day(0) });
    await complete(`${slug}rc1`, GOOD_ROOT_CAUSE);
    await complete(`${slug}plan1`, { actions: [{ description: 'Quick fix', owner: 'slow@example.com', due: day(2) }] });
    await complete(`${slug}appr1`, { decision: 'approve' });
    await taskStarted(`${slug}a1n1`);
    await env.sleep(4 * DAY_MS);
    const mails = fake.callsOf('sendTaskMail').filter((c) => c.args.taskId === `${slug}a1n1`).map((c) => c.args.key);
    expect(mails).toContain('escalation-1');
    expect((await taskInputs(`${slug}a1n1`)).escalateTo).toBe('isms@example.com');
    expect((await handle.query(ncStateQuery)).step).toBe('actions');
    await handle.executeUpdate(cancelNcUpdate, { args: [{ reason: 'test over', by: 'test' }] }).catch(() => undefined);
  });

  it('an external major is driven by the body deadline: steps and the review wait fit before it, and a miss is recorded', async () => {
    const t = await env.currentTimeMs();
    const closeBy = new Date(t + 90 * DAY_MS).toISOString();
    const planDueAt = new Date(t + 10 * DAY_MS).toISOString();
    const { handle, number, slug, day } = await raise({ source: 'externalAudit', classification: 'major', deadlines: { planDueAt, closeBy } });
    await complete(`${slug}corr`, { correction: 'Contained', correctedOn: day(0) });
    // The plan steps may not run past the plan deadline, whatever their configured days.
    expect(Date.parse((await taskInputs(`${slug}rc1`)).dueAt)).toBeLessThanOrEqual(Date.parse(planDueAt));
    await env.sleep(9 * DAY_MS);
    await complete(`${slug}rc1`, GOOD_ROOT_CAUSE);
    await complete(`${slug}plan1`, { actions: [{ description: 'Fix', owner: 'it@example.com', due: day(50) }] });
    expect((await taskInputs(`${slug}appr1`)).dueAt).toBe(planDueAt);
    await complete(`${slug}appr1`, { decision: 'approve' });
    await env.sleep(40 * DAY_MS);
    await complete(`${slug}a1n1`, { done: 'Done', evidence: ['https://e.example.com/1'] });
    // 90 - 49 = 41 days left: review, ISMS changes and closure want 35, and keep half of what is left: the wait shrinks to about 20 days.
    const state = await reaches(handle, 'effectivenessWait');
    expect(Date.parse(state.stepDueAt!)).toBeLessThanOrEqual(Date.parse(closeBy) - 20.5 * DAY_MS + HOUR_MS);
    expect(Date.parse(state.stepDueAt!)).toBeGreaterThan(Date.parse(closeBy) - 21 * DAY_MS);
    // Nobody reviews: the ISMS manager is warned 14 days before, then the miss is recorded.
    await env.sleep(30 * DAY_MS);
    expect(fake.callsOf('notifyNc').filter((c) => c.args.ncNumber === number).map((c) => c.args.key)).toEqual(['deadline-warning']);
    await env.sleep(12 * DAY_MS);
    expect(fake.callsOf('notifyNc').filter((c) => c.args.ncNumber === number).map((c) => c.args.key)).toEqual(['deadline-warning', 'deadline-missed']);
    expect(await handle.query(ncStateQuery)).toMatchObject({ deadlineMissed: true, step: 'effectivenessReview' });
    expect(entries(number)).toEqual(expect.arrayContaining(['deadlineWarning', 'deadlineMissed']));
    expect(fake.callsOf('recordNcProgress').some((c) => c.args.ncNumber === number && c.args.deadlineMissedAt)).toBe(true);
    expect(Date.parse((await taskInputs(`${slug}eff1`)).dueAt)).toBeLessThanOrEqual(Date.parse(closeBy));
    await handle.executeUpdate(cancelNcUpdate, { args: [{ reason: 'test over', by: 'test' }] }).catch(() => undefined);
  });

  it('an external major with a tight body deadline: every step, action, reminder, escalation and warning ends inside it, even with owners who take all their time', async () => {
    const t = await env.currentTimeMs();
    const tz = 'Europe/Berlin';
    const closeBy = endOfDay(localDate(t + 45 * DAY_MS, tz), tz);
    const planDueAt = endOfDay(localDate(t + 14 * DAY_MS, tz), tz);
    const { handle, number, slug } = await raise({ source: 'externalAudit', classification: 'major', deadlines: { planDueAt, closeBy }, timeZone: tz });
    /** The owner completes each task a minute before it is due. */
    const atTheLastMinute = async (taskId: string, data: FormData) => {
      const opened = await taskInputs(taskId);
      await env.sleep(Date.parse(opened.dueAt) - 60_000 - (await env.currentTimeMs()));
      await complete(taskId, data);
      return opened;
    };
    const today = () => env.currentTimeMs().then((ms) => localDate(ms, tz));
    await atTheLastMinute(`${slug}corr`, { correction: 'Contained', correctedOn: await today() });
    await atTheLastMinute(`${slug}rc1`, GOOD_ROOT_CAUSE);
    const planTask = await taskInputs(`${slug}plan1`);
    await env.sleep(Date.parse(planTask.dueAt) - 60_000 - (await env.currentTimeMs()));
    // The plan form knows the body deadline: an action due after the last day that fits is refused, naming it.
    const latest = planTask.form.context.actionsDueBy as string;
    const tooLate = formErrors(planTask.form, { actions: [{ description: 'Fix', owner: 'it@example.com', due: addDays(latest, 1) }] }, new Date(await env.currentTimeMs()).toISOString());
    expect(tooLate[0].message).toContain(localDate(closeBy, tz));
    await complete(`${slug}plan1`, { actions: [{ description: 'Fix', owner: 'it@example.com', due: latest }] });
    const approval = await atTheLastMinute(`${slug}appr1`, { decision: 'approve' });
    // The plan took all its time, yet the approval got a real share of it.
    expect(Date.parse(approval.dueAt) - Date.parse(planTask.dueAt)).toBeGreaterThanOrEqual(DAY_MS - 120_000);
    expect(Date.parse(approval.dueAt)).toBeLessThanOrEqual(Date.parse(planDueAt));
    await atTheLastMinute(`${slug}a1n1`, { done: 'Done', evidence: ['https://e.example.com/1'] });
    const waiting = await reaches(handle, 'effectivenessWait');
    await env.sleep(Date.parse(waiting.stepDueAt!) - (await env.currentTimeMs()) + 1000);
    await atTheLastMinute(`${slug}eff1`, { effective: 'yes', method: 'Sample', evidence: ['https://e.example.com/2'] });
    await atTheLastMinute(`${slug}isms1`, { summary: 'Backup policy 2.1' });
    await atTheLastMinute(`${slug}close1`, { decision: 'approve' });
    expect(await handle.result()).toMatchObject({ step: 'closed', deadlineMissed: false });

    const opened = fake.callsOf('openTask').filter((c) => c.args.externalRef === number);
    expect(opened.map((c) => c.args.taskId.replace(slug, ''))).toEqual(['corr', 'rc1', 'plan1', 'appr1', 'a1n1', 'eff1', 'isms1', 'close1']);
    for (const task of opened.map((c) => c.args)) {
      expect(Date.parse(task.dueAt)).toBeLessThanOrEqual(Date.parse(closeBy));
      // Every reminder and escalation its humanTask could send falls on or before the body deadline.
      for (const n of notificationSchedule(task.dueAt, task.policy, new Date(t).toISOString(), task.notifyUntil)) expect(Date.parse(n.at)).toBeLessThanOrEqual(Date.parse(closeBy));
    }
    const warned = fake.callsOf('notifyNc').filter((c) => c.args.ncNumber === number);
    expect(warned.map((c) => c.args.key)).toEqual(['deadline-warning']);
    expect(warned[0].at).toBeLessThan(Date.parse(closeBy));
    expect(fake.callsOf('sendTaskMail').filter((c) => opened.some((o) => o.args.taskId === c.args.taskId)).every((c) => c.at <= Date.parse(closeBy))).toBe(true);
  });

  it('an admin cancels it with a reason: the open task is cancelled and the cancellation recorded', async () => {
    const { handle, number, slug, day } = await raise();
    await complete(`${slug}corr`, { correction: 'Contained', correctedOn: day(0) });
    await taskStarted(`${slug}rc1`);
    for (let i = 0; i < 200 && !fake.callsOf('sendTaskMail').some((c) => c.args.taskId === `${slug}rc1`); i++) await new Promise((r) => setTimeout(r, 25));
    const update = handle.startUpdate(cancelNcUpdate, { args: [{ reason: 'Raised twice: duplicate of NC-2026-0001', by: 'isms@example.com' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await accepted(env, update);
    expect(await handle.result()).toMatchObject({ step: 'cancelled' });
    expect(fake.callsOf('cancelTask').map((c) => c.args.taskId)).toContain(`${slug}rc1`);
    const cancelled = fake.callsOf('recordNcProgress').find((c) => c.args.ncNumber === number && c.args.entry?.kind === 'cancelled');
    expect(cancelled?.args).toMatchObject({ status: 'cancelled', entry: { actor: 'isms@example.com', data: { reason: 'Raised twice: duplicate of NC-2026-0001' } } });
  });

  it('cancelling the workflow itself (Temporal UI) also records the cancellation', async () => {
    const { handle, number, slug } = await raise();
    await taskStarted(`${slug}corr`);
    // Cancel once the task has been mailed and nothing is in flight (see untilNoActivityInFlight).
    for (let i = 0; i < 200 && !fake.callsOf('sendTaskMail').some((c) => c.args.taskId === `${slug}corr`); i++) await new Promise((r) => setTimeout(r, 25));
    await untilNoActivityInFlight(env, [handle.workflowId, `task:${slug}corr`]);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    expect(entries(number)).toEqual(['cancelled']);
  });
});
