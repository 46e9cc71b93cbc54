/** A stand-in process workflow, to test humanTask as the child the real processes will run. */
import { DEFAULT_REMINDER_POLICY, type HumanTaskResult } from '../../libs/domain/src';
import { runHumanTask } from '../../workflows/human-task';

export { humanTask } from '../../workflows';

export async function reviewThenApprove(dueAt: string): Promise<HumanTaskResult[]> {
  const common = { instructions: 'Do it.', dueAt, process: 'test', policy: DEFAULT_REMINDER_POLICY, createdBy: 'reviewThenApprove', outcomes: ['ok', 'not ok'] };
  const review = await runHumanTask({ ...common, taskId: 'review1', title: 'Review', assignee: 'reviewer@example.com' });
  const approve = await runHumanTask({ ...common, taskId: 'approve1', title: `Approve (review said ${review.outcome})`, assignee: 'approver@example.com' });
  return [review, approve];
}

export async function waitsForever(dueAt: string): Promise<HumanTaskResult> {
  return runHumanTask({ instructions: 'Do it.', dueAt, process: 'test', policy: DEFAULT_REMINDER_POLICY, createdBy: 'waitsForever', outcomes: ['ok'], title: 'Never done', assignee: 'idle@example.com' });
}
