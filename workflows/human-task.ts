import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { acts, whilePersonWaits } from './activity-proxies';
import {
  completionErrors,
  isEmail,
  linkExpiry,
  notificationSchedule,
  type HumanTaskInput,
  type HumanTaskResult,
  type TaskCompletion,
  type TaskReassignment,
  type TaskView,
} from '../libs/domain/src';
import { completeTaskUpdate, openTaskSearchAttributes, reassignTaskUpdate, SearchAttr, taskStateQuery, workflowIds } from '../libs/temporal/src/definitions';


/**
 * One task for one person: record it, mail them a link, remind them, escalate when overdue, and
 * wait until they (or a ticketing system) complete it. Process workflows run it as a child and
 * get the completion as its result; cancelling the child cancels the task.
 */
export async function humanTask(input: HumanTaskInput): Promise<HumanTaskResult> {
  const sent: string[] = [];
  let status: TaskView['status'] = 'open';
  let assignee = input.assignee;
  let linkVersion = 1;
  let result: HumanTaskResult | undefined;
  /** Mails to a new assignee, sent after the reassignment was answered; the first that failed for good. */
  const mailing: Promise<unknown>[] = [];
  let mailFailure: Error | undefined;

  const view = (): TaskView => ({
    taskId: input.taskId,
    status,
    assignee,
    linkVersion,
    dueAt: input.dueAt,
    waitingFor: waitingFor(),
    notificationsSent: [...sent],
  });
  const waitingFor = () =>
    status === 'open'
      ? `Waiting for ${assignee} to complete "${input.title}" (due ${input.dueAt})`
      : `Task ${status}`;
  const publish = () => {
    upsertSearchAttributes([
      { key: SearchAttr.status, value: status },
      { key: SearchAttr.owner, value: assignee },
    ]);
    setCurrentDetails(waitingFor());
  };
  const mailAssignee = () =>
    acts.sendTaskMail({
      taskId: input.taskId,
      kind: 'assigned',
      key: `assigned-v${linkVersion}`,
      linkExpiresAt: linkExpiry(input.dueAt, input.policy),
    });

  setHandler(taskStateQuery, view);

  setHandler(
    completeTaskUpdate,
    async (completion: TaskCompletion) => {
      status = 'completing';
      const completedAt = new Date().toISOString();
      try {
        await (patched('task-completion-bounded') ? whilePersonWaits : acts).completeTask({ taskId: input.taskId, completion, completedAt });
      } catch (err) {
        // Whatever stopped the record, the task stays open for the answer to be sent again.
        status = 'open';
        // Data the records refuse (the validator missed it): the person is told what to correct.
        if (isBadData(err)) {
          throw ApplicationFailure.nonRetryable('The answer could not be recorded: it holds something the records refuse. Correct it and send it again.', 'InvalidInput', {
            field: 'data',
            message: 'the answer could not be recorded: correct it and send it again',
          });
        }
        // The records are unavailable for now: nothing was recorded, the person sends it again later.
        throw ApplicationFailure.nonRetryable('The answer could not be recorded just now: nothing was lost and the task is still open. Send it again in a few minutes.', 'Unavailable');
      }
      status = 'completed';
      result = {
        taskId: input.taskId,
        status: 'completed',
        outcome: completion.outcome,
        notes: completion.notes,
        data: completion.data,
        evidence: completion.evidence ?? [],
        completedBy: completion.completedBy,
        completedAt,
        via: completion.via,
        ...(completion.recordedBy ? { recordedBy: completion.recordedBy } : {}),
      };
      return result;
    },
    {
      validator: (completion: TaskCompletion) => {
        if (status !== 'open') throw ApplicationFailure.nonRetryable(`This task is already ${status}.`, 'TaskClosed');
        if (completion.linkVersion !== undefined && completion.linkVersion !== linkVersion) {
          throw ApplicationFailure.nonRetryable('This link is no longer valid: the task was reassigned.', 'StaleLink');
        }
        const errors = completionErrors(completion, input, new Date().toISOString());
        if (errors.length > 0) {
          throw ApplicationFailure.nonRetryable(errors.map((e) => e.message).join('; '), 'InvalidInput', ...errors);
        }
      },
    },
  );

  setHandler(
    reassignTaskUpdate,
    async (reassignment) => {
      const from = assignee;
      assignee = reassignment.to;
      linkVersion += 1;
      publish();
      await acts.reassignTask({ taskId: input.taskId, from, ...reassignment, linkVersion });
      // The caller is answered once the task is moved; the new assignee's mail follows on its own
      // retries (a mail relay down must not hold the answer), and the task ends only after it.
      if (patched('reassign-answers-before-mail')) mailing.push(mailAssignee().catch((err: Error) => void (mailFailure ??= err)));
      else await mailAssignee();
      return { linkVersion };
    },
    {
      validator: (reassignment: TaskReassignment) => {
        if (status !== 'open') throw ApplicationFailure.nonRetryable(`This task is already ${status}.`, 'TaskClosed');
        if (!isEmail(reassignment.to)) {
          throw ApplicationFailure.nonRetryable('to must be an email address', 'InvalidInput', { field: 'to', message: 'to must be an email address' });
        }
        if (reassignment.to.toLowerCase() === assignee.toLowerCase()) {
          throw ApplicationFailure.nonRetryable(`The task is already assigned to ${assignee}.`, 'InvalidInput', { field: 'to', message: 'to is the current assignee' });
        }
      },
    },
  );

  try {
    await acts.openTask({ ...input, workflowId: workflowInfo().workflowId });
    upsertSearchAttributes(openTaskSearchAttributes(input));
    publish();
    await mailAssignee();

    const schedule = notificationSchedule(input.dueAt, input.policy, new Date().toISOString(), input.notifyUntil);
    for (const next of schedule) {
      const waitMs = Math.max(0, Date.parse(next.at) - Date.now());
      if (await condition(() => status !== 'open', waitMs)) break;
      await acts.sendTaskMail({
        taskId: input.taskId,
        kind: next.kind,
        key: next.key,
        linkExpiresAt: linkExpiry(input.dueAt, input.policy),
      });
      sent.push(next.key);
    }
    await condition(() => status === 'completed');
    await condition(allHandlersFinished);
    await Promise.all(mailing);
    if (mailFailure) throw mailFailure;
    publish();
    return result!;
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The owning process no longer needs it: close the record even though this scope is cancelled.
    await CancellationScope.nonCancellable(async () => {
      status = 'cancelled';
      publish();
      await acts.cancelTask({ taskId: input.taskId, reason: 'Cancelled by its process or an admin' });
    });
    throw err;
  }
}

/** An activity refused its input as bad data (never retried): see activities/failures.ts. */
export function isBadData(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'BadData';
}

/**
 * How a process workflow waits for a person: runs humanTask as a child (`task:<taskId>`) and
 * returns the completion. Without a taskId one is drawn from the workflow's deterministic random.
 * Cancelling the parent cancels the child, which closes the task record and its links.
 */
export async function runHumanTask(input: Omit<HumanTaskInput, 'taskId'> & { taskId?: string }): Promise<HumanTaskResult> {
  const taskId = input.taskId ?? uuid4().replace(/-/g, '').slice(0, 16);
  return executeChild(humanTask, {
    workflowId: workflowIds.task(taskId),
    args: [{ ...input, taskId }],
    parentClosePolicy: 'REQUEST_CANCEL',
    typedSearchAttributes: openTaskSearchAttributes(input),
    staticSummary: `Task for ${input.assignee}: ${input.title}`,
  });
}
