import { TestWorkflowEnvironment } from '@temporalio/testing';
import { registerSearchAttributes } from '../../libs/temporal/src/client';
import { temporalTestServerPath } from '../../libs/devstack/src/binaries';

/** The time-skipping test server, from the project-local install when there is one. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = temporalTestServerPath();
  const env = await TestWorkflowEnvironment.createTimeSkipping(path ? { server: { executable: { type: 'existing-path', path } } } : {});
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}
