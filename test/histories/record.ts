/**
 * Records the workflow histories the replay test replays: `npm run histories:record`.
 * Run it when a workflow gains a new path worth guarding, never to make a failing replay pass:
 * a replay failure means running workflows would break, which is what `patched()` is for.
 * It writes only histories that have no file yet: a saved history is what running workflows look
 * like, and stays as it was. Each file's workflow id is kept in workflow-ids.json (a workflow whose
 * commands name its own id, e.g. its children's ids, replays only under it).
 * `RECORD=incidents` (or `tasks`, `devServer`, `cycle`, a comma-separated list) records only those groups.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowNotFoundError, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { addDays, DAY_MS, DEFAULT_CORRECTIVE_ACTION_POLICY, HOUR_MS, localDate, type FormData } from '../../libs/domain/src';
import { certificationCycle, correctiveAction, incidentResponse } from '../../workflows';
import { cycleDriver, simulatedOwnersBundle } from '../support/cycle-driver';
import { ACME, cycleInput } from '../support/cycle-input';
import { assessment, incidentInput } from '../support/incident-input';
import { GOOD_ROOT_CAUSE, ncInput } from '../support/nc-input';
import { completeTaskUpdate, cycleStateQuery, reassignTaskUpdate, significantChangeUpdate, ticketEventSignal, workflowIds } from '../../libs/temporal/src/definitions';
import { recordingActivities } from '../support/fake-activities';
import { taskInput } from '../support/task-input';
import { createDevServerEnv, createTimeSkippingEnv } from '../support/temporal-env';

const groups = process.env.RECORD?.split(',');
const wanted = (group: string) => !groups || groups.includes(group);

async function main(): Promise<void> {
  const idsFile = path.join(__dirname, 'workflow-ids.json');
  const save = async (name: string, handle: WorkflowHandle) => {
    const file = path.join(__dirname, `${name}.json`);
    if (existsSync(file)) return console.log(`kept ${file} (already saved)`);
    writeFileSync(file, historyToJSON(await handle.fetchHistory()));
    const ids = JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, string>;
    writeFileSync(idsFile, `${JSON.stringify({ ...ids, [`${name}.json`]: handle.workflowId }, null, 2)}\n`);
    console.log(`recorded ${file}`);
  };
  if (wanted('tasks')) await recordTasks(save);
  if (wanted('devServer')) await recordOnDevServer(save);
  if (wanted('cycle')) await recordCycle(save);
  if (wanted('incidents')) await recordIncidents(save);
  if (wanted('acknowledgements')) await recordAcknowledgements(save);
}

/** A policy acknowledgement round (two batches, a morning, then replaced by a new major) and one batch through to its escalation. */
async function recordAcknowledgements(save: (name: string, handle: WorkflowHandle) => Promise<void>): Promise<void> {
  const env = await createTimeSkippingEnv();
  const fake = recordingActivities(() => env.currentTimeMs());
  let opened = 0;
  fake.answers.openAcknowledgementBatch = () => ({ people: ++opened <= 2 ? 200 : 0, superseded: opened > 3 });
  fake.answers.mailAcknowledgements = (args: { after: string }) => ({ next: args.after === '' ? 'm@example.com' : null, sent: 50 });
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'record', workflowsPath: require.resolve('../../workflows'), activities: fake.activities });
  await worker.runUntil(async () => {
    const dueAt = new Date((await env.currentTimeMs()) + 10 * DAY_MS).toISOString();
    const round = await env.client.workflow.start('acknowledgementRound', {
      args: [{ roundId: 'POL-01@2', documentId: 'POL-01', version: '2.0', dueAt, withinDays: 14, timeZone: 'Europe/Berlin' }],
      taskQueue: 'record',
      workflowId: 'ack:rec:POL-01@2',
    });
    await round.result();
    await save('acknowledgement-round-superseded', round);
    const batch = await env.client.workflow.start('acknowledgementBatch', { args: [{ roundId: 'POL-01@2', batchKey: 'POL-01@2/1', dueAt }], taskQueue: 'record', workflowId: 'ack:rec:POL-01@2/1' });
    await batch.result();
    await save('acknowledgement-batch-escalated', batch);
  });
  await env.teardown();
}

/** Human tasks on the time-skipping server: reminded, reassigned, escalated, completed; cancelled. */
async function recordTasks(save: (name: string, handle: WorkflowHandle) => Promise<void>): Promise<void> {
  const env = await createTimeSkippingEnv();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'record',
    workflowsPath: require.resolve('../../workflows'),
    activities: recordingActivities(() => env.currentTimeMs()).activities,
  });
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
    await save('human-task-reassigned-escalated-completed', full);

    // Cancelled by its process while waiting.
    const cancelled = await start('reccancel');
    await env.sleep(50 * HOUR_MS);
    await cancelled.cancel();
    await cancelled.result().catch(() => undefined);
    await save('human-task-cancelled', cancelled);

  });
  await env.teardown();
}

