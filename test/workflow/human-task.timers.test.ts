import { WorkflowFailedError, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { HOUR_MS } from '../../libs/domain/src';
import { humanTask } from '../../workflows';
import { reassignTaskUpdate, SearchAttr, taskStateQuery } from '../../libs/temporal/src/definitions';
import { recordingActivities } from '../support/fake-activities';
import { taskInput } from '../support/task-input';
import { createTimeSkippingEnv, untilNoActivityInFlight, accepted, completeTaskNow } from '../support/temporal-env';

describe('humanTask timers on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(() => env?.teardown());

  /** Cancels and waits until the workflow has closed, so nothing is left running for the next test. */
  async function cancelled(handle: WorkflowHandle): Promise<void> {
    await untilNoActivityInFlight(env, [handle.workflowId]);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
  }

  let n = 0;
  async function run(test: (ctx: { fake: ReturnType<typeof recordingActivities>; t0: number; at: (h: number) => Promise<void>; start: () => Promise<WorkflowHandle<typeof humanTask>> }) => Promise<void>) {
    const fake = recordingActivities(() => env.currentTimeMs());
    const taskQueue = `timers-${++n}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! },
      activities: fake.activities,
    });
    const t0 = await env.currentTimeMs();
    const input = taskInput(`timers${n}`, t0);
    /** Skips simulated time to `h` hours after the task started. */
    const at = async (h: number) => env.sleep(t0 + h * HOUR_MS - (await env.currentTimeMs()));
    const start = () => env.client.workflow.start(humanTask, { args: [input], taskQueue, workflowId: `task:${input.taskId}` });
    await worker.runUntil(test({ fake, t0, at, start }));
  }

  it('reminds 72 h and 24 h before and on the due date, escalates a day late and every 3 days after', () =>
    run(async ({ fake, t0, at, start }) => {
      const handle = await start();
      await at(47);
      expect(fake.mails()).toEqual(['assigned-v1']);
      await at(49); // due at 120 h: the 72 h reminder is at 48 h
      expect(fake.mails()).toEqual(['assigned-v1', 'reminder-72h-before']);
      await at(97);
      expect(fake.mails()).toEqual(['assigned-v1', 'reminder-72h-before', 'reminder-24h-before']);
      await at(143);
      expect(fake.mails()).toEqual(['assigned-v1', 'reminder-72h-before', 'reminder-24h-before', 'due']);
      await at(217);
      expect(fake.mails()).toEqual(['assigned-v1', 'reminder-72h-before', 'reminder-24h-before', 'due', 'escalation-1', 'escalation-2']);

      const sentAtHour = Object.fromEntries(fake.callsOf('sendTaskMail').map((c) => [c.args.key, (c.at - t0) / HOUR_MS]));
      expect(sentAtHour['reminder-72h-before']).toBeCloseTo(48, 1);
      expect(sentAtHour['reminder-24h-before']).toBeCloseTo(96, 1);
      expect(sentAtHour.due).toBeCloseTo(120, 1);
      expect(sentAtHour['escalation-1']).toBeCloseTo(144, 1);
      expect(sentAtHour['escalation-2']).toBeCloseTo(216, 1);

      const state = await handle.query(taskStateQuery);
      expect(state).toMatchObject({ status: 'open', assignee: 'alice@example.com' });
      expect(state.waitingFor).toContain('Waiting for alice@example.com');
      const sa = (await handle.describe()).typedSearchAttributes;
      expect(sa.get(SearchAttr.status)).toBe('open');
      expect(sa.get(SearchAttr.owner)).toBe('alice@example.com');
      expect(sa.get(SearchAttr.process)).toBe('adHoc');
      expect(sa.get(SearchAttr.dueAt)?.getTime()).toBe(t0 + 120 * HOUR_MS);
      await cancelled(handle);
    }));

  it('stops reminding once completed, and returns the completion to its parent', () =>
    run(async ({ fake, t0, at, start }) => {
      const handle = await start();
      await at(50);
      await completeTaskNow(env, handle.workflowId.slice('task:'.length), {
        outcome: 'done', notes: 'Reviewed', evidence: ['https://wiki.example.com/acp'], completedBy: 'alice@example.com', via: 'link', linkVersion: 1,
      });
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'completed', outcome: 'done', completedBy: 'alice@example.com', evidence: ['https://wiki.example.com/acp'] });
      expect((Date.parse(result.completedAt!) - t0) / HOUR_MS).toBeCloseTo(50, 0);
      expect(fake.mails()).toEqual(['assigned-v1', 'reminder-72h-before']);
      expect(fake.callsOf('completeTask')).toHaveLength(1);
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttr.status)).toBe('completed');
    }));

  it('reassigned on day 3: the new assignee gets a new link and every later reminder', () =>
    run(async ({ fake, t0, at, start }) => {
      const handle = await start();
      await at(72);
      await accepted(env, handle.startUpdate(reassignTaskUpdate, { args: [{ to: 'bob@example.com', by: 'admin', reason: 'holiday' }], waitForStage: WorkflowUpdateStage.ACCEPTED }));
      await at(100);
      expect(fake.mails()).toEqual(['assigned-v1', 'reminder-72h-before', 'assigned-v2', 'reminder-24h-before']);
      const reassigned = fake.callsOf('reassignTask')[0];
      expect(reassigned.args).toMatchObject({ from: 'alice@example.com', to: 'bob@example.com', linkVersion: 2 });
      expect((reassigned.at - t0) / HOUR_MS).toBeCloseTo(72, 0);
      expect(await handle.query(taskStateQuery)).toMatchObject({ assignee: 'bob@example.com', linkVersion: 2 });
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttr.owner)).toBe('bob@example.com');
      await cancelled(handle);
    }));

  it('closes the record when its process cancels it', () =>
    run(async ({ fake, at, start }) => {
      const handle = await start();
      await at(1);
      await cancelled(handle);
      expect(fake.calls.map((c) => c.name)).toEqual(['openTask', 'sendTaskMail', 'cancelTask']);
      expect((await handle.describe()).typedSearchAttributes.get(SearchAttr.status)).toBe('cancelled');
    }));

  it('a task created after its reminder times only mails the assignment, then escalates on time', () =>
    run(async ({ fake, t0, at }) => {
      const input = taskInput(`late${n}`, t0, { dueAt: new Date(t0 + 2 * HOUR_MS).toISOString() });
      const handle = await env.client.workflow.start('humanTask', { args: [input], taskQueue: `timers-${n}`, workflowId: `task:${input.taskId}` });
      await at(27);
      expect(fake.mails()).toEqual(['assigned-v1', 'due', 'escalation-1']);
      await cancelled(handle);
    }));
});
