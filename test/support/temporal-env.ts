import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { registerSearchAttributes } from '../../libs/temporal/src/client';
import { temporalCliPath, temporalTestServerPath } from '../../libs/devstack/src/binaries';
import { ALL_SEARCH_ATTRIBUTES } from '../../libs/temporal/src/definitions';

/** The time-skipping test server, from the project-local install when there is one. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = temporalTestServerPath();
  const env = await TestWorkflowEnvironment.createTimeSkipping(path ? { server: { executable: { type: 'existing-path', path } } } : {});
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** A real dev server (in memory) for what the time-skipping server cannot do: Update results. */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      ip: '127.0.0.1',
    },
  });
}

/** A worker running in the background of a test file; `stop` drains it and tears the env down. */
export async function backgroundWorker(env: TestWorkflowEnvironment, options: Omit<WorkerOptions, 'connection'>) {
  const worker = await Worker.create({ connection: env.nativeConnection, ...options });
  const running = worker.run();
  return {
    worker,
    stop: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/**
 * Waits (in real time) until none of these workflows has an activity in flight. The time-skipping
 * server trips over cancelling a workflow while one is (ACTIVITY_UNKNOWN), and a busy machine can
 * be between an activity's start and its completion for a while.
 */
export async function untilNoActivityInFlight(env: TestWorkflowEnvironment, workflowIds: string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await Promise.all(workflowIds.map(async (id) => (await env.client.workflow.getHandle(id).describe()).raw.pendingActivities?.length ?? 0));
    if (pending.every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`activities still in flight in ${workflowIds.join(', ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
