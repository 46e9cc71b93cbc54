import { DeterminismViolationError } from '@temporalio/workflow';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { quietLogger } from '../support/bundle';
import { createDevServerEnv } from '../support/temporal-env';

/**
 * The procedure for changing a workflow while thousands run (README, "Changing workflow code"): a
 * change that alters the order of commands goes behind patched(); the saved histories replay
 * against the new code before it ships. This shows both halves on a small workflow.
 */
describe('changing a workflow while it runs: patched() and the replay check', () => {
  let env: TestWorkflowEnvironment;
  const bundles: Record<string, string> = {};
  const notified: string[] = [];
  const activities = { notify: (message: string) => Promise.resolve(void notified.push(message)) };

  beforeAll(async () => {
    env = await createDevServerEnv();
    for (const version of ['v1', 'v2-unpatched', 'v2-patched']) {
      bundles[version] = (await bundleWorkflowCode({ workflowsPath: require.resolve(`./versioning/${version}`), logger: quietLogger })).code;
    }
  }, 120_000);
  afterAll(() => env?.teardown());

  const worker = (version: string, taskQueue: string) => Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { code: bundles[version] }, activities });
  const waiting = async (handle: WorkflowHandle) => {
    while (!(await handle.fetchHistory()).events?.some((e) => e.workflowTaskCompletedEventAttributes)) await new Promise((r) => setTimeout(r, 25));
  };

  it('a workflow started on version 1 and waiting for its review finishes on the patched version 2, the old way', async () => {
    const taskQueue = 'versioning-live';
    const alice = await (await worker('v1', taskQueue)).runUntil(async () => {
      const handle = await env.client.workflow.start('policyReview', { taskQueue, workflowId: 'policy-review-started-on-v1', args: ['alice@acme.example'] });
      await waiting(handle); // running on version 1, waiting for the review
      return handle;
    });
    // Version 2 is deployed; the review comes in and the workflow carries on under it.
    await (await worker('v2-patched', taskQueue)).runUntil(async () => {
      await alice.signal('reviewed');
      expect(await alice.result()).toBe('reviewed');
    });
    expect(notified.filter((m) => m.startsWith('alice@'))).toEqual(['alice@acme.example: thank you for the review']);

    // A workflow started on version 2 takes the new step.
    await (await worker('v2-patched', taskQueue)).runUntil(async () => {
      const bob = await env.client.workflow.start('policyReview', { taskQueue, workflowId: 'policy-review-started-on-v2', args: ['bob@acme.example'] });
      await waiting(bob);
      await bob.signal('reviewed');
      expect(await bob.result()).toBe('reviewed');
    });
    expect(notified.filter((m) => m.startsWith('bob@'))).toEqual(['bob@acme.example: the policy is due for review', 'bob@acme.example: thank you for the review']);
  }, 120_000);

  it('the replay check catches the careless change before it ships, and passes the patched one', async () => {
    const taskQueue = 'versioning-replay';
    const workflowId = 'policy-review-history';
    await (await worker('v1', taskQueue)).runUntil(async () => {
      const handle = await env.client.workflow.start('policyReview', { taskQueue, workflowId, args: ['carol@acme.example'] });
      await waiting(handle);
      await handle.signal('reviewed');
      await handle.result();
    });
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();

    await expect(Worker.runReplayHistory({ workflowBundle: { code: bundles['v2-unpatched'] } }, history, workflowId)).rejects.toThrow(DeterminismViolationError);
    await expect(Worker.runReplayHistory({ workflowBundle: { code: bundles['v2-patched'] } }, history, workflowId)).resolves.toBeUndefined();
  }, 120_000);
});