/**
 * A certification cycle's first year: a significant change, every activity done by simulated
 * owners, the surveillance audit with a major finding, then the continue-as-new into year two.
 */
async function recordCycle(save: (name: string, handle: WorkflowHandle) => Promise<void>): Promise<void> {
  const env = await createTimeSkippingEnv();
  const fake = recordingActivities(() => env.currentTimeMs());
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'record', workflowBundle: { code: await simulatedOwnersBundle() }, activities: fake.activities });
  await worker.runUntil(async () => {
    const decision = localDate(await env.currentTimeMs(), ACME.timeZone);
    const input = cycleInput(decision);
    const first = await env.client.workflow.start(certificationCycle, { args: [input], taskQueue: 'record', workflowId: workflowIds.cycle(input.cycleId) });
    const drive = cycleDriver(env, input);
    await drive.until(addDays(decision, 40));
    await drive.update(significantChangeUpdate, { kind: 'reorganisation', description: 'IT moves under the COO', policyReview: true, recordedBy: ACME.ismsManager }, (v) => v.changes.length === 1, 'the change');
    await drive.auditHeld([{ type: 'major', requirement: 'ISO 27001 9.3', description: 'No management review input on supplier performance' }]);
    const firstRun = env.client.workflow.getHandle(first.workflowId, first.firstExecutionRunId);
    await drive.until(addDays(decision, 420));
    if ((await firstRun.describe()).status.name !== 'CONTINUED_AS_NEW') throw new Error('the first run did not continue as new');
    await save('certification-cycle-first-year-changes-only', firstRun);
    // One finished activity of each programme kind the year ran, as its own workflow's history.
    const { activities } = await env.client.workflow.getHandle(first.workflowId).query(cycleStateQuery);
    const done = new Map(activities.filter((a) => a.status === 'completed' && a.workflowId).map((a) => [a.kind, a.workflowId!]));
    for (const [kind, workflowId] of done) await save(`programme-${kebab(kind)}-completed`, env.client.workflow.getHandle(workflowId));
  });
  await env.teardown();
}

/**
 * A nonconformity whose first plan is rejected, then closed in round 2. On the dev server with no
 * effectiveness wait: Updates there are answered at once, which the time-skipping server's are not.
 */
async function recordOnDevServer(save: (name: string, handle: WorkflowHandle) => Promise<void>): Promise<void> {
  const env = await createDevServerEnv();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'record',
    workflowsPath: require.resolve('../../workflows'),
    activities: recordingActivities().activities,
  });
  await worker.runUntil(async () => {
    const t0 = Date.now();
    const policy = { ...DEFAULT_CORRECTIVE_ACTION_POLICY, effectivenessWaitDays: 0 };
    const nc = await env.client.workflow.start(correctiveAction, { args: [ncInput('NC-2026-0042', t0, { policy })], taskQueue: 'record', workflowId: 'nc:NC-2026-0042' });
    const day = (d: number) => new Date(t0 + d * DAY_MS).toISOString().slice(0, 10);
    const complete = async (taskId: string, data: FormData) => {
      const handle = env.client.workflow.getHandle(`task:${taskId}`);
      for (let i = 0; ; i++) {
        try {
          await handle.executeUpdate(completeTaskUpdate, { args: [{ outcome: 'done', completedBy: 'someone@example.com', via: 'api', data }] });
          return;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError) || i > 400) throw err;
          await new Promise((r) => setTimeout(r, 25)); // the task is not started yet
        }
      }
    };
    const plan = { actions: [{ description: 'JML workflow', owner: 'it@example.com', due: day(60) }] };
    await complete('nc20260042corr', { correction: 'Contained', correctedOn: day(0) });
    await complete('nc20260042rc1', GOOD_ROOT_CAUSE);
    await complete('nc20260042plan1', plan);
    await complete('nc20260042appr1', { decision: 'reject', reason: 'Does not cover SaaS' });
    await complete('nc20260042rc2', GOOD_ROOT_CAUSE);
    await complete('nc20260042plan2', plan);
    await complete('nc20260042appr2', { decision: 'approve' });
    await complete('nc20260042a2n1', { done: 'Done', evidence: ['https://e.example.com/1'] });
    await complete('nc20260042eff2', { effective: 'yes', method: 'Sample', evidence: ['https://e.example.com/2'] });
    await complete('nc20260042isms1', { summary: 'Policy 2.1' });
    await complete('nc20260042close1', { decision: 'approve' });
    await nc.result();
    await save('corrective-action-rejected-then-closed', nc);

    // A personal-data breach: GDPR report submitted, a duplicate ticket event, resolved, reviewed, closed.
    const triage = { isIncident: true, category: 'data leak', severity: 'high' as const, personalData: true };
    const incident = await env.client.workflow.start(incidentResponse, { args: [incidentInput('REC-1', t0, { triage })], taskQueue: 'record', workflowId: 'incident:jira:REC-1' });
    await complete('jirarec1assess', assessment(true, false, false));
    await complete('jirarec1gdprauthorit1', { reference: 'DPA-1', evidence: ['https://dpa.example.com/receipt'] });
    for (const eventId of ['c1', 'c1']) await incident.signal(ticketEventSignal, { eventId, type: 'contained', at: new Date().toISOString() });
    await incident.signal(ticketEventSignal, { eventId: 'r1', type: 'resolved', at: new Date().toISOString() });
    await complete('jirarec1review1', { method: '5 Whys', rootCause: 'Public bucket policy', lessons: 'Block public buckets', controlFailed: 'no' });
    await complete('jirarec1close1', { decision: 'approve' });
    await incident.result();
    await save('incident-gdpr-breach-closed', incident);
  });
  await env.teardown();
}

