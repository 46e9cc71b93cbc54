import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { addDays, localDate, zonedInstant, type AuditResultReport, type CalendarDate, type CycleInput, type CycleView } from '../../libs/domain/src';
import { cycleStateQuery, recordAuditResultUpdate, workflowIds } from '../../libs/temporal/src/definitions';
import type { certificationCycle } from '../../workflows';
import { quietLogger } from './bundle';
import { accepted } from './temporal-env';

/** The production workflows with simulated owners (test/workflow/simulated-owners.ts), bundled once per file. */
export async function simulatedOwnersBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflow/simulated-owners'), logger: quietLogger });
  return code;
}

/** Drives a cycle on the time-skipping server the way its users would, in simulated time. */
export function cycleDriver(env: TestWorkflowEnvironment, input: CycleInput) {
  const tz = input.organisation.timeZone;
  const handle = (cycleId = input.cycleId): WorkflowHandle<typeof certificationCycle> => env.client.workflow.getHandle(workflowIds.cycle(cycleId));
  const today = async () => localDate(await env.currentTimeMs(), tz);
  const state = (cycleId?: string) => handle(cycleId).query(cycleStateQuery);

  /** Lets simulated time run to `hour` o'clock (local) on `date`. */
  async function until(date: CalendarDate, hour = 12): Promise<void> {
    const target = Date.parse(zonedInstant(date, hour, 0, tz));
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  }

  /** Waits (in real time) until the cycle's state satisfies `done`. */
  async function reaches(done: (v: CycleView) => boolean, what: string, cycleId?: string): Promise<CycleView> {
    let last: CycleView | undefined;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      last = await state(cycleId).catch(() => undefined);
      if (last && done(last)) return last;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the cycle never reached: ${what}; it is waiting for ${last?.waitingFor}`);
  }

  let updates = 0;
  /** Sends an Update (see human-task.timers.test.ts for why a simulated second passes), then waits for its effect. */
  async function update<A>(def: UpdateDefinition<CycleView, [A]>, arg: A, effect: (v: CycleView) => boolean, what: string): Promise<CycleView> {
    const updateId = `${def.name}-${++updates}`;
    await accepted(env, () => handle().startUpdate(def, { args: [arg], updateId, waitForStage: WorkflowUpdateStage.ACCEPTED }));
    return reaches(effect, what);
  }

  /** The body audits on the planned day; its result is recorded the day after. */
  async function auditHeld(findings: AuditResultReport['findings'] = []): Promise<CycleView> {
    const { nextAudit } = await state();
    const audit = nextAudit!;
    await until(addDays(audit.date, 1));
    const issuesCertificate = audit.kind === 'recertification' || audit.kind === 'stage2';
    const report: AuditResultReport = {
      kind: audit.kind,
      date: audit.date,
      auditors: ['lead.auditor@cert.example'],
      recommended: true,
      findings,
      ...(issuesCertificate ? { certificateDecision: await today() } : {}),
      recordedBy: input.organisation.ismsManager,
    };
    return update(recordAuditResultUpdate, report, (v) => v.audits.some((a) => a.kind === audit.kind && a.status === 'done'), `${audit.kind} recorded`);
  }

  return { handle, state, today, until, reaches, update, auditHeld };
}
