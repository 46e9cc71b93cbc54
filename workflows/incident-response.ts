import { allHandlersFinished, condition, continueAsNew, patched, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { IncidentProgress } from '../activities/incidents';
import {
  addDaysInZone,
  HOUR_MS,
  incidentAtStart,
  incidentForms,
  incidentPolicy,
  INCIDENT_WAITING_FOR,
  ticketEventProblem,
  NOTE_EVENTS,
  nextDeadline,
  owedDeadlines,
  regulatoryDeadlines,
  triageFromForm,
  triageIndications,
  type HumanTaskResult,
  type IncidentCarried,
  type IncidentInput,
  type IncidentView,
  type TicketEvent,
  type Triage,
} from '../libs/domain/src';
import { incidentStateQuery, SearchAttr, ticketEventSignal } from '../libs/temporal/src/definitions';
import { processStarts } from '../libs/temporal/src/processes';
import { acts } from './activity-proxies';
import { answer, now, taskSlug } from './process-kit';
import { branchSet, raceScoped } from './branches';
import { runHumanTask } from './human-task';
import { reportChildren } from './incident-reports';
import { ticketTeller } from './incident-ticket';
import { incidentResponseV1 } from './legacy/incident-response-v1';
import { startProcess } from './start-process';

/** Incidents started before this change keep running the code they started on. */
export const REPORT_CHILDREN_PATCH = 'incident-report-children';

/**
 * An incident from report to closure, beside the ticket that the service desk keeps working in:
 * triage (with a later awareness if an investigation was needed), regulatory assessment, one
 * regulatoryReport child per report owed (GDPR, NIS2, DORA) re-planned as the facts change,
 * handling that follows the ticket's events, a post-incident review that raises a nonconformity
 * where a control failed, and closure once every report is in. A long incident continues as new
 * at a quiet moment, carrying its state.
 */
export async function incidentResponse(input: IncidentInput): Promise<IncidentView> {
  if (!input.carried && !patched(REPORT_CHILDREN_PATCH)) return incidentResponseV1(input);

  const id = input.incidentId;
  const policy = incidentPolicy(input);
  const slug = taskSlug(id);
  const carried: IncidentCarried = input.carried ?? incidentAtStart(input);
  let { step, handling, severity, ncNumber } = carried;
  const { facts, awareness, reportsStarted } = carried;
  let { assessments, indications, reviewRounds } = carried;
  const seenEvents = new Set(carried.seenEvents);
  /** Ticket events refused on receipt (why), recorded in turn (keyed by run: a continued run counts anew). */
  const refused: string[] = [];
  let refusedCount = 0;
  const queue: TicketEvent[] = [...(carried.pending ?? [])];
  const reassessments: string[] = [];
  let factsVersion = 0;
  let assessing = 0;
  let finished = false;
  let continuing = false;
  const changed = () => {
    factsVersion++;
  };

  const branches = branchSet();
  const deadlines = () => regulatoryDeadlines(facts, now());
  const regimes = () => (['gdpr', 'nis2', 'dora'] as const).filter((r) => facts[r]?.applies);
  const view = (): IncidentView => ({
    incidentId: id,
    step,
    handling,
    severity,
    regimes: regimes(),
    awareness,
    timeZone: facts.timeZone,
    deadlines: deadlines(),
    nextDeadline: nextDeadline(deadlines())?.dueAt,
    ncNumber,
    waitingFor: INCIDENT_WAITING_FOR[step],
  });
  const publish = () => {
    const next = nextDeadline(deadlines());
    upsertSearchAttributes([
      { key: SearchAttr.process, value: 'incidentResponse' },
      { key: SearchAttr.ref, value: id },
      { key: SearchAttr.status, value: step },
      { key: SearchAttr.owner, value: input.handler },
      ...(severity ? [{ key: SearchAttr.severity, value: severity }] : []),
      { key: SearchAttr.regimes, value: regimes() },
      ...(next?.dueAt ? [{ key: SearchAttr.dueAt, value: new Date(next.dueAt) }] : []),
    ]);
    const regs = regimes();
    setCurrentDetails(
      `${id} (${severity ?? 'untriaged'}, ${handling}): waiting for ${INCIDENT_WAITING_FOR[step]}` +
        (regs.length ? `; reporting under ${regs.join(', ').toUpperCase()}` : '') +
        (next?.dueAt ? `; next deadline ${next.report} ${next.dueAt}${next.state === 'missed' ? ' (MISSED)' : ''}` : ''),
    );
  };
  const progress = async (extra: Partial<IncidentProgress> = {}) => {
    publish();
    await acts.recordIncidentProgress({ incidentId: id, step, handling, severity, regimes: regimes(), nextDeadlineAt: nextDeadline(deadlines())?.dueAt ?? null, deadlines: deadlines(), ...extra });
  };
  const state = () => ({ ticketId: input.ticketId, step, handling, severity, regimes: regimes(), nextDeadline: nextDeadline(deadlines())?.dueAt ?? null });
  const tell = ticketTeller({ system: input.system, incidentId: id, add: branches.add, state });
  const entry = (key: string, kind: string, actor: string, at: string, data: Record<string, unknown>) => progress({ entry: { key, kind, actor, at, data } });
  const task = (key: string, t: { title: string; instructions: string; assignee: string; dueAt: string; form: ReturnType<(typeof incidentForms)['triage']>; reminders?: number[] }) =>
    runHumanTask({
      taskId: `${slug}${key}`,
      title: `${input.ticketId}: ${t.title}`,
      instructions: `${t.instructions}\n\nIncident ${input.ticketId} (${input.system}): ${input.title}\n${input.description}`,
      assignee: t.assignee,
      dueAt: t.dueAt,
      escalateTo: input.ismsManager,
      externalRef: id,
      process: 'incidentResponse',
      outcomes: ['done'],
      policy: t.reminders ? { ...input.taskPolicy, remindBeforeDueHours: t.reminders, remindAtDue: true, escalateAfterDueHours: 0 } : input.taskPolicy,
      createdBy: `incidentResponse ${id}`,
      form: t.form,
    });
  const reports = reportChildren({
    input,
    policy,
    slug,
    deadlines,
    factsVersion: () => factsVersion,
    finished: () => finished,
    started: reportsStarted,
    branches,
    ended: async (outcome) => {
      if (outcome.submission) (facts.submissions[outcome.report] ??= []).push(outcome.submission);
      changed();
      await progress();
    },
    deadlinePassed: () => progress(),
  });

  setHandler(incidentStateQuery, view);
  setHandler(ticketEventSignal, (e) => {
    // A signal has no validator: an event the records would refuse is set aside here, never applied.
    const problem = ticketEventProblem(e);
    if (problem) {
      refused.push(problem);
      return;
    }
    if (seenEvents.has(e.eventId)) return;
    seenEvents.add(e.eventId);
    queue.push(e);
  });

  publish();
  await Promise.race([
    branches.failed,
    Promise.all([
      (async () => {
        try {
          await run();
        } finally {
          finished = true;
        }
      })(),
      followTicket(),
      reassess(),
      reports.plan(),
    ]),
  ]);
  await branches.settled();
  if (continuing) {
    await condition(allHandlersFinished);
    const next: IncidentCarried = {
      ...{ step, handling, severity, ncNumber, facts, awareness, assessments, reviewRounds, indications, reportsStarted },
      seenEvents: [...seenEvents],
      pending: queue,
      runs: carried.runs + 1,
    };
    return continueAsNew<typeof incidentResponse>({ ...input, carried: next });
  }
  return view();

  async function run(): Promise<void> {
    if (!input.carried) {
      await entry('reported', 'reported', input.reporterUnverified ? input.recordedBy! : input.reportedBy, input.reportedAt, { detectedAt: input.detectedAt, awareAt: input.awareAt, affectedAssets: input.affectedAssets, timeZone: facts.timeZone, reportedBy: input.reportedBy, ...(input.recordedBy ? { recordedBy: input.recordedBy } : {}) });
      const triage = input.triage ?? (await triageTask());
      severity = triage.severity;
      if (!triage.isIncident) {
        step = 'notAnIncident';
        await entry('not-an-incident', 'closed', input.handler, now(), { reason: 'triaged as an event, not an incident' });
        tell('closed', 'closed');
        return;
      }
      recordAwareness(triage);
      await entry('triaged', 'triage', input.handler, now(), { ...triage });
      if (triage.awareAt) await progress({ awareness: { recorded: awareness.recorded, reason: awareness.reason } });
      indications = triageIndications(triage);

      step = 'assessment';
      await progress();
      tell('assessment', 'step');
      await assess(1);
      step = 'handling';
      await progress();
      tell('handling', 'step');
    }
    for (;;) {
      await condition(() => handling === 'resolved' || quietAndLong());
      if (handling !== 'resolved') {
        continuing = true;
        return;
      }
      const round = ++reviewRounds;
      step = 'review';
      await progress();
      tell(`review-${round}`, 'step');
      const review = await untilReopened(() =>
        task(`review${round}`, {
          title: 'post-incident review: root cause and lessons learned',
          instructions: 'Find the root cause, record the lessons learned, and say whether a control failed: a failed control raises a nonconformity.',
          assignee: input.handler,
          dueAt: addDaysInZone(now(), policy.reviewDays, facts.timeZone),
          form: incidentForms.review(),
        }),
      );
      if (!review) {
        step = 'handling';
        await progress();
        continue;
      }
      await entry(`review-${round}`, 'review', review.completedBy ?? input.handler, review.completedAt ?? now(), { ...review.data });
      if (answer(review, 'controlFailed') === 'yes' && !ncNumber) await raiseNonconformity(review);

      // Closure waits for every report still owed to a regulator, and any reassessment under way.
      const closable = () => owedDeadlines(deadlines()).length === 0 && reports.running() === 0 && assessing === 0 && reassessments.length === 0;
      if (!closable() && patched('incident-reporting-step')) {
        step = 'reporting';
        await progress();
      }
      await condition(closable);
      step = 'closureApproval';
      await progress();
      const closure = await untilReopened(() =>
        task(`close${round}`, {
          title: 'approve closing the incident',
          instructions: 'Handling, reporting and the post-incident review are done: approve closing the incident.',
          assignee: input.ciso,
          dueAt: addDaysInZone(now(), policy.closureDays, facts.timeZone),
          form: incidentForms.closure(),
        }),
      );
      if (!closure) {
        step = 'handling';
        await progress();
        continue;
      }
      await entry(`closure-${round}`, 'closureApproval', closure.completedBy ?? input.ciso, closure.completedAt ?? now(), { ...closure.data });
      if (answer(closure, 'decision') === 'approve') {
        step = 'closed';
        await progress({ closed: { at: closure.completedAt ?? now(), by: closure.completedBy ?? input.ciso } });
        tell('closed', 'closed');
        return;
      }
      step = 'handling';
      handling = 'resolved';
    }
  }

  /** A long incident continues as new while it waits for the ticket and nothing else is under way. */
  function quietAndLong(): boolean {
    const info = workflowInfo();
    const long = info.continueAsNewSuggested || info.historyLength >= policy.continueAsNewAfterEvents;
    return long && queue.length === 0 && assessing === 0 && reassessments.length === 0 && reports.running() === 0;
  }

  /** DOMAIN.md 4, "Counting time": a later awareness from triage, with its reason; the clocks count from it. */
  function recordAwareness(triage: Triage): void {
    if (!triage.awareAt || Date.parse(triage.awareAt) <= Date.parse(awareness.fromTicket)) return;
    awareness.recorded = new Date(triage.awareAt).toISOString();
    awareness.reason = triage.awarenessReason;
    facts.awareAt = awareness.recorded;
    changed();
  }

  /**
   * The regulatory assessment; again when the ticket says the incident was reclassified. The
   * report children are re-planned from the new facts; DORA keeps the time it was first
   * classified as major.
   */
  async function assess(n: number, why?: string): Promise<void> {
    assessing++;
    try {
      const r = await task(n === 1 ? 'assess' : `assess${n}`, {
        title: `regulatory assessment (GDPR, NIS2, DORA)${n > 1 ? `, again (${n})` : ''}`,
        instructions: `Decide, each with its rationale, whether GDPR, NIS2 and DORA reporting applies. Their clocks count from awareness (${facts.awareAt}).${indications}${why ? `\n\nReassess because: ${why}` : ''}`,
        assignee: input.ciso,
        dueAt: new Date(Math.max(Date.parse(facts.awareAt) + policy.assessmentHours * HOUR_MS, Date.now() + 4 * HOUR_MS)).toISOString(),
        form: incidentForms.assessment(),
        reminders: [6, 2],
      });
      const yes = (f: string) => answer(r, f) === 'yes';
      facts.gdpr = { applies: yes('gdpr'), highRiskToPeople: yes('gdprHighRisk'), subjectsTargetHours: policy.gdprSubjectsTargetHours };
      facts.nis2 = { applies: yes('nis2'), trustServiceProvider: yes('nis2TrustService') };
      facts.dora = { applies: yes('dora'), classifiedMajorAt: yes('dora') ? (facts.dora?.classifiedMajorAt ?? r.completedAt) : undefined, updateTargetHours: policy.doraUpdateTargetHours, relief: input.doraRelief };
      changed();
      await entry(n === 1 ? 'assessment' : `assessment-${n}`, 'regulatoryAssessment', r.completedBy ?? input.ciso, r.completedAt ?? now(), { ...r.data });
    } finally {
      assessing--;
    }
  }

  /** Reassessments asked for by the ticket, one after the other. */
  async function reassess(): Promise<void> {
    for (;;) {
      await condition(() => reassessments.length > 0 || finished);
      const why = reassessments.shift();
      if (why === undefined) return;
      await assess(++assessments, why);
    }
  }

  async function triageTask(): Promise<Triage> {
    const r = await task('triage', {
      title: 'triage: event or incident, category, severity',
      instructions: 'Decide whether this is an information security incident or only an event, its category and severity, and whether personal data is involved.',
      assignee: input.handler,
      dueAt: new Date(Date.parse(input.reportedAt) + policy.triageHours * HOUR_MS).toISOString(),
      form: incidentForms.triage(input.awareAt),
      reminders: [2, 1],
    });
    return triageFromForm(r.data);
  }

  /** Runs a task, cancelling it if the ticket is reopened meanwhile (undefined then). */
  function untilReopened(work: () => Promise<HumanTaskResult>): Promise<HumanTaskResult | undefined> {
    return raceScoped<HumanTaskResult | undefined>([
      work,
      async () => {
        await condition(() => handling !== 'resolved');
        return undefined;
      },
    ]);
  }

  async function raiseNonconformity(review: HumanTaskResult) {
    const nc = await acts.raiseNonconformity({
      source: 'incident',
      sourceRef: id,
      requirement: answer(review, 'failedControl'),
      description: `Control failure found in the review of incident ${input.ticketId} (${input.title}): ${answer(review, 'rootCause')}`,
      classification: 'minor',
      owner: input.handler,
      raisedBy: `incidentResponse ${id}`,
      // The incident's calendar (its organisation's zone), for the NC's due days too.
      ...(input.timeZone ? { timeZone: input.timeZone } : {}),
    });
    ncNumber = nc.ncNumber;
    // The NC lives on its own: closing the incident must not end its corrective action.
    if (nc.start) await startProcess(processStarts.correctiveAction(nc.start));
    await entry('nonconformity', 'nonconformityRaised', review.completedBy ?? input.handler, now(), { ncNumber: nc.ncNumber });
    tell('nonconformity', 'nonconformityRaised', { ncNumber: nc.ncNumber });
  }

  /**
   * Applies the ticket's events in order: handling status, severity, evidence, comments. Recovery
   * and a changed severity are material status changes (DORA asks for an updated intermediate).
   */
  async function followTicket(): Promise<void> {
    for (;;) {
      await condition(() => queue.length > 0 || refused.length > 0 || finished);
      if (continuing) return; // what is left in the queue goes into the next run
      const problem = refused.shift();
      if (problem !== undefined) {
        // Recorded without the data itself, which is what the records could not take.
        await entry(`refused:${workflowInfo().runId}:${++refusedCount}`, 'ticket:refused', input.system, now(), { reason: problem });
        continue;
      }
      const e = queue.shift();
      if (!e) return;
      if (e.type === 'severity' && e.severity && e.severity !== severity) {
        severity = e.severity;
        (facts.statusChanges ??= []).push({ at: e.at, what: `severity now ${e.severity}` });
      }
      if (e.type === 'reclassified' && step !== 'triage' && step !== 'assessment') {
        reassessments.push(e.comment ?? `reclassified in the ticket${e.severity ? ` as ${e.severity}` : ''}`);
      }
      if ((e.type === 'recovered' || e.type === 'resolved') && !(facts.statusChanges ?? []).some((c) => c.what === 'regular activities recovered')) {
        (facts.statusChanges ??= []).push({ at: e.at, what: 'regular activities recovered' });
      }
      if (!NOTE_EVENTS.includes(e.type)) handling = e.type;
      if (e.type === 'resolved') facts.resolvedAt = e.at;
      if (e.type === 'reopened') facts.resolvedAt = undefined;
      changed();
      await entry(`event:${e.eventId}`, `ticket:${e.type}`, e.by ?? input.system, e.at, { ...e });
    }
  }
}