/**
 * The rebuilt incidentResponse (issue 18) on the dev server: a DORA major incident whose triage
 * recorded a later awareness; initial, intermediate, an updated intermediate after recovery that
 * re-plans the final report's child, resolution, review, closure. Saves the incident and that child.
 */
async function recordIncidents(save: (name: string, handle: WorkflowHandle) => Promise<void>): Promise<void> {
  const env = await createDevServerEnv();
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'record', workflowsPath: require.resolve('../../workflows'), activities: recordingActivities().activities });
  await worker.runUntil(async () => {
    const t0 = Date.now();
    const complete = devServerCompleter(env);
    const awareAt = new Date(t0 + 60_000).toISOString();
    const triage = { isIncident: true, category: 'outage', severity: 'high' as const, personalData: false, financialEntity: true, criticalServicesAffected: true, doraThresholdsMet: 2, awareAt, awarenessReason: 'Monitoring had to confirm the outage' };
    const id = 'incident:jira:REC-2';
    const incident = await env.client.workflow.start(incidentResponse, { args: [incidentInput('REC-2', t0, { triage, timeZone: 'Europe/Berlin' })], taskQueue: 'record', workflowId: id });
    const sent = { reference: 'DORA-1', evidence: ['https://nca.example.com/receipt'] };
    await complete('jirarec2assess', assessment(false, false, true));
    await complete('jirarec2dorainitial1', sent);
    await complete('jirarec2doraintermed1', sent);
    for (let i = 0; !(await env.client.workflow.getHandle(`${id}/report:dora-final:1`).describe().catch(() => undefined)); i++) {
      if (i > 400) throw new Error('the final report never started');
      await new Promise((r) => setTimeout(r, 25));
    }
    await incident.signal(ticketEventSignal, { eventId: 'rec', type: 'recovered', at: new Date().toISOString() });
    await complete('jirarec2doraintermed2', { ...sent, reference: 'DORA-1-UPD' });
    await complete('jirarec2dorafinal1r2', sent);
    await incident.signal(ticketEventSignal, { eventId: 'r1', type: 'resolved', at: new Date().toISOString() });
    await complete('jirarec2review1', { method: '5 Whys', rootCause: 'Certificate expired unnoticed', lessons: 'Monitor certificate expiry', controlFailed: 'no' });
    await complete('jirarec2close1', { decision: 'approve' });
    await incident.result();
    await save('incident-dora-updated-intermediate-closed', incident);
    await save('regulatory-report-dora-final-replanned', env.client.workflow.getHandle(`${id}/report:dora-final:1`));
  });
  await env.teardown();
}

/** Completes a task by Update on the dev server, once its workflow has started. */
function devServerCompleter(env: Awaited<ReturnType<typeof createDevServerEnv>>) {
  return async (taskId: string, data: FormData) => {
    const handle = env.client.workflow.getHandle(`task:${taskId}`);
    for (let i = 0; ; i++) {
      try {
        await handle.executeUpdate(completeTaskUpdate, { args: [{ outcome: 'done', completedBy: 'someone@example.com', via: 'api', data }] });
        return;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError) || i > 400) throw err;
        await new Promise((r) => setTimeout(r, 25)); // the task is not started yet
      }
    }
  };
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
