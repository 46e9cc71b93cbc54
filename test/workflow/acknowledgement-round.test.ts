import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ACK_BATCH_SIZE, addDays, DAY_MS, DEFAULT_REMINDER_POLICY, endOfDay, HOUR_MS, localDate, type ProgrammeActivityInput } from '../../libs/domain/src';
import { acknowledgementBatch, acknowledgementRound, policyReview } from '../../workflows';
import { ACK_BATCHES_PER_RUN } from '../../workflows/acknowledgement-round';
import { simulatedOwnersBundle } from '../support/cycle-driver';
import { ACME } from '../support/cycle-input';
import { recordingActivities } from '../support/fake-activities';
import { createTimeSkippingEnv } from '../support/temporal-env';

describe('policy acknowledgement rounds on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let simulatedOwners: string;
  beforeAll(async () => {
    simulatedOwners = await simulatedOwnersBundle();
  }, 120_000);
  // A fresh server per test: a round's batches outlive it, and their timers, with no worker left to
  // poll their queue, would stop the next test's time from moving.
  beforeEach(async () => {
    env = await createTimeSkippingEnv();
  });
  afterEach(() => env?.teardown());

  let n = 0;
  async function withWorker<T>(test: (ctx: { fake: ReturnType<typeof recordingActivities>; taskQueue: string; t0: number }) => Promise<T>): Promise<T> {
    const fake = recordingActivities(() => env.currentTimeMs());
    const taskQueue = `ack-${++n}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! }, activities: fake.activities });
    const t0 = await env.currentTimeMs();
    return worker.runUntil(test({ fake, taskQueue, t0 }));
  }

  it('a batch mails its people in chunks, reminds them three days before the due time, then tells their managers', () =>
    withWorker(async ({ fake, taskQueue, t0 }) => {
      // Two chunks per mailing: the first answers where the next begins.
      fake.answers.mailAcknowledgements = (args: { after: string }) => ({ next: args.after === '' ? 'm@acme.example' : null, sent: 50 });
      const dueAt = new Date(t0 + 10 * DAY_MS).toISOString();
      await env.client.workflow.execute(acknowledgementBatch, { args: [{ roundId: 'POL-01@2', batchKey: 'POL-01@2/1', dueAt }], taskQueue, workflowId: `ack:POL-01@2/1-${n}` });
      const mails = fake.callsOf('mailAcknowledgements').map((c) => [c.args.kind, c.args.after, Math.round((c.at - t0) / HOUR_MS)]);
      expect(mails).toEqual([
        ['request', '', 0],
        ['request', 'm@acme.example', 0],
        ['reminder', '', 7 * 24],
        ['reminder', 'm@acme.example', 7 * 24],
        ['overdue', '', 10 * 24],
        ['overdue', 'm@acme.example', 10 * 24],
      ]);
      const [escalation] = fake.callsOf('escalateAcknowledgements');
      expect(Math.round((escalation.at - t0) / HOUR_MS)).toBe(10 * 24);
      expect(escalation.args).toEqual({ roundId: 'POL-01@2', batchKey: 'POL-01@2/1' });
    }));

  it('a round asks 10,000 people in batches of child workflows, continues as new every 50 batches, then asks each morning who has joined', () =>
    withWorker(async ({ fake, taskQueue, t0 }) => {
      const people = 10_000;
      const firstBatches = Math.ceil(people / ACK_BATCH_SIZE);
      let opened = 0;
      fake.answers.openAcknowledgementBatch = () => {
        opened++;
        // The morning after everyone was asked: two new starters. The morning after: nobody new; then a new major version.
        const batch = opened <= firstBatches ? ACK_BATCH_SIZE : opened === firstBatches + 2 ? 2 : 0;
        return { people: batch, superseded: opened > firstBatches + 3 };
      };
      const dueAt = new Date(t0 + 14 * DAY_MS).toISOString();
      const workflowId = `ack:POL-02@3-${n}`;
      const handle = await env.client.workflow.start(acknowledgementRound, {
        args: [{ roundId: 'POL-02@3', documentId: 'POL-02', version: '3.0', dueAt, withinDays: 14, timeZone: 'Europe/Berlin' }],
        taskQueue,
        workflowId,
      });
      await handle.result();

      const calls = fake.callsOf('openAcknowledgementBatch');
      const keys = calls.map((c) => c.args.batchKey as string);
      // Every batch key once, except the empty tries of each morning, which the next batch reuses.
      expect([...new Set(keys)]).toEqual(Array.from({ length: firstBatches + 2 }, (_, i) => `POL-02@3/${i + 1}`));
      expect(calls.slice(0, firstBatches).every((c) => c.args.dueAt === dueAt)).toBe(true);
      // The new starters, asked the morning they are on staff (06:00 in Berlin), get the round's 14 days: to the end of the 14th day there.
      const joiners = calls[firstBatches + 1];
      expect(joiners.args.batchKey).toBe(`POL-02@3/${firstBatches + 1}`);
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(joiners.at)).toBe('06:00');
      expect(joiners.args.dueAt).toBe(endOfDay(addDays(localDate(joiners.at, 'Europe/Berlin'), 14), 'Europe/Berlin'));

      // 50 batches a run: the first run continued as new, and no run's history grows with the number of people.
      const first = await env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      const history = await env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId).fetchHistory();
      expect(history.events!.length).toBeLessThan(ACK_BATCHES_PER_RUN * 15);
      const children = history.events!.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
      expect(children).toHaveLength(ACK_BATCHES_PER_RUN);
    }));

  it('a policy review, once approved, records its versions in the documents register and starts the rounds it hands back', async () => {
    const fake = recordingActivities(() => env.currentTimeMs());
    const dueAt = new Date((await env.currentTimeMs()) + 30 * DAY_MS).toISOString();
    const round = { roundId: 'POL-03@4', documentId: 'POL-03', version: '4.0', dueAt, withinDays: 14, timeZone: ACME.timeZone };
    fake.answers.recordApprovedPolicies = () => ({ recorded: ['POL-03 4.0'], unchanged: [], skipped: [], rounds: [{ input: round, owner: 'isms@acme.example' }] });
    // The round itself is tested above: here it ends at once, so only the review's timers remain.
    fake.answers.openAcknowledgementBatch = () => ({ people: 0, superseded: true });
    const input: ProgrammeActivityInput = {
      cycleId: 'acme:review',
      activity: { id: 'policyReview-1', kind: 'policyReview', due: dueAt.slice(0, 10), forAudit: 'surveillance1' },
      dueAt,
      owner: 'policyreview@acme.example',
      organisation: ACME,
      taskPolicy: DEFAULT_REMINDER_POLICY,
    };
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'policy-review', workflowBundle: { code: simulatedOwners }, activities: fake.activities });
    const result = await worker.runUntil(async () => {
      const done = await env.client.workflow.execute(policyReview, { args: [input], taskQueue: 'policy-review', workflowId: 'acme:review/policyReview-1' });
      // The round is a process of its own: it outlives the review (ABANDON) and carries the input handed back.
      const started = await env.client.workflow.getHandle(`ack:${round.roundId}`).describe();
      expect(started.type).toBe('acknowledgementRound');
      await env.client.workflow.getHandle(`ack:${round.roundId}`).result();
      return done;
    });
    const [call] = fake.callsOf('recordApprovedPolicies');
    // The people who did the review and the approval, as their tasks recorded them, and every row of the form.
    expect(call.args).toMatchObject({ reviewer: 'policyreview@acme.example', approver: ACME.topManagement[0], policies: [{ policy: expect.any(String), version: expect.any(String), nextReview: expect.any(String) }] });
    expect(result.summary).toMatch(/1 new version\(s\) in the documents register/);
  }, 120_000);
});
