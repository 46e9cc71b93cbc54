import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  cycleSave,
  addDays,
  certificateExpiry,
  changeActivities,
  cycleAudits,
  cycleReadiness,
  cycleView,
  DAY_MS,
  daysBetween,
  findingDeadlines,
  initialCycleState,
  internalAuditScope,
  isCalendarDate,
  localDate,
  nextAudit,
  planActivities,
  readinessText,
  TITLES,
  zonedInstant,
  type AuditBooking,
  type AuditEntry,
  type AuditResultReport,
  type ChangeReport,
  type CycleActivity,
  type CycleInput,
  type CycleState,
  type CycleView,
  type ExternalAuditKind,
  type FieldError,
} from '../libs/domain/src';
import {
  bookAuditUpdate,
  cycleStateQuery,
  programmeActivityDoneSignal,
  recordAuditResultUpdate,
  SearchAttr,
  significantChangeUpdate,
} from '../libs/temporal/src/definitions';
import { processStarts } from '../libs/temporal/src/processes';
import { acts } from './activity-proxies';
import { startProcess } from './start-process';

/** Programme tasks go out at this local hour on their start day; reminders about audit results an hour later. */
const START_HOUR = 8;
const REMINDER_HOUR = 9;

const invalid = (field: string, message: string) => ApplicationFailure.nonRetryable(message, 'InvalidInput', { field, message } satisfies FieldError);

/**
 * One certification cycle (DOMAIN.md sections 1 and 2): the external audits planned from the
 * decision date (and re-planned when the body books them), and before each one a programme of
 * activities spread across the year, each started as its own child workflow a few weeks before it
 * is due. A readiness report goes to the ISMS manager before each audit; the audit's findings
 * start corrective actions with the body's deadlines; at recertification the next cycle starts.
 * The workflow continues as new after each external audit (once a year), carrying its state.
 */
