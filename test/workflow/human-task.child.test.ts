import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { HOUR_MS } from '../../libs/domain/src';
import { SearchAttr } from '../../libs/temporal/src/definitions';
import { quietLogger } from '../support/bundle';
import { recordingActivities } from '../support/fake-activities';
import { backgroundWorker, createTimeSkippingEnv, untilNoActivityInFlight, completeTaskNow } from '../support/temporal-env';

describe('humanTask as the child of a process workflow', () => {
  let env: TestWorkflowEnvironment;
  let fake: ReturnType<typeof recordingActivities>;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    fake = recordingActivities(() => env.currentTimeMs());
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./parent-workflows'), logger: quietLogger });
    ({ stop } = await backgroundWorker(env, { taskQueue: 'children', workflowBundle, activities: fake.activities }));
  });
  afterAll(() => stop?.());

  const dueIn = async (hours: number) => new Date((await env.currentTimeMs()) + hours * HOUR_MS).toISOString();
  const complete = async (taskId: string, outcome: string) => {
    await completeTaskNow(env, taskId, { outcome, completedBy: 'someone@example.com', via: 'api' });
  };
  const childStarted = async (workflowId: string) => {
    for (let i = 0; i < 100; i++) {
      try {
        return await env.client.workflow.getHandle(workflowId).describe();
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`${workflowId} never started`);
  };

  it('the parent gets each completion as the child result, in order', async () => {
    const parent = await env.client.workflow.start('reviewThenApprove', { args: [await dueIn(48)], taskQueue: 'children', workflowId: 'parent-1' });
    expect((await childStarted('task:review1')).typedSearchAttributes.get(SearchAttr.owner)).toBe('reviewer@example.com');
    await env.sleep(30 * HOUR_MS); // the 24 h reminder for the review is sent meanwhile
    await complete('review1', 'not ok');
    await childStarted('task:approve1');
    await complete('approve1', 'ok');
    const [review, approve] = await parent.result();
    expect(review).toMatchObject({ taskId: 'review1', outcome: 'not ok', status: 'completed' });
    expect(approve).toMatchObject({ taskId: 'approve1', outcome: 'ok' });
    expect(fake.callsOf('openTask').find((c) => c.args.taskId === 'approve1')?.args.title).toBe('Approve (review said not ok)');
    expect(fake.callsOf('sendTaskMail').filter((c) => c.args.taskId === 'review1').map((c) => c.args.key)).toEqual(['assigned-v1', 'reminder-24h-before']);
  });

  it('cancelling the process cancels its open task, which closes the record', async () => {
    const parent = await env.client.workflow.start('waitsForever', { args: [await dueIn(24)], taskQueue: 'children', workflowId: 'parent-2' });
    const child = await childStarted((await parent.describe()) && (await findChildId('parent-2')));
    expect(child.workflowId).toMatch(/^task:[0-9a-f]{16}$/);
    const taskId = child.workflowId.slice('task:'.length);
    // Cancel once the task has been mailed and nothing is in flight (see untilNoActivityInFlight).
    for (let i = 0; i < 400 && !fake.callsOf('sendTaskMail').some((c) => c.args.taskId === taskId); i++) await new Promise((r) => setTimeout(r, 25));
    await untilNoActivityInFlight(env, ['parent-2', child.workflowId]);
    await parent.cancel();
    await expect(parent.result()).rejects.toThrow(WorkflowFailedError);
    expect(fake.callsOf('cancelTask').map((c) => c.args.taskId)).toContain(taskId);
    expect((await env.client.workflow.getHandle(child.workflowId).describe()).status.name).toBe('CANCELLED');
  });

  async function findChildId(parentId: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const history = await env.client.workflow.getHandle(parentId).fetchHistory();
      const started = history.events?.find((e) => e.childWorkflowExecutionStartedEventAttributes);
      const id = started?.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
      if (id) return id;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${parentId} started no child`);
  }
});
