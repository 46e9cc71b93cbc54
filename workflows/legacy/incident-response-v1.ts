import {
  ActivityFailure,
  CancellationScope,
  condition,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { IncidentProgress } from '../../activities/incidents';
import {
  DAY_MS,
  HOUR_MS,
  incidentPolicy,
  incidentForms,
  NOTE_EVENTS,
  INCIDENT_WAITING_FOR,
  triageFromForm,
  triageIndications,
  REPORT_OWNER,
  type HumanTaskResult,
  type IncidentInput,
  type IncidentSeverity,
  type IncidentStep,
  type IncidentView,
  type ReportKind,
  type TicketEvent,
} from '../../libs/domain/src';
import {
  legacyNextDeadline as nextDeadline,
  legacyRegulatoryDeadlines as regulatoryDeadlines,
  type LegacyRegulatoryFacts as RegulatoryFacts,
} from '../../libs/domain/src/regulatory-v1';
import { incidentStateQuery, SearchAttr, ticketEventSignal } from '../../libs/temporal/src/definitions';
import { acts, outbound } from '../activity-proxies';
import { startProcess } from '../start-process';
import { processStarts } from '../../libs/temporal/src/processes';
import { branchSet } from '../branches';
import { runHumanTask } from '../human-task';


/**
 * FROZEN: incidentResponse as it ran before the rebuild around regulatoryReport children (issue 18).
 * Incidents started before it replay and finish on this code; new ones take the rebuilt path
 * (workflows/incident-response.ts). Delete it once none of those is running.
 *
 * An incident from report to closure, beside the ticket that the service desk keeps working in:
 * triage, regulatory assessment, one durable clock per report owed (GDPR, NIS2, DORA), handling
 * that follows the ticket's events, a post-incident review that raises a nonconformity where a
 * control failed, and closure once every report is in.
 */
export async function incidentResponseV1(input: IncidentInput): Promise<IncidentView> {
  const id = input.incidentId;
  const policy = incidentPolicy(input);
  const slug = id.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 40);
  let step: IncidentStep = 'triage';
  let handling = 'reported';
  let severity: IncidentSeverity | undefined = input.triage?.severity;
  let ncNumber: string | undefined;
  let finished = false;
  let openReports = 0;
  let assessing = 0;
  let indications = '';
  let assessments = 1;
  const tells: Promise<void>[] = [];
  const branches = branchSet(); // work not awaited where it starts: the first to fail fails the incident
  const facts: RegulatoryFacts = { awareAt: input.awareAt, submitted: {} };
  let factsVersion = 0;
  const seenEvents = new Set<string>();
  const queue: TicketEvent[] = [];
  const now = () => new Date().toISOString();

  const deadlines = () => regulatoryDeadlines(facts, now());
  const regimes = () => (['gdpr', 'nis2', 'dora'] as const).filter((r) => facts[r]?.applies);
  const view = (): IncidentView => ({
    incidentId: id,
    step,
    handling,
    severity,
    regimes: regimes(),
    deadlines: deadlines() as unknown as IncidentView['deadlines'],
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
    await acts.recordIncidentProgress({ incidentId: id, step, handling, severity, regimes: regimes(), nextDeadlineAt: nextDeadline(deadlines())?.dueAt ?? null, deadlines: deadlines() as unknown as IncidentProgress['deadlines'], ...extra });
  };
  /**
   * Tells the ticket, without holding up the process: a ticketing system that stays down gets a
   * dead letter, never a stuck incident. The workflow waits for every call before it ends.
   */
  const tell = (key: string, event: string, data: Record<string, unknown> = {}) => {
    const payload = { incidentId: id, ticketId: input.ticketId, event, step, handling, severity, regimes: regimes(), nextDeadline: nextDeadline(deadlines())?.dueAt ?? null, at: now(), ...data };
    const call = outbound.notifyTicket({ system: input.system, key: `${id}:${key}`, payload }).then(() => undefined, async (err: unknown) => {
      if (!(err instanceof ActivityFailure)) throw err;
      await acts.recordDeadLetter({ system: input.system, key: `${id}:${key}`, payload, error: err.cause?.message ?? err.message });
    });
    tells.push(call);
  };
  const entry = (key: string, kind: string, actor: string, at: string, data: Record<string, unknown>) => progress({ entry: { key, kind, actor, at, data } });
  const task = (key: string, t: { title: string; instructions: string; assignee: string; dueAt: string; form: ReturnType<(typeof incidentForms)['triage']>; escalateTo?: string; reminders?: number[] }) =>
    runHumanTask({
      taskId: `${slug}${key}`,
      title: `${input.ticketId}: ${t.title}`,
      instructions: `${t.instructions}\n\nIncident ${input.ticketId} (${input.system}): ${input.title}\n${input.description}`,
      assignee: t.assignee,
      dueAt: t.dueAt,
      escalateTo: t.escalateTo ?? input.ismsManager,
      externalRef: id,
      process: 'incidentResponse',
      outcomes: ['done'],
      policy: t.reminders ? { ...input.taskPolicy, remindBeforeDueHours: t.reminders, remindAtDue: true, escalateAfterDueHours: 0 } : input.taskPolicy,
      createdBy: `incidentResponse ${id}`,
      form: t.form,
    });
  const answer = (r: HumanTaskResult, field: string) => (typeof r.data?.[field] === 'string' ? (r.data[field]) : '');

  setHandler(incidentStateQuery, view);
  setHandler(ticketEventSignal, (e) => {
    if (seenEvents.has(e.eventId)) return;
    seenEvents.add(e.eventId);
    queue.push(e);
  });

  publish();
  const events = followTicket();
  const clocks = runClocks();
  try {
    await Promise.race([run(), branches.failed]);
  } finally {
    finished = true;
  }
  await Promise.race([Promise.all([events, clocks]), branches.failed]);
  await Promise.race([Promise.all(tells), branches.failed]);
  return view();

  async function run(): Promise<void> {
    await entry('reported', 'reported', input.reportedBy, input.reportedAt, { detectedAt: input.detectedAt, awareAt: input.awareAt, affectedAssets: input.affectedAssets });
    const triage = input.triage ?? (await triageTask());
    severity = triage.severity;
    if (!triage.isIncident) {
      step = 'notAnIncident';
      await entry('not-an-incident', 'closed', input.handler, now(), { reason: 'triaged as an event, not an incident' });
      tell('closed', 'closed');
      return;
    }
    await entry('triaged', 'triage', input.handler, now(), { ...triage });
    indications = triageIndications(triage);

    step = 'assessment';
    await progress();
    tell('assessment', 'step');
    await assess(1);

    step = 'handling';
    await progress();
    tell('handling', 'step');
    for (let round = 1; ; round++) {
      await condition(() => handling === 'resolved');
      step = 'review';
      await progress();
      tell(`review-${round}`, 'step');
      const review = await untilReopened(() =>
        task(`review${round}`, {
          title: 'post-incident review: root cause and lessons learned',
          instructions: 'Find the root cause, record the lessons learned, and say whether a control failed: a failed control raises a nonconformity.',
          assignee: input.handler,
          dueAt: new Date(Date.now() + policy.reviewDays * DAY_MS).toISOString(),
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
      await condition(() => openReports === 0 && assessing === 0);
      step = 'closureApproval';
      await progress();
      const closure = await untilReopened(() =>
        task(`close${round}`, {
          title: 'approve closing the incident',
          instructions: 'Handling, reporting and the post-incident review are done: approve closing the incident.',
          assignee: input.ciso,
          dueAt: new Date(Date.now() + policy.closureDays * DAY_MS).toISOString(),
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

  /**
   * The regulatory assessment; again when the ticket says the incident was reclassified. Every
   * clock is re-planned from the new facts; DORA keeps the time it was first classified as major.
   */
  async function assess(round: number, why?: string): Promise<void> {
    assessing++;
    try {
      const r = await task(round === 1 ? 'assess' : `assess${round}`, {
        title: `regulatory assessment (GDPR, NIS2, DORA)${round > 1 ? `, again (${round})` : ''}`,
        instructions: `Decide, each with its rationale, whether GDPR, NIS2 and DORA reporting applies. Their clocks count from awareness (${input.awareAt}).${indications}${why ? `\n\nReassess because: ${why}` : ''}`,
        assignee: input.ciso,
        dueAt: new Date(Math.max(Date.parse(input.awareAt) + policy.assessmentHours * HOUR_MS, Date.now() + 4 * HOUR_MS)).toISOString(),
        form: incidentForms.assessment(),
        reminders: [6, 2],
      });
      const yes = (f: string) => answer(r, f) === 'yes';
      facts.gdpr = { applies: yes('gdpr'), highRiskToPeople: yes('gdprHighRisk'), subjectsTargetHours: policy.gdprSubjectsTargetHours };
      facts.nis2 = { applies: yes('nis2'), trustServiceProvider: yes('nis2TrustService') };
      facts.dora = { applies: yes('dora'), classifiedMajorAt: yes('dora') ? (facts.dora?.classifiedMajorAt ?? r.completedAt) : undefined };
      factsVersion++;
      await entry(round === 1 ? 'assessment' : `assessment-${round}`, 'regulatoryAssessment', r.completedBy ?? input.ciso, r.completedAt ?? now(), { ...r.data });
    } finally {
      assessing--;
    }
  }

  async function triageTask() {
    const r = await task('triage', {
      title: 'triage: event or incident, category, severity',
      instructions: 'Decide whether this is an information security incident or only an event, its category and severity, and whether personal data is involved.',
      assignee: input.handler,
      dueAt: new Date(Date.parse(input.reportedAt) + policy.triageHours * HOUR_MS).toISOString(),
      form: incidentForms.triage(),
      reminders: [2, 1],
    });
    return triageFromForm(r.data);
  }

  /** Runs a task, cancelling it if the ticket is reopened meanwhile (undefined then). */
  async function untilReopened(work: () => Promise<HumanTaskResult>): Promise<HumanTaskResult | undefined> {
    const scope = new CancellationScope();
    branches.add(condition(() => handling !== 'resolved').then(() => scope.cancel()));
    try {
      return await scope.run(work);
    } catch (err) {
      if (isCancellation(err) && handling !== 'resolved') return undefined;
      throw err;
    }
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
    });
    ncNumber = nc.ncNumber;
    // The NC lives on its own: closing the incident must not end its corrective action. (Started through
    // the one start policy, also here: old incidents too must never start an NC's process twice.)
    if (nc.start) await startProcess(processStarts.correctiveAction(nc.start));
    await entry('nonconformity', 'nonconformityRaised', review.completedBy ?? input.handler, now(), { ncNumber: nc.ncNumber });
    tell('nonconformity', 'nonconformityRaised', { ncNumber: nc.ncNumber });
  }

  /** Applies the ticket's events in order: handling status, severity, evidence, comments. */
  async function followTicket(): Promise<void> {
    for (;;) {
      await condition(() => queue.length > 0 || finished);
      const e = queue.shift();
      if (!e) return;
      if (e.type === 'severity' && e.severity) severity = e.severity;
      if (e.type === 'reclassified' && step !== 'triage' && step !== 'assessment') {
        branches.add(assess(++assessments, e.comment ?? `reclassified in the ticket${e.severity ? ` as ${e.severity}` : ''}`));
      }
      if (!NOTE_EVENTS.includes(e.type)) handling = e.type;
      if (e.type === 'resolved') facts.resolvedAt = e.at;
      if (e.type === 'reopened') facts.resolvedAt = undefined;
      factsVersion++;
      await entry(`event:${e.eventId}`, `ticket:${e.type}`, e.by ?? input.system, e.at, { ...e });
    }
  }

  /**
   * One report task per report owed, started when its clock starts. A deadline that moves
   * (reclassification, a later submission upstream) cancels the task and starts it anew; a
   * deadline that passes unmet is recorded and told to the ticket.
   */
  async function runClocks(): Promise<void> {
    const running = new Map<ReportKind, { dueAt: string; scope: CancellationScope; version: number }>();
    const versions: Partial<Record<ReportKind, number>> = {};
    let seen = -1;
    for (;;) {
      const all = deadlines();
      for (const d of all) {
        const current = running.get(d.report);
        if (d.submittedAt || !d.dueAt) {
          if (current && !d.submittedAt) current.scope.cancel();
          continue;
        }
        if (current?.dueAt === d.dueAt) continue;
        current?.scope.cancel();
        const version = (versions[d.report] = (versions[d.report] ?? 0) + 1);
        const scope = new CancellationScope();
        running.set(d.report, { dueAt: d.dueAt, scope, version });
        openReports++;
        branches.add(
          scope
            .run(() => reportTask(d.report, d.dueAt!, d.startsAt ?? now(), d.basis, version))
            .catch((err) => {
              if (!isCancellation(err)) throw err;
            })
            .finally(() => {
              openReports--;
              if (running.get(d.report)?.version === version) running.delete(d.report);
            }),
        );
      }
      seen = factsVersion;
      const next = all.filter((d) => d.dueAt && !d.submittedAt).map((d) => Date.parse(d.dueAt!)).filter((t) => t > Date.now()).sort((a, b) => a - b)[0];
      const wake = () => factsVersion !== seen || (finished && openReports === 0);
      if (next) await condition(wake, next - Date.now() + 1000);
      else await condition(wake);
      if (finished && openReports === 0) return;
      publish();
    }
  }

  async function reportTask(report: ReportKind, dueAt: string, startsAt: string, basis: string, version: number): Promise<void> {
    const owner = REPORT_OWNER[report] === 'dpo' ? input.dpo : input.ciso;
    const hoursLeft = Math.max(0, (Date.parse(dueAt) - Math.max(Date.parse(startsAt), Date.now())) / HOUR_MS);
    const reminders = policy.reportReminderFractions.map((f) => Math.round(hoursLeft * (1 - f) * 100) / 100).filter((h) => h > 0);
    let submitted = false;
    const missed = (async () => {
      if (await condition(() => submitted, Math.max(0, Date.parse(dueAt) - Date.now()))) return;
      await entry(`missed:${report}:${dueAt}`, 'deadlineMissed', 'ismsflow', now(), { report, dueAt, basis });
      tell(`missed:${report}:${dueAt}`, 'deadlineMissed', { report, dueAt });
    })();
    tell(`clock:${report}:${dueAt}`, 'deadline', { report, dueAt, basis });
    const result = await task(`${report.replace(/[^a-z]/g, '').slice(0, 12)}${version}`, {
      title: `submit the ${LEGACY_REPORT_TITLES[report]} (due ${dueAt})`,
      instructions: `${basis}.\nSubmit it to the authority, then record the reference and a copy here. If it is late, say why.`,
      assignee: owner,
      dueAt,
      form: incidentForms.report(report, dueAt),
      reminders,
    });
    submitted = true;
    facts.submitted[report] = result.completedAt ?? now();
    factsVersion++;
    await missed;
    await entry(`report:${report}`, 'reportSubmitted', result.completedBy ?? owner, facts.submitted[report], { report, dueAt, basis, ...result.data });
    tell(`report:${report}`, 'reportSubmitted', { report, dueAt, submittedAt: facts.submitted[report] });
  }
}

const LEGACY_REPORT_TITLES: Record<ReportKind, string> = {
  'gdpr-authority': 'GDPR breach notification to the supervisory authority',
  'gdpr-subjects': 'GDPR communication to the data subjects',
  'nis2-early-warning': 'NIS2 early warning',
  'nis2-notification': 'NIS2 incident notification',
  'nis2-progress': 'NIS2 progress report',
  'nis2-final': 'NIS2 final report',
  'dora-initial': 'DORA initial notification',
  'dora-intermediate': 'DORA intermediate report',
  'dora-final': 'DORA final report',
};
