import { CancellationScope, condition, isCancellation, setCurrentDetails, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import {
  HOUR_MS,
  incidentForms,
  submissionTime,
  REPORT_TITLES,
  type HumanTaskResult,
  type RegulatoryReportInput,
  type ReportOutcome,
  type ReportPlan,
  type Submission,
} from '../libs/domain/src';
import { reportPlanSignal, reportStateQuery, SearchAttr } from '../libs/temporal/src/definitions';
import { acts } from './activity-proxies';
import { branchSet, raceScoped } from './branches';
import { runHumanTask } from './human-task';
import { ticketTeller } from './incident-ticket';

/**
 * One report an incident owes an authority (or the data subjects): its clock, the report task
 * with reminders at fractions of its time, the record of a missed deadline, and for DORA the task
 * to announce a delay to the authority, with reasons, before the deadline passes (RTS 2025/301
 * Art. 5(3)). Its incident re-plans it by signal (a reclassification moves the deadline) or
 * withdraws it; it ends with the submission, which its incident adds to the facts.
 */
export async function regulatoryReport(input: RegulatoryReportInput): Promise<ReportOutcome> {
  const { report, incidentId } = input;
  let plan: ReportPlan = input.plan;
  let withdrawn: string | undefined;
  let waitingFor = '';
  const branches = branchSet();
  const tell = ticketTeller({ system: input.system, incidentId, add: branches.add, state: () => ({ ticketId: input.ticketId, report }) });
  const entry = (key: string, kind: string, actor: string, at: string, data: Record<string, unknown>) =>
    CancellationScope.nonCancellable(() => acts.recordIncidentEntry({ incidentId, entry: { key, kind, actor, at, data } }));
  const title = REPORT_TITLES[report];

  const publish = (what: string) => {
    waitingFor = what;
    upsertSearchAttributes([
      { key: SearchAttr.process, value: 'regulatoryReport' },
      { key: SearchAttr.ref, value: incidentId },
      { key: SearchAttr.status, value: report },
      { key: SearchAttr.owner, value: input.owner },
      { key: SearchAttr.dueAt, value: new Date(plan.dueAt) },
    ]);
    setCurrentDetails(`${incidentId}: ${what}`);
  };
  setHandler(reportStateQuery, () => ({ report, plan, waitingFor }));
  setHandler(reportPlanSignal, (p) => {
    if ('withdraw' in p) withdrawn = p.withdraw;
    else if (p.version > plan.version) plan = p;
  });

  const outcome = await Promise.race([branches.failed, runReport()]);
  await branches.settled();
  return outcome;

  async function runReport(): Promise<ReportOutcome> {
    for (;;) {
      if (withdrawn) {
        await entry(`withdrawn:${report}:${input.number}`, 'reportWithdrawn', 'ismsflow', new Date().toISOString(), { report, reason: withdrawn });
        return { report, withdrawn };
      }
      const current = plan;
      const submission = await raceScoped<Submission | undefined>([
        () => round(current),
        async () => {
          await condition(() => plan !== current || !!withdrawn);
          return undefined;
        },
      ]);
      if (!submission) continue;
      const { data, ...sub } = submission as Submission & { data?: Record<string, unknown> };
      await entry(`report:${report}:${input.number}`, 'reportSubmitted', sub.by ?? input.owner, sub.at, { report, basis: current.basis, ...sub, ...data });
      tell(`report:${report}:${input.number}`, 'reportSubmitted', { dueAt: current.dueAt, submittedAt: sub.at, late: sub.late });
      publish(`${title} submitted ${sub.at}`);
      return { report, submission: sub };
    }
  }

  /** One clock: the report task, and beside it the missed-deadline record and the delay announcement. */
  async function round(p: ReportPlan): Promise<Submission & { data?: Record<string, unknown> }> {
    const suffix = p.version > 1 ? `r${p.version}` : '';
    const span = Date.parse(p.dueAt) - Date.parse(p.startsAt);
    const hoursLeft = Math.max(0, (Date.parse(p.dueAt) - Math.max(Date.parse(p.startsAt), Date.now())) / HOUR_MS);
    const reminders = input.reminderFractions.map((f) => Math.round(hoursLeft * (1 - f) * 100) / 100).filter((h) => h > 0);
    publish(`waiting for the ${title} (due ${p.dueAt})`);
    tell(`clock:${report}:${input.number}:${p.dueAt}`, 'deadline', { dueAt: p.dueAt, basis: p.basis });

    const beside = new CancellationScope();
    const [result] = await Promise.all([
      (async () => {
        try {
          return await task(`${input.number}${suffix}`, {
            title: `submit the ${title} (due ${p.dueAt})`,
            instructions: `${p.basis}.\nSubmit it to the authority, then record the reference and a copy here. If it is late, say why.`,
            dueAt: p.dueAt,
            form: incidentForms.report(report, p.dueAt, p.startsAt),
            reminders,
          });
        } finally {
          beside.cancel();
        }
      })(),
      beside.run(() => Promise.all([missed(p), announce(p, span, suffix)])).catch((err: unknown) => {
        if (!isCancellation(err)) throw err;
      }),
    ]);
    const at = submissionTime(result);
    const reference = typeof result.data?.reference === 'string' ? result.data.reference : undefined;
    return { at, reference, by: result.completedBy ?? input.owner, dueAt: p.dueAt, late: Date.parse(at) > Date.parse(p.dueAt), data: result.data as Record<string, unknown> | undefined };
  }

  async function missed(p: ReportPlan): Promise<void> {
    await sleep(Math.max(0, Date.parse(p.dueAt) - Date.now()));
    publish(`the ${title} is overdue (was due ${p.dueAt})`);
    await entry(`missed:${report}:${p.dueAt}`, 'deadlineMissed', 'ismsflow', new Date().toISOString(), { report, dueAt: p.dueAt, basis: p.basis });
    tell(`missed:${report}:${p.dueAt}`, 'deadlineMissed', { dueAt: p.dueAt });
  }

  /** RTS 2025/301 Art. 5(3): a foreseen delay is told to the authority, with reasons, before the deadline. */
  async function announce(p: ReportPlan, span: number, suffix: string): Promise<void> {
    if (input.announceDelayAtFraction === undefined) return;
    const at = Date.parse(p.startsAt) + span * input.announceDelayAtFraction;
    if (Date.parse(p.dueAt) <= Date.now()) return; // too late to announce: the late report carries its reasons
    await sleep(Math.max(0, at - Date.now()));
    const r = await task(`${input.number}${suffix}delay`, {
      title: `if the ${title} will be late, tell the authority before ${p.dueAt}`,
      instructions:
        `The ${title} is due ${p.dueAt} and is not yet recorded as submitted. If it cannot be submitted in time, RTS 2025/301 Art. 5(3) requires ` +
        `telling the competent authority before the deadline, with the reasons for the delay. Record here what you told them. ` +
        `This task closes by itself when the report is recorded.`,
      dueAt: p.dueAt,
      form: incidentForms.announceDelay(report, p.dueAt),
      reminders: [],
    });
    await entry(`delay:${report}:${input.number}:${p.dueAt}`, 'delayAnnounced', r.completedBy ?? input.owner, r.completedAt ?? new Date().toISOString(), { report, dueAt: p.dueAt, ...r.data });
    tell(`delay:${report}:${input.number}:${p.dueAt}`, 'delayAnnounced', { dueAt: p.dueAt });
  }

  function task(key: string, t: { title: string; instructions: string; dueAt: string; form: ReturnType<(typeof incidentForms)['report']>; reminders: number[] }): Promise<HumanTaskResult> {
    return runHumanTask({
      taskId: `${input.taskPrefix}${key}`,
      title: `${input.ticketId}: ${t.title}`,
      instructions: `${t.instructions}\n\nIncident ${input.ticketId} (${input.system}): ${input.title}`,
      assignee: input.owner,
      dueAt: t.dueAt,
      escalateTo: input.escalateTo,
      externalRef: incidentId,
      process: 'incidentResponse',
      outcomes: ['done'],
      policy: { ...input.taskPolicy, remindBeforeDueHours: t.reminders, remindAtDue: true, escalateAfterDueHours: 0 },
      createdBy: `regulatoryReport ${incidentId} ${report}`,
      form: t.form,
    });
  }
}
