import { condition, startChild, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import {
  owedDeadlines,
  REPORT_OWNER,
  REPORT_TITLES,
  reportWorkflowId,
  type IncidentInput,
  type IncidentPolicy,
  type RegulatoryDeadline,
  type ReportKind,
  type ReportOutcome,
  type ReportPlan,
} from '../libs/domain/src';
import { reportPlanSignal, SearchAttr } from '../libs/temporal/src/definitions';
import type { branchSet } from './branches';
import { regulatoryReport } from './regulatory-report';

interface Child {
  n: number;
  handle: ChildWorkflowHandle<typeof regulatoryReport>;
  plan: ReportPlan;
  withdrawn: boolean;
}

/**
 * The incident's side of its reports: one regulatoryReport child per report owed, started when
 * its clock starts, re-planned by signal when its deadline moves, withdrawn when the facts no
 * longer call for it; a new child (the next number) when a report is owed again, e.g. an updated
 * intermediate. Each child's end is one branch of the incident, so a failed child fails it.
 */
export function reportChildren(ctx: {
  input: IncidentInput;
  policy: IncidentPolicy;
  slug: string;
  deadlines: () => RegulatoryDeadline[];
  /** Bumped whenever a fact the clocks follow changes. */
  factsVersion: () => number;
  finished: () => boolean;
  /** Children started so far per report (carried across continue-as-new). */
  started: Partial<Record<ReportKind, number>>;
  branches: ReturnType<typeof branchSet>;
  ended: (outcome: ReportOutcome) => Promise<void>;
  deadlinePassed: () => Promise<void>;
}) {
  const children = new Map<ReportKind, Child>();
  let endings = 0;

  /** Runs until the incident is finished and every child has ended. */
  async function plan(): Promise<void> {
    for (;;) {
      const seen = [ctx.factsVersion(), endings];
      const owed = new Map(owedDeadlines(ctx.deadlines()).map((d) => [d.report, d]));
      for (const [report, child] of children) {
        if (owed.has(report) || child.withdrawn) continue;
        child.withdrawn = true;
        await signal(child, { withdraw: 'the incident was reassessed: this report is no longer owed' });
      }
      for (const d of owed.values()) {
        const child = children.get(d.report);
        const next = { dueAt: d.dueAt!, startsAt: d.startsAt ?? new Date().toISOString(), basis: d.basis };
        if (!child) await start(d.report, next);
        else if (!child.withdrawn && (child.plan.dueAt !== next.dueAt || child.plan.startsAt !== next.startsAt)) {
          child.plan = { ...next, version: child.plan.version + 1 };
          await signal(child, child.plan);
        }
      }
      const wake = () => ctx.factsVersion() !== seen[0] || endings !== seen[1] || (ctx.finished() && children.size === 0);
      // Wake when a deadline passes too: the incident's record and search attributes then show it missed.
      const upcoming = [...owed.values()].map((d) => Date.parse(d.dueAt!)).filter((t) => t > Date.now()).sort((a, b) => a - b)[0];
      if (upcoming === undefined) await condition(wake);
      else if (!(await condition(wake, upcoming - Date.now() + 1000))) await ctx.deadlinePassed();
      if (ctx.finished() && children.size === 0) return;
    }
  }

  async function start(report: ReportKind, next: Omit<ReportPlan, 'version'>): Promise<void> {
    const n = (ctx.started[report] = (ctx.started[report] ?? 0) + 1);
    const { input } = ctx;
    const plan = { ...next, version: 1 };
    const owner = REPORT_OWNER[report] === 'dpo' ? input.dpo : input.ciso;
    const handle = await startChild(regulatoryReport, {
      workflowId: reportWorkflowId(workflowInfo().workflowId, report, n),
      args: [
        {
          incidentId: input.incidentId,
          system: input.system,
          ticketId: input.ticketId,
          title: input.title,
          report,
          number: n,
          taskPrefix: `${ctx.slug}${report.replace(/[^a-z]/g, '').slice(0, 12)}`,
          owner,
          escalateTo: input.ismsManager,
          taskPolicy: input.taskPolicy,
          reminderFractions: ctx.policy.reportReminderFractions,
          announceDelayAtFraction: report.startsWith('dora-') ? ctx.policy.announceDelayAtFraction : undefined,
          plan,
        },
      ],
      parentClosePolicy: 'REQUEST_CANCEL',
      staticSummary: `${REPORT_TITLES[report]} for incident ${input.ticketId} (${input.system})`,
      typedSearchAttributes: [
        { key: SearchAttr.process, value: 'regulatoryReport' },
        { key: SearchAttr.ref, value: input.incidentId },
        { key: SearchAttr.status, value: report },
        { key: SearchAttr.owner, value: owner },
        { key: SearchAttr.dueAt, value: new Date(plan.dueAt) },
      ],
    });
    children.set(report, { n, handle, plan, withdrawn: false });
    ctx.branches.add(
      (async () => {
        const outcome = await handle.result();
        if (children.get(report)?.n === n) children.delete(report);
        endings++;
        await ctx.ended(outcome);
      })(),
    );
  }

  /** A child may have just ended (its result is on its way): a signal it can no longer take changes nothing. */
  async function signal(child: Child, what: ReportPlan | { withdraw: string }): Promise<void> {
    await child.handle.signal(reportPlanSignal, what).catch(() => undefined);
  }

  return { plan, running: () => children.size };
}
