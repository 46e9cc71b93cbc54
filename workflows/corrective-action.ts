import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { NcProgress } from '../activities/nonconformities';
import {
  actionsDueBy,
  deadlineWarningAt,
  effectivenessWaitMs,
  endOfDay,
  isEmail,
  ncForms,
  stepDueAt,
  tasksPolicyBefore,
  type CorrectiveActionInput,
  type HumanTaskResult,
  type NcStep,
  type NcView,
  type PlannedAction,
  type TaskForm,
} from '../libs/domain/src';
import { cancelNcUpdate, changeNcOwnerUpdate, ncStateQuery, SearchAttr } from '../libs/temporal/src/definitions';
import { acts } from './activity-proxies';
import { answer, now, taskSlug } from './process-kit';
import { runHumanTask } from './human-task';


const WAITING_FOR: Record<NcStep, string> = {
  correction: 'the owner to record the correction',
  rootCause: 'the owner to find the root cause',
  actionPlan: 'the owner to plan the actions',
  planApproval: 'the ISMS manager to approve the action plan',
  actions: 'the action owners to complete their actions',
  effectivenessWait: 'time to pass before the effectiveness review',
  effectivenessReview: 'the reviewer to judge whether the actions worked',
  ismsChanges: 'the owner to record the ISMS changes',
  closureApproval: 'the ISMS manager to approve closure',
  closed: 'nothing: closed',
  cancelled: 'nothing: cancelled',
};

/**
 * A nonconformity through ISO 27001 clause 10.2: correction, root cause, action plan and its
 * approval, the actions, an effectiveness review after a waiting period (not effective: back to
 * the root cause, keeping every round), ISMS changes, closure approval. Each step is a humanTask
 * child; each result is a dated row in the NC's timeline.
 */