export async function certificationCycle(input: CycleInput, carried?: CycleState): Promise<CycleView> {
  const tz = input.organisation.timeZone;
  const today = () => localDate(Date.now(), tz);
  const state: CycleState = carried ?? initialCycleState(input);
  const target = () => nextAudit(cycleAudits(input, state));
  /** This run prepares for one external audit; once it is done the run continues as new. */
  const preparingFor = target()?.kind;
  let changed = false;
  let waitingFor = 'planning';
  /** Reminders about a missing audit result sent by this run (the outbox also sends each key once). */
  const reminded = new Set<string>();
  const view = () => cycleView(input, state, waitingFor);

  const publish = () => {
    const next = target();
    upsertSearchAttributes([
      { key: SearchAttr.process, value: 'certificationCycle' },
      { key: SearchAttr.ref, value: input.cycleId },
      { key: SearchAttr.status, value: state.status },
      { key: SearchAttr.owner, value: input.organisation.ismsManager },
      ...(next ? [{ key: SearchAttr.dueAt, value: new Date(zonedInstant(next.date, 0, 0, tz)) }] : []),
    ]);
    setCurrentDetails(`${input.organisation.name}: ${state.status === 'running' ? `waiting for ${waitingFor}` : state.status}`);
  };
  /** Saves one at a time, each writing the state as it is when it runs (the last write is the newest), with only the activities that changed. */
  let saving: Promise<void> = Promise.resolve();
  const sent = new Map<string, string>();
  const save = () => {
    publish();
    saving = saving.then(async () => {
      const { save: changes, written } = cycleSave(view(), sent);
      await acts.saveCycle(changes);
      written();
    });
    return saving;
  };
  const mail = (key: string, subject: string, text: string, to = [input.organisation.ismsManager]) =>
    acts.notifyCycle({ cycleId: input.cycleId, key, to, subject: `${input.organisation.name}: ${subject}`, text });

  setHandler(cycleStateQuery, view);
  setHandler(programmeActivityDoneSignal, ({ activityId, completedOn, summary }) => {
    const a = state.activities.find((x) => x.id === activityId);
    if (!a || a.status === 'completed') return;
    Object.assign(a, { status: 'completed', completedOn, summary });
    changed = true;
  });
  setHandler(
    bookAuditUpdate,
    async (req) => {
      state.booked[req.kind] = req.date;
      state.activities = planActivities(input, state);
      changed = true;
      await save();
      return view();
    },
    {
      validator: (req: AuditBooking) => {
        const audit = openAudit(req.kind);
        if (!audit) throw invalid('kind', `The ${req.kind} audit is not one this cycle still waits for`);
        if (!isCalendarDate(req.date)) throw invalid('date', 'date must be a date (YYYY-MM-DD)');
        if (req.date < today()) throw invalid('date', 'date must not be in the past');
      },
    },
  );
  setHandler(
    recordAuditResultUpdate,
    async ({ kind, ...result }) => {
      state.results[kind] = { ...result, findings: result.findings.map((f) => ({ ...f })), recordedAt: new Date().toISOString() };
      if (kind === 'stage2' && result.recommended) state.decisionDate = result.certificateDecision;
      state.activities = planActivities(input, state);
      changed = true;
      await raiseFindings(kind);
      if (kind === 'recertification' || (kind === 'stage2' && !result.recommended)) await endCycle(kind);
      else if (!result.recommended) {
        await mail(`not-recommended-${kind}`, `the ${TITLES[kind].toLowerCase()} did not recommend the certificate`, `The certification body did not recommend maintaining the certificate after the ${TITLES[kind].toLowerCase()} of ${result.date}. Close the major nonconformities and agree the next steps with the body.`, [input.organisation.ismsManager, ...input.organisation.topManagement]);
      }
      await save();
      return view();
    },
    {
      validator: ({ kind, ...result }: AuditResultReport) => {
        const next = target();
        if (!next || next.kind !== kind) throw invalid('kind', next ? `The cycle waits for the result of the ${next.kind} audit, not ${kind}` : 'The cycle has no audit left');
        if (!isCalendarDate(result.date)) throw invalid('date', 'date must be a date (YYYY-MM-DD)');
        if (result.certificateDecision !== undefined && !isCalendarDate(result.certificateDecision)) throw invalid('certificateDecision', 'certificateDecision must be a date (YYYY-MM-DD)');
        if (result.date > today()) throw invalid('date', 'date must not be in the future');
        const issuesCertificate = kind === 'stage2' || kind === 'recertification';
        if (issuesCertificate && result.recommended && !result.certificateDecision) throw invalid('certificateDecision', `certificateDecision is required: the ${kind} audit leads to a certification decision`);
        if (!issuesCertificate && result.certificateDecision) throw invalid('certificateDecision', `a ${kind} audit issues no certificate`);
        if (result.certificateDecision && result.certificateDecision < result.date) throw invalid('certificateDecision', 'certificateDecision must not be before the audit');
      },
    },
  );
  setHandler(
    significantChangeUpdate,
    async (req) => {
      const change = { number: state.changes.length + 1, ...req, recordedOn: today() };
      state.changes.push(change);
      const added = changeActivities(change, input, target()!.kind, today());
      state.activities.push(...added);
      for (const a of added) await start(a);
      await save();
      return view();
    },
    {
      validator: (req: ChangeReport) => {
        if (state.status !== 'running' || !target()) throw invalid('cycle', `The cycle is ${state.status}`);
        if (req.landsOn !== undefined && !isCalendarDate(req.landsOn)) throw invalid('landsOn', 'landsOn must be a date (YYYY-MM-DD)');
        if (req.landsOn && req.landsOn < today()) throw invalid('landsOn', 'landsOn must not be in the past: assess the risks of a change before it lands');
      },
    },
  );

  try {
    await save();
    let timerFired = false;
    while (state.status === 'running') {
      const audit = target();
      if (!audit || (timerFired && timeToContinue())) break;
      for (const a of state.activities) if (a.status === 'planned' && Date.now() >= startsAt(a)) await start(a);
      await remindAboutResult(audit);
      waitingFor = describe(audit);
      if (changed) {
        changed = false;
        await save();
      }
      timerFired = !(await condition(() => changed, Math.max(1000, nextWake(audit) - Date.now())));
    }
    await condition(allHandlersFinished);
    await saving;
    if (state.status === 'running') return await continueAsNew<typeof certificationCycle>(input, state);
    waitingFor = 'nothing';
    await save();
    return view();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      state.status = 'cancelled';
      await save();
    });
    throw err;
  }

  /**
   * After each external audit (and when the history grows large) the run continues as new, at a
   * quiet moment when no programme activity is open, so none reports to a closed run; after 30
   * days it goes anyway. It is always a timer's workflow task, never one that completes an Update.
   * (Both keep the time-skipping test server working: its timers stop for children of a run that
   * continued as new, temporalio/sdk-java#1540, and it fails a task that completes an Update and
   * continues as new together.)
   */
  function timeToContinue(): boolean {
    const audited = preparingFor !== undefined && target()?.kind !== preparingFor;
    if (!audited && !workflowInfo().continueAsNewSuggested) return false;
    const quiet = !state.activities.some((a) => a.status === 'open' && a.kind !== 'readinessCheck');
    const recordedAt = preparingFor ? state.results[preparingFor]?.recordedAt : undefined;
    const waitedLong = recordedAt !== undefined && Date.now() - Date.parse(recordedAt) > 30 * DAY_MS;
    return quiet || waitedLong || workflowInfo().historyLength > 40_000;
  }

  function openAudit(kind: ExternalAuditKind): AuditEntry | undefined {
    return cycleAudits(input, state).find((a) => a.kind === kind && (a.status === 'planned' || a.status === 'booked'));
  }

  function startsAt(a: CycleActivity): number {
    return Date.parse(zonedInstant(a.startOn, START_HOUR, 0, tz));
  }

  /** The next moment something is due: an activity's start, or the next reminder about a missing result. */
  function nextWake(audit: AuditEntry): number {
    const starts = state.activities.filter((a) => a.status === 'planned').map(startsAt);
    const every = input.cadences.auditResultReminderDays;
    const reminder = Date.parse(zonedInstant(addDays(audit.date, (Math.floor(Math.max(0, daysBetween(audit.date, today())) / every) + 1) * every), REMINDER_HOUR, 0, tz));
    const auditDay = audit.date >= today() ? [Date.parse(zonedInstant(addDays(audit.date, 1), 0, 0, tz))] : [];
    return Math.min(reminder, ...auditDay, ...starts);
  }

  function describe(audit: AuditEntry): string {
    if (audit.date < today()) return `the result of the ${TITLES[audit.kind].toLowerCase()} of ${audit.date}`;
    const open = state.activities.filter((a) => a.status === 'open').length;
    return `the ${TITLES[audit.kind].toLowerCase()} on ${audit.date} (${open} programme activit${open === 1 ? 'y' : 'ies'} open)`;
  }

  /** Starts an activity: a child workflow, or for the readiness check the report itself. */
  async function start(a: CycleActivity): Promise<void> {
    a.status = 'open';
    changed = true;
    if (a.kind === 'readinessCheck') return readinessReport(a);
    const kind = a.kind;
    const audits = state.activities.filter((x) => x.kind === 'internalAudit' && x.change === undefined);
    const start = processStarts.programmeActivity(
      kind,
      {
        cycleId: input.cycleId,
        activity: { id: a.id, kind, due: a.due, forAudit: a.forAudit, change: a.change },
        dueAt: zonedInstant(a.due, 23, 59, tz),
        owner: a.owner,
        organisation: input.organisation,
        auditScope: kind === 'internalAudit' ? internalAuditScope(input.auditAreas, Math.max(0, audits.indexOf(a)), audits.length) : undefined,
        change: state.changes.find((c) => c.number === a.change),
        taskPolicy: input.taskPolicy,
      },
      TITLES[kind],
    );
    a.workflowId = start.workflowId;
    // Started before a crash or a continue-as-new lost the fact: it runs (or ran) already, which is what we want.
    await startProcess(start);
  }

  async function readinessReport(a: CycleActivity): Promise<void> {
    const audit = cycleAudits(input, state).find((x) => x.kind === a.forAudit)!;
    const r = cycleReadiness(state, audit, today());
    await mail(`readiness-${a.forAudit}`, `readiness for the ${TITLES[audit.kind].toLowerCase()} on ${audit.date}`, readinessText(input.organisation.name, audit, r));
    Object.assign(a, {
      status: 'completed',
      completedOn: today(),
      summary: `${r.done.length} done, ${r.open.length} open, ${r.overdue.length} overdue${r.bunched ? ', evidence bunched' : ''}`,
    });
  }

  /** After the audit date, the ISMS manager is reminded every few days until its result is recorded. */
  async function remindAboutResult(audit: AuditEntry): Promise<void> {
    const n = Math.floor(daysBetween(audit.date, today()) / input.cadences.auditResultReminderDays);
    const key = `result-${audit.kind}-${n}`;
    if (n < 1 || reminded.has(key)) return;
    reminded.add(key);
    await mail(
      key,
      `record the result of the ${TITLES[audit.kind].toLowerCase()}`,
      `The ${TITLES[audit.kind].toLowerCase()} was planned for ${audit.date}. Record its result and findings (POST /certification-cycles/${input.cycleId}/audits/${audit.kind}/result): the cycle plans the next year from it, and its nonconformities need corrective actions within the certification body's deadlines.`,
    );
  }

  /** Each major and minor finding becomes a nonconformity with the body's deadlines and its own correctiveAction. */
  async function raiseFindings(kind: ExternalAuditKind): Promise<void> {
    const result = state.results[kind]!;
    const following = target();
    const expiry = state.decisionDate ? certificateExpiry(state.decisionDate, input.validFrom) : undefined;
    for (const [i, f] of result.findings.entries()) {
      const deadlines = findingDeadlines(f.type, result.date, input.organisation.certificationBody, { auditDate: following?.date, expiry, timeZone: tz });
      if (!deadlines) continue;
      const nc = await acts.raiseNonconformity({
        source: 'externalAudit',
        sourceRef: `${input.cycleId}/${kind}/${i + 1}`,
        requirement: f.requirement,
        description: f.description,
        classification: f.type,
        owner: input.organisation.ismsManager,
        ismsManager: input.organisation.ismsManager,
        raisedBy: result.recordedBy,
        deadlines,
        timeZone: tz,
      });
      f.ncNumber = nc.ncNumber;
      if (nc.start) await startProcess(processStarts.correctiveAction(nc.start));
    }
  }

  /** Recertified: the next cycle starts from the new decision, its certificate continuing from the old expiry. */
  async function endCycle(kind: ExternalAuditKind): Promise<void> {
    const result = state.results[kind]!;
    if (!result.recommended || !result.certificateDecision) {
      state.status = 'lapsed';
      await mail('lapsed', 'certification not granted', `The ${TITLES[kind].toLowerCase()} of ${result.date} did not lead to a certificate. The cycle has ended; start a new one when the body has decided.`, [
        input.organisation.ismsManager,
        ...input.organisation.topManagement,
      ]);
      return;
    }
    const decision = result.certificateDecision;
    const expiry = certificateExpiry(state.decisionDate!, input.validFrom);
    const nextId = `${input.organisation.id}:${decision}`;
    const next: CycleInput = { ...input, cycleId: nextId, decisionDate: decision, firstCertification: undefined, validFrom: decision <= expiry ? expiry : undefined, startedOn: today() };
    await startProcess(processStarts.cycle(next));
    state.status = 'recertified';
    state.nextCycleId = nextId;
    await mail('recertified', 'recertified: the next cycle has started', `Recertified on ${decision}. The next certification cycle (${nextId}) has started and planned its first year.`);
  }
}
