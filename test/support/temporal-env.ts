import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { registerSearchAttributes } from '../../libs/temporal/src/client';
import { temporalCliPath, temporalTestServerPath } from '../../libs/devstack/src/binaries';
import { WorkflowUpdateStage } from '@temporalio/client';
import type { TaskCompletion } from '../../libs/domain/src';
import { ALL_SEARCH_ATTRIBUTES, completeTaskUpdate, taskStateQuery } from '../../libs/temporal/src/definitions';

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

/**
 * An Update on the time-skipping server, accepted. There an Update sent while time stands still is
 * not delivered until time moves, and waiting on it does not move it (sdk-typescript #1549): a
 * simulated second passes, and again while the Update is still unanswered (on a busy machine it can
 * reach the server after the first second has passed, and would then wait for ever).
 */
export async function accepted<T>(env: TestWorkflowEnvironment, update: Promise<T> | (() => Promise<T>), seconds = 30): Promise<T> {
  // Given as a function, the Update is sent again every 10 simulated seconds it goes unanswered (with
  // its same updateId, so at most one is applied): the server has been seen to drop one.
  const send = typeof update === 'function' ? update : () => update;
  let answer: Promise<T> | undefined;
  const listen = (sent: Promise<T>) => void sent.then(() => (answer ??= sent), () => (answer ??= sent));
  listen(send());
  // Simulated seconds are not enough on a machine that is busy elsewhere: give the worker a real minute too.
  const realDeadline = Date.now() + 60_000;
  for (let i = 1; (i <= seconds || Date.now() < realDeadline) && !answer; i++) {
    await env.sleep(1000);
    await new Promise((r) => setTimeout(r, answer ? 0 : 500));
    if (!answer && typeof update === 'function' && i % 10 === 0) listen(send());
  }
  if (!answer) throw new Error(`an Update was not answered after ${seconds} simulated seconds and a real minute`);
  return answer;
}

let completions = 0;
/**
 * A person completes a task on the time-skipping server, and the answer is recorded before the test
 * moves time on: the record is written while the person waits, for a bounded time, so skipping hours
 * while it is still being written would give it up (that server cannot wait for an Update's result).
 */
export async function completeTaskNow(env: TestWorkflowEnvironment, taskId: string, completion: TaskCompletion): Promise<void> {
  const handle = env.client.workflow.getHandle(`task:${taskId}`);
  const updateId = `complete-${taskId}-${++completions}`;
  await accepted(env, () => handle.startUpdate(completeTaskUpdate, { args: [completion], updateId, waitForStage: WorkflowUpdateStage.ACCEPTED }));
  for (let i = 0; i < 600; i++) {
    const status = await handle.query(taskStateQuery).then(
      (v) => v.status,
      async () => ((await handle.describe()).status.name === 'COMPLETED' ? 'completed' : 'unknown'),
    );
    if (status === 'completed') return;
    if (status === 'open') throw new Error(`task ${taskId}: the answer was not recorded`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`task ${taskId}: the answer was still being recorded after 15 s`);
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
