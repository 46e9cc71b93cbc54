import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { completeTaskUpdate } from '../../libs/temporal/src/definitions';
import { recordingActivities } from '../support/fake-activities';
import { quietLogger } from '../support/bundle';
import { taskInput } from '../support/task-input';
import { backgroundWorker, createDevServerEnv } from '../support/temporal-env';
import { startAgainSignal } from './start-process/workflows';

/**
 * The one way workflows start processes (programme activities, NCs from incidents and audits, the
 * next cycle), on the dev server: a process that exists, running or finished, is never started twice.
 */
describe('a workflow starting a process that already exists', () => {
  let env: TestWorkflowEnvironment;
  let stop: () => Promise<void>;
  const fake = recordingActivities();
  beforeAll(async () => {
    env = await createDevServerEnv();
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./start-process/workflows'), logger: quietLogger });
    ({ stop } = await backgroundWorker(env, { taskQueue: 'starts', workflowBundle: { code }, activities: fake.activities }));
  });
  afterAll(() => stop?.());

  async function runs(workflowId: string): Promise<string[]> {
    const statuses: string[] = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) statuses.push(w.status.name);
    return statuses;
  }
  const untilStatus = async (workflowId: string, status: string) => {
    for (let i = 0; i < 200; i++) {
      if ((await env.client.workflow.getHandle(workflowId).describe().catch(() => undefined))?.status.name === status) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${workflowId} never ${status}`);
  };

  it('leaves a running one running, and does not restart a completed one', async () => {
    const input = taskInput('startedonce', Date.now());
    const parent = await env.client.workflow.start('startsRepeatedly', { args: [input, 3], taskQueue: 'starts', workflowId: 'parent-starts-repeatedly' });
    const child = env.client.workflow.getHandle(`task:${input.taskId}`);
    await untilStatus(child.workflowId, 'RUNNING');
    await parent.signal(startAgainSignal); // while the task runs
    await child.executeUpdate(completeTaskUpdate, { args: [{ outcome: 'done', completedBy: 'alice@example.com', via: 'link', linkVersion: 1 }] });
    await untilStatus(child.workflowId, 'COMPLETED');
    await parent.signal(startAgainSignal); // after it completed
    expect(await parent.result()).toBe(3);

    expect(await runs(child.workflowId)).toEqual(['COMPLETED']);
    expect(fake.callsOf('openTask').filter((c) => c.args.taskId === input.taskId)).toHaveLength(1);
    expect(fake.mails().filter((k) => k === 'assigned-v1')).toHaveLength(1);
    // It carries the summary and search attributes an admin filters on, like a start from the API.
    const described = await child.describe();
    expect(described.searchAttributes).toMatchObject({ IsmsProcess: [input.process], IsmsOwner: [input.assignee] });
    expect(described.raw.workflowExecutionInfo?.parentExecution?.workflowId).toBe('parent-starts-repeatedly');
  });
});
