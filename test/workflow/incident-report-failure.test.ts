import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { incidentResponse } from '../../workflows';
import { recordingActivities } from '../support/fake-activities';
import { assessment, incidentInput } from '../support/incident-input';
import { completeTaskUpdate } from '../../libs/temporal/src/definitions';
import { backgroundWorker, createDevServerEnv } from '../support/temporal-env';

/** On the dev server: the time-skipping server does not tell a parent that its child was terminated. */
describe('an incident whose report child is terminated', () => {
  let env: TestWorkflowEnvironment;
  let stop: () => Promise<void>;
  const fake = recordingActivities();
  beforeAll(async () => {
    env = await createDevServerEnv();
    ({ stop } = await backgroundWorker(env, { taskQueue: 'inc-fail', workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! }, activities: fake.activities }));
  });
  afterAll(() => stop?.());

  async function complete(taskId: string, data: Record<string, string>) {
    for (let i = 0; ; i++) {
      try {
        return await env.client.workflow.getHandle(`task:${taskId}`).executeUpdate(completeTaskUpdate, { args: [{ outcome: 'done', completedBy: 'ciso@example.com', via: 'api', data }] });
      } catch (err) {
        if (i > 400) throw err;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }

  it('fails visibly, naming the child, instead of waiting for a report that will never come', async () => {
    const input = incidentInput('FAIL-1', Date.now(), { triage: { isIncident: true, category: 'data leak', severity: 'high', personalData: true } });
    const handle = await env.client.workflow.start(incidentResponse, { args: [input], taskQueue: 'inc-fail', workflowId: `incident:${input.incidentId}` });
    await complete('jirafail1assess', assessment(true, false, false));
    const child = env.client.workflow.getHandle(`incident:${input.incidentId}/report:gdpr-authority:1`);
    for (let i = 0; i < 400 && !(await child.describe().catch(() => undefined)); i++) await new Promise((r) => setTimeout(r, 25));
    await child.terminate('an admin stopped it');
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(String((err as WorkflowFailedError).cause?.message)).toMatch(/Child Workflow execution failed|terminated/i);
    expect((await handle.describe()).status.name).toBe('FAILED');
  });
});
