import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { HumanTaskInput, TaskCompletion } from '../../libs/domain/src';
import { completeTaskUpdate, reassignTaskUpdate, taskStateQuery } from '../../libs/temporal/src/definitions';
import { recordingActivities } from '../support/fake-activities';
import { taskInput } from '../support/task-input';
import { backgroundWorker, createDevServerEnv } from '../support/temporal-env';

describe('humanTask Updates and their validators on the dev server', () => {
  let env: TestWorkflowEnvironment;
  let stop: () => Promise<void>;
  const fake = recordingActivities();
  beforeAll(async () => {
    env = await createDevServerEnv();
    ({ stop } = await backgroundWorker(env, { taskQueue: 'updates', workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! }, activities: fake.activities }));
  });
  afterAll(() => stop?.());

  let n = 0;
  async function start(overrides: Partial<HumanTaskInput> = {}) {
    const input = taskInput(`upd${++n}`, Date.now(), overrides);
    const handle = await env.client.workflow.start('humanTask', { args: [input], taskQueue: 'updates', workflowId: `task:${input.taskId}` });
    const complete = (c: Partial<TaskCompletion> = {}) =>
      handle.executeUpdate(completeTaskUpdate, { args: [{ outcome: 'done', completedBy: 'alice@example.com', via: 'link', linkVersion: 1, ...c }] });
    return { input, handle, complete, completions: () => fake.callsOf('completeTask').filter((c) => c.args.taskId === input.taskId) };
  }

  it('returns the completion to the caller once it is recorded', async () => {
    const { handle, complete, completions } = await start();
    const result = await complete({ notes: 'done it', evidence: ['https://evidence.example.com/1'] });
    expect(result).toMatchObject({ status: 'completed', outcome: 'done', completedBy: 'alice@example.com', notes: 'done it' });
    expect(completions()).toHaveLength(1);
    expect(await handle.result()).toEqual(result);
  });

  it('rejects a bad outcome or evidence with the field named, and changes nothing', async () => {
    const { handle, complete, completions } = await start();
    const outcome = await complete({ outcome: 'maybe' }).catch((e) => e);
    expect(outcome).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(outcome.cause).toMatchObject({ type: 'InvalidInput', message: 'outcome must be one of: done, not applicable', details: [{ field: 'outcome' }] });
    const evidence = await complete({ evidence: ['ftp://nope'] }).catch((e) => e);
    expect(evidence.cause.details).toEqual([{ field: 'evidence', message: 'evidence links must be http(s) URLs: "ftp://nope" is not' }]);
    expect(completions()).toHaveLength(0);
    expect(await handle.query(taskStateQuery)).toMatchObject({ status: 'open' });
  });

  it('refuses a second completion and a link from before a reassignment', async () => {
    const { handle, complete, completions } = await start();
    await expect(handle.executeUpdate(reassignTaskUpdate, { args: [{ to: 'alice@example.com', by: 'admin' }] })).rejects.toMatchObject({
      cause: { type: 'InvalidInput', details: [{ field: 'to' }] },
    });
    await expect(handle.executeUpdate(reassignTaskUpdate, { args: [{ to: 'bob@example.com', by: 'admin' }] })).resolves.toEqual({ linkVersion: 2 });
    await expect(complete({ linkVersion: 1 })).rejects.toMatchObject({ cause: { type: 'StaleLink' } });
    // Two submissions racing: exactly one wins.
    const both = await Promise.allSettled([
      complete({ linkVersion: 2, completedBy: 'bob@example.com' }),
      complete({ linkVersion: 2, completedBy: 'bob@example.com' }),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(completions()).toHaveLength(1);
    await handle.result();
  });

  it("checks a form's answers in the validator, and returns them with the completion", async () => {
    const form: HumanTaskInput['form'] = {
      fields: [{ name: 'rootCause', label: 'Root cause', type: 'textarea', required: true }],
      check: 'rootCause',
      context: { description: 'Backups were not tested for restore' },
    };
    const { complete, completions } = await start({ form });
    await expect(complete({})).rejects.toMatchObject({ cause: { details: [{ field: 'data.rootCause', message: 'Root cause is required' }] } });
    await expect(complete({ data: { rootCause: 'The backups were not tested for a restore' } })).rejects.toMatchObject({
      cause: { type: 'InvalidInput', details: [{ field: 'data.rootCause' }] },
    });
    expect(completions()).toHaveLength(0);
    const data = { rootCause: 'Restore tests were never scheduled: the backup runbook has no owner' };
    expect(await complete({ data })).toMatchObject({ status: 'completed', data });
    expect(completions()[0].args.completion.data).toEqual(data);
  });
  it('an answer the records cannot take for now is refused within a minute as Unavailable, and the task stays open for it', async () => {
    const { handle, complete, input } = await start();
    fake.answers.completeTask = (args) => {
      if (args.taskId === input.taskId) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    };
    const started = Date.now();
    try {
      await expect(complete()).rejects.toMatchObject({ cause: { type: 'Unavailable', message: expect.stringContaining('still open') } });
    } finally {
      delete fake.answers.completeTask;
    }
    expect(Date.now() - started).toBeLessThan(90_000);
    expect(await handle.query(taskStateQuery)).toMatchObject({ status: 'open' });
    // Sent again once the records are back: recorded, the task completes.
    expect(await complete()).toMatchObject({ status: 'completed' });
    await handle.result();
  }, 120_000);

  it('a reassignment is answered once the task has moved, while the new assignee\'s mail waits for the relay', async () => {
    const { handle, complete, input } = await start();
    let relayDown = true;
    fake.answers.sendTaskMail = (args) => {
      if (args.taskId === input.taskId && args.key === 'assigned-v2' && relayDown) throw new Error('connect ECONNREFUSED 127.0.0.1:25');
      return { sent: true };
    };
    try {
      const started = Date.now();
      expect(await handle.executeUpdate(reassignTaskUpdate, { args: [{ to: 'bob@example.com', by: 'admin', reason: 'holiday' }] })).toEqual({ linkVersion: 2 });
      expect(Date.now() - started).toBeLessThan(10_000);
      relayDown = false;
      await complete({ completedBy: 'bob@example.com', linkVersion: 2 });
      // The task ends only once the new assignee has been told.
      await handle.result();
      expect(fake.callsOf('sendTaskMail').filter((c) => c.args.taskId === input.taskId && c.args.key === 'assigned-v2').length).toBeGreaterThanOrEqual(2);
    } finally {
      delete fake.answers.sendTaskMail;
    }
  }, 120_000);
});