export async function correctiveAction(input: CorrectiveActionInput): Promise<NcView> {
  const nc = input.ncNumber;
  const slug = taskSlug(nc);
  let step: NcStep = 'correction';
  let round = 1;
  let owner = input.owner;
  let dueAt: string | undefined;
  let deadlineMissed = false;
  let cancellation: { reason: string; by: string } | undefined;
  const steps = new CancellationScope();

  const view = (): NcView => ({ ncNumber: nc, step, round, owner, stepDueAt: dueAt, deadlineMissed, waitingFor: `${nc}: waiting for ${WAITING_FOR[step]}` });
  const publish = () => {
    upsertSearchAttributes([
      { key: SearchAttr.process, value: 'correctiveAction' },
      { key: SearchAttr.ref, value: nc },
      { key: SearchAttr.severity, value: input.classification },
      { key: SearchAttr.status, value: step },
      { key: SearchAttr.owner, value: owner },
      ...(dueAt ? [{ key: SearchAttr.dueAt, value: new Date(dueAt) }] : []),
    ]);
    setCurrentDetails(`${view().waitingFor}${dueAt ? ` (due ${dueAt})` : ''}${deadlineMissed ? ' - the certification body deadline was MISSED' : ''}`);
  };
  const progress = (extra: Partial<NcProgress> = {}) => acts.recordNcProgress({ ncNumber: nc, status: step, round, stepDueAt: dueAt, ...extra });
  const entry = (key: string, kind: string, r: HumanTaskResult) =>
    progress({ entry: { key, kind, actor: r.completedBy ?? 'unknown', at: r.completedAt ?? now(), data: { ...r.data, notes: r.notes ?? null, taskId: r.taskId, ...(r.recordedBy ? { recordedBy: r.recordedBy } : {}) } } });

  const tz = input.timeZone ?? 'UTC';
  const closeBy = input.deadlines.closeBy;
  /** With a closure deadline, no task's escalation falls after it (DOMAIN.md 3). */
  const beforeCloseBy = (due: string) => (closeBy ? { policy: tasksPolicyBefore(closeBy, due, input.taskPolicy), notifyUntil: closeBy } : {});

  /** What every task of this NC shares: overdue goes to the ISMS manager, the NC number is its reference. */
  const taskDefaults = {
    escalateTo: input.ismsManager,
    externalRef: nc,
    process: 'correctiveAction',
    outcomes: ['done'],
    policy: input.taskPolicy,
    createdBy: `correctiveAction ${nc}`,
  };

  /** One step done by one person through an emailed task with a form. */
  const task = async (s: NcStep, t: { key: string; title: string; instructions: string; assignee: string; form: TaskForm }) => {
    step = s;
    dueAt = stepDueAt(s, now(), input.policy, input.deadlines, tz);
    publish();
    await progress();
    return runHumanTask({
      taskId: `${slug}${t.key}`,
      title: `${nc}: ${t.title}`,
      instructions: `${t.instructions}\n\nNonconformity ${nc} (${input.classification}) against ${input.requirement}:\n${input.description}`,
      assignee: t.assignee,
      dueAt,
      ...taskDefaults,
      ...beforeCloseBy(dueAt),
      form: t.form,
    });
  };

  setHandler(ncStateQuery, view);
  setHandler(
    cancelNcUpdate,
    async (req) => {
      cancellation = req;
      steps.cancel();
      await condition(() => step === 'cancelled');
      return view();
    },
    {
      validator: (req: { reason: string; by: string }) => {
        if (step === 'closed' || step === 'cancelled') throw ApplicationFailure.nonRetryable(`${nc} is already ${step}.`, 'NcClosed');
        if (!req.reason?.trim()) throw ApplicationFailure.nonRetryable('reason is required', 'InvalidInput', { field: 'reason', message: 'reason is required' });
      },
    },
  );
  setHandler(
    changeNcOwnerUpdate,
    async (req) => {
      const from = owner;
      owner = req.to;
      publish();
      await progress({ owner: req.to, entry: { key: `owner-${now()}`, kind: 'ownerChanged', actor: req.by, at: now(), data: { from, to: req.to } } });
      return view();
    },
    {
      validator: (req: { to: string; by: string }) => {
        if (step === 'closed' || step === 'cancelled') throw ApplicationFailure.nonRetryable(`${nc} is already ${step}.`, 'NcClosed');
        if (!isEmail(req.to)) throw ApplicationFailure.nonRetryable('to must be an email address', 'InvalidInput', { field: 'to', message: 'to must be an email address' });
      },
    },
  );

  publish();
  const watching = watchDeadline();
  try {
    await steps.run(runSteps);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      step = 'cancelled';
      dueAt = undefined;
      publish();
      const by = cancellation?.by ?? 'an admin (Temporal)';
      await progress({ entry: { key: 'cancelled', kind: 'cancelled', actor: by, at: now(), data: { reason: cancellation?.reason ?? 'workflow cancelled' } } });
    });
    // An admin cancelling the workflow itself sees it cancelled; a cancellation asked for by Update is a normal end.
    if (!cancellation) throw err;
  }
  await watching;
  return view();

  async function runSteps(): Promise<void> {
    const correction = await task('correction', {
      key: 'corr',
      title: 'correct the nonconformity',
      instructions: 'React first: contain the nonconformity and deal with its consequences, then record what you did.',
      assignee: owner,
      form: ncForms.correction(),
    });
    await entry('correction', 'correction', correction);

    let returned: string | undefined;
    for (round = 1; ; round++) {
      const similar = await acts.similarNonconformities({ ncNumber: nc, requirement: input.requirement });
      const rootCause = await task('rootCause', {
        key: `rc${round}`,
        title: `find the root cause${round > 1 ? ` (round ${round})` : ''}`,
        instructions: `Find why it happened (5 Whys, Ishikawa, fault tree...), and whether similar nonconformities exist or could occur.${returned ? `\n\nSent back: ${returned}` : ''}`,
        assignee: owner,
        form: ncForms.rootCause(input.description, similar),
      });
      await entry(`rootCause-${round}`, 'rootCause', rootCause);

      const plan = await task('actionPlan', {
        key: `plan${round}`,
        title: 'plan the corrective actions',
        instructions: `Plan actions that remove this root cause:\n${answer(rootCause, 'rootCause')}`,
        assignee: owner,
        form: ncForms.actionPlan(closeBy ? { actionsDueBy: actionsDueBy(now(), input.policy, closeBy, tz), closeBy, timeZone: tz } : undefined),
      });
      await entry(`actionPlan-${round}`, 'actionPlan', plan);
      const actions = plan.data?.actions as unknown as PlannedAction[];

      const approval = await task('planApproval', {
        key: `appr${round}`,
        title: 'approve the action plan',
        instructions: `Root cause: ${answer(rootCause, 'rootCause')}\n\nActions:\n${actions.map((a, i) => `${i + 1}. ${a.description} (${a.owner}, due ${a.due})`).join('\n')}`,
        assignee: input.ismsManager,
        form: ncForms.approval('action plan'),
      });
      await entry(`planApproval-${round}`, 'planApproval', approval);
      if (approval.data?.decision === 'reject') {
        returned = `the ISMS manager rejected the action plan: ${answer(approval, 'reason')}`;
        continue;
      }

      step = 'actions';
      dueAt = actions.map((a) => endOfDay(a.due, tz)).sort().at(-1);
      publish();
      await progress();
      await Promise.all(
        actions.map(async (a, i) => {
          const done = await runHumanTask({
            taskId: `${slug}a${round}n${i + 1}`,
            title: `${nc} action ${i + 1}: ${a.description}`,
            instructions: `Carry out this corrective action and link the evidence.\n\nRoot cause: ${answer(rootCause, 'rootCause')}`,
            assignee: a.owner,
            dueAt: endOfDay(a.due, tz),
            ...taskDefaults,
            ...beforeCloseBy(endOfDay(a.due, tz)),
            form: ncForms.action(),
          });
          await entry(`action-${round}-${i + 1}`, 'action', { ...done, data: { ...done.data, action: a.description, due: a.due } });
        }),
      );

      step = 'effectivenessWait';
      const wait = effectivenessWaitMs(now(), input.policy, input.deadlines, tz);
      dueAt = new Date(Date.now() + wait).toISOString();
      publish();
      await progress();
      await sleep(wait);

      const review = await task('effectivenessReview', {
        key: `eff${round}`,
        title: 'review the effectiveness of the actions',
        instructions: `Check whether the actions removed the root cause (${answer(rootCause, 'rootCause')}), say how you checked, and link the evidence.`,
        assignee: input.reviewer,
        form: ncForms.effectiveness(),
      });
      await entry(`effectivenessReview-${round}`, 'effectivenessReview', review);
      if (review.data?.effective === 'yes') break;
      returned = `the effectiveness review found the actions not effective: ${answer(review, 'reason') || (review.notes ?? '')}`;
    }

    for (let attempt = 1; ; attempt++) {
      const changes = await task('ismsChanges', {
        key: `isms${attempt}`,
        title: 'record the ISMS changes',
        instructions: 'Record what changed in the ISMS because of this nonconformity: risk register, Statement of Applicability, documents.',
        assignee: owner,
        form: ncForms.ismsChanges(),
      });
      await entry(`ismsChanges-${attempt}`, 'ismsChanges', changes);

      const closure = await task('closureApproval', {
        key: `close${attempt}`,
        title: 'approve closure',
        instructions: 'The actions were found effective and the ISMS changes are recorded: approve closing this nonconformity.',
        assignee: input.ismsManager,
        form: ncForms.approval('closure'),
      });
      await entry(`closureApproval-${attempt}`, 'closureApproval', closure);
      if (closure.data?.decision === 'approve') {
        step = 'closed';
        dueAt = undefined;
        publish();
        await progress({ closed: { at: closure.completedAt ?? now(), by: closure.completedBy ?? input.ismsManager } });
        return;
      }
    }
  }

  /** The certification body's closure deadline: warn the ISMS manager before it, record a miss. */
  async function watchDeadline(): Promise<void> {
    if (!closeBy) return;
    const over = () => step === 'closed' || step === 'cancelled';
    const warnAt = Date.parse(deadlineWarningAt(closeBy, input.raisedAt, input.policy, tz));
    if (await condition(over, Math.max(0, warnAt - Date.now()))) return;
    await acts.notifyNc({
      ncNumber: nc,
      key: 'deadline-warning',
      to: input.ismsManager,
      subject: `closure deadline ${closeBy.slice(0, 10)} approaching`,
      text: `The certification body requires ${nc} (${input.classification}) closed by ${closeBy}. It is at step "${step}", waiting for ${WAITING_FOR[step]}.`,
    });
    await progress({ entry: { key: 'deadlineWarning', kind: 'deadlineWarning', actor: 'ismsflow', at: now(), data: { closeBy, step } } });
    if (await condition(over, Math.max(0, Date.parse(closeBy) - Date.now()))) return;
    deadlineMissed = true;
    publish();
    await acts.notifyNc({
      ncNumber: nc,
      key: 'deadline-missed',
      to: input.ismsManager,
      subject: 'closure deadline MISSED',
      text: `${nc} was due to be closed by ${closeBy} and is still at step "${step}". Tell the certification body.`,
    });
    await progress({ deadlineMissedAt: now(), entry: { key: 'deadlineMissed', kind: 'deadlineMissed', actor: 'ismsflow', at: now(), data: { closeBy, step } } });
  }
}

