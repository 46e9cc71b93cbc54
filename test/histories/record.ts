/**
 * Records the humanTask histories the replay test replays: `npm run histories:record`.
 * Run it when a workflow gains a new path worth guarding, never to make a failing replay pass:
 * a replay failure means running workflows would break, which is what `patched()` is for.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HOUR_MS } from '../../libs/domain/src';
import { completeTaskUpdate, reassignTaskUpdate } from '../../libs/temporal/src/definitions';
import { recordingActivities } from '../support/fake-activities';
import { taskInput } from '../support/task-input';
import { createTimeSkippingEnv } from '../support/temporal-env';

async function main(): Promise<void> {
  const env = await createTimeSkippingEnv();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'record',
    workflowsPath: require.resolve('../../workflows'),
    activities: recordingActivities(() => env.currentTimeMs()).activities,
  });
  const save = async (name: string, handle: WorkflowHandle) => {
    const file = path.join(__dirname, `human-task-${name}.json`);
    writeFileSync(file, historyToJSON(await handle.fetchHistory()));
    console.log(`recorded ${file}`);
  };
  await worker.runUntil(async () => {
    const t0 = await env.currentTimeMs();
    const start = (id: string) => env.client.workflow.start('humanTask', { args: [taskInput(id, t0)], taskQueue: 'record', workflowId: `task:${id}` });
    const accepted = async <T>(p: Promise<T>) => (await env.sleep(1000), p);

    // Reminded, reassigned, escalated, then completed by the new assignee.
    const full = await start('recfull');
    await env.sleep(72 * HOUR_MS);
    await accepted(full.startUpdate(reassignTaskUpdate, { args: [{ to: 'bob@example.com', by: 'admin' }], waitForStage: WorkflowUpdateStage.ACCEPTED }));
    await env.sleep(80 * HOUR_MS);
    await accepted(
      full.startUpdate(completeTaskUpdate, {
        args: [{ outcome: 'done', completedBy: 'bob@example.com', via: 'link', linkVersion: 2, evidence: ['https://e.example.com/1'] }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      }),
    );
    await full.result();
    await save('reassigned-escalated-completed', full);

    // Cancelled by its process while waiting.
    const cancelled = await start('reccancel');
    await env.sleep(50 * HOUR_MS);
    await cancelled.cancel();
    await cancelled.result().catch(() => undefined);
    await save('cancelled', cancelled);
  });
  await env.teardown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
