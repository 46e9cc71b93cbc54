import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DAY_MS, DEFAULT_REMINDER_POLICY, localDate, type FormData, type ProgrammeActivityInput } from '../../libs/domain/src';
import { internalAudit } from '../../workflows';
import { ACME } from '../support/cycle-input';
import { recordingActivities } from '../support/fake-activities';
import { completeTaskNow, createTimeSkippingEnv } from '../support/temporal-env';

/** An internal audit (9.2) as its owner and auditor complete it, on the time-skipping server. */
describe('an internal audit on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(() => env?.teardown());

  it('sends its opportunities for improvement to the improvements register and its nonconformities to corrective action', async () => {
    const fake = recordingActivities(() => env.currentTimeMs());
    const t0 = await env.currentTimeMs();
    const today = localDate(t0, ACME.timeZone);
    const dueAt = new Date(t0 + 30 * DAY_MS).toISOString();
    const input: ProgrammeActivityInput = {
      cycleId: 'acme:audit',
      activity: { id: 'internalAudit-1', kind: 'internalAudit', due: dueAt.slice(0, 10), forAudit: 'surveillance1' },
      dueAt,
      owner: ACME.ismsManager,
      organisation: ACME,
      auditScope: ['Access control'],
      taskPolicy: DEFAULT_REMINDER_POLICY,
    };
    const auditor = 'auditor@acme.example';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'audit', workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! }, activities: fake.activities });
    const result = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(internalAudit, { args: [input], taskQueue: 'audit', workflowId: 'acme:audit/internalAudit-1' });
      /** The person completes the `n`th task the audit opened, with this form. */
      const complete = async (n: number, by: string, data: FormData) => {
        for (let i = 0; i < 400 && fake.callsOf('openTask').length < n; i++) await new Promise((r) => setTimeout(r, 25));
        const { taskId } = fake.callsOf('openTask')[n - 1].args;
        await completeTaskNow(env, taskId, { outcome: 'done', completedBy: by, via: 'api', data });
      };
      await complete(1, ACME.ismsManager, { scope: 'Access control', criteria: 'ISO/IEC 27001:2022', auditor, impartial: 'yes', plannedOn: today });
      await complete(2, auditor, {
        auditedOn: today,
        summary: 'Access control is largely effective.',
        findings: [
          { type: 'ofi', requirement: 'A.5.17', description: 'Passkeys would end password reuse' },
          { type: 'minor', requirement: 'A.5.18', description: 'Two leavers kept VPN access for a week' },
        ],
        evidence: ['https://evidence.acme.example/audit-2026'],
      });
      return handle.result();
    });

    // The OFI is an improvement owned by the ISMS manager, raised by the auditor, once per finding.
    expect(fake.callsOf('raiseImprovement').map((c) => c.args)).toEqual([
      { title: 'A.5.17: Passkeys would end password reuse', description: 'Passkeys would end password reuse', source: 'internalAudit', sourceRef: 'acme:audit/internalAudit-1/1', owner: ACME.ismsManager, raisedBy: auditor },
    ]);
    // The minor finding is a nonconformity, as before; the OFI is not.
    expect(fake.callsOf('raiseNonconformity').map((c) => [c.args.sourceRef, c.args.classification])).toEqual([['acme:audit/internalAudit-1/2', 'minor']]);
    expect(result.record.improvements).toEqual([expect.stringMatching(/^OFI-2099-/)]);
    expect(result.summary).toMatch(/2 finding\(s\), NC-2099-\d+, OFI-2099-\d+/);
  });
});
