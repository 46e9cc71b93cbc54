/**
 * A certification cycle as the certificationCycle workflow runs it: its input, its state (which
 * it carries across continue-as-new), and the pure rules that turn the two into a dated plan of
 * external audits and programme activities (DOMAIN.md sections 1 and 2). The workflow, the API
 * and the tests share these functions, so the plan a user sees is the plan the workflow follows.
 */
import {
  certificateExpiry,
  DEFAULT_CYCLE_RULES,
  DEFAULT_PROGRAMME_RULES,
  plannedAudits,
  planProgramme,
  readiness,
  workingDayOnOrBefore,
  type ActivityKind,
  type ActivityStatus,
  type CycleRules,
  type ExternalAudit,
  type ExternalAuditKind,
  type PlannedActivity,
  type ProgrammeRules,
  type Readiness,
} from './certification';
import { addDays, endOfDay, type CalendarDate } from './time';
import type { BodyDeadlines, NcClassification } from './nonconformity';
import type { TaskReminderPolicy } from './tasks';

/** The programme activities; each runs as its own child workflow of the same name. */
export const PROGRAMME_KINDS = [
  'internalAudit',
  'managementReview',
  'riskAssessment',
  'policyReview',
  'trainingCampaign',
  'supplierReview',
  'accessReview',
  'kpiMeasurement',
] as const;
export type ProgrammeKind = (typeof PROGRAMME_KINDS)[number];

/** How often, and how far ahead: every interval DOMAIN.md leaves to the organisation. */
export interface Cadences {
  internalAuditsPerYear: number;
  accessReviewsPerYear: number;
  kpiMeasurementsPerYear: number;
  /** The readiness report this many days before each external audit. */
  readinessDays: number;
  /** Nothing but the readiness check in this many days before an external audit. */
  quietDays: number;
  reviewAfterAuditDays: number;
  recertificationLeadMonths: number;
  surveillanceLeadDays: number;
  /** A heavy activity's tasks go out this many days before it is due; routine ones `routineLeadDays`. */
  heavyLeadDays: number;
  routineLeadDays: number;
  /** After an external audit's date, the ISMS manager is reminded this often to record its result. */
  auditResultReminderDays: number;
}

export const DEFAULT_CADENCES: Cadences = {
  internalAuditsPerYear: DEFAULT_PROGRAMME_RULES.internalAuditsPerYear,
  accessReviewsPerYear: DEFAULT_PROGRAMME_RULES.accessReviewsPerYear,
  kpiMeasurementsPerYear: DEFAULT_PROGRAMME_RULES.kpiMeasurementsPerYear,
  readinessDays: DEFAULT_PROGRAMME_RULES.readinessDays,
  quietDays: DEFAULT_PROGRAMME_RULES.quietDays,
  reviewAfterAuditDays: DEFAULT_PROGRAMME_RULES.reviewAfterAuditDays,
  recertificationLeadMonths: DEFAULT_CYCLE_RULES.recertificationLeadMonths,
  surveillanceLeadDays: DEFAULT_CYCLE_RULES.surveillanceLeadDays,
  heavyLeadDays: 21,
  routineLeadDays: 7,
  auditResultReminderDays: 7,
};

/** Every internal audit covers the management system; the Annex A themes are shared out so the cycle covers all of them. */
export const DEFAULT_AUDIT_AREAS = [
  'ISMS clauses 4 to 10',
  'A.5 organisational controls',
  'A.6 people controls',
  'A.7 physical controls',
  'A.8 technological controls',
];

export interface CycleOrganisation {
  id: string;
  name: string;
  scope: string;
  ismsManager: string;
  topManagement: string[];
  timeZone: string;
  workingDays: number[];
  certificationBody: { name: string; planDueDays: number; majorCloseDays: number; minorCloseBy: 'nextAudit' | 'days'; minorCloseDays?: number };
}

export interface CycleInput {
  /** `<organisation>:<decision date>`, or `<organisation>:initial` for a first certification. */
  cycleId: string;
  organisation: CycleOrganisation;
  /** The certification decision; for a first certification it arrives with the stage 2 result. */
  decisionDate?: CalendarDate;
  firstCertification?: { stage1: CalendarDate; stage2: CalendarDate };
  /** A certificate renewed in time continues from the old expiry. */
  validFrom?: CalendarDate;
  /** The day ismsflow took the cycle over: activities and audits before it are not tracked. */
  startedOn: CalendarDate;
  cadences: Cadences;
  owners: Record<ProgrammeKind, string>;
  /** The audit areas the internal audits share out across the cycle (the first is in every audit). */
  auditAreas: string[];
  taskPolicy: TaskReminderPolicy;
}

export interface AuditFinding {
  type: NcClassification;
  requirement: string;
  description: string;
  /** Set by the cycle: the nonconformity it raised (major and minor only). */
  ncNumber?: string;
}

export interface AuditResult {
  /** The last day of the audit. */
  date: CalendarDate;
  auditors: string[];
  recommended: boolean;
  findings: AuditFinding[];
  /** A new certificate's decision (stage 2 and recertification). */
  certificateDecision?: CalendarDate;
  report?: string;
  recordedBy: string;
  recordedAt: string;
}

export type AuditStatus = 'planned' | 'booked' | 'done' | 'notTracked';
export interface AuditEntry extends ExternalAudit {
  status: AuditStatus;
  result?: AuditResult;
}

export interface CycleActivity extends PlannedActivity {
  status: ActivityStatus['status'];
  /** The day its tasks go out. */
  startOn: CalendarDate;
  owner: string;
  workflowId?: string;
  completedOn?: CalendarDate;
  summary?: string;
  /** The significant change that asked for it (not part of the yearly programme). */
  change?: number;
}

export const CHANGE_KINDS = ['newSystem', 'reorganisation', 'newRegulation', 'newSupplier', 'other'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface SignificantChange {
  number: number;
  kind: ChangeKind;
  description: string;
  /** When the change lands: the risk assessment is due before it. */
  landsOn?: CalendarDate;
  policyReview: boolean;
  recordedBy: string;
  recordedOn: CalendarDate;
}

/** What the API sends the cycle. */
export interface AuditBooking {
  kind: ExternalAuditKind;
  date: CalendarDate;
  by: string;
}
export type AuditResultReport = { kind: ExternalAuditKind } & Omit<AuditResult, 'recordedAt'>;
export type ChangeReport = Omit<SignificantChange, 'number' | 'recordedOn'>;

export type CycleStatus = 'running' | 'recertified' | 'lapsed' | 'cancelled';

/** What the workflow carries across continue-as-new: everything else is computed from it. */
export interface CycleState {
  decisionDate?: CalendarDate;
  booked: Partial<Record<ExternalAuditKind, CalendarDate>>;
  results: Partial<Record<ExternalAuditKind, AuditResult>>;
  activities: CycleActivity[];
  changes: SignificantChange[];
  status: CycleStatus;
  nextCycleId?: string;
}

export interface CycleView {
  cycleId: string;
  workflowId: string;
  organisation: { id: string; name: string; timeZone: string };
  decisionDate?: CalendarDate;
  expiry?: CalendarDate;
  status: CycleStatus;
  audits: AuditEntry[];
  nextAudit?: AuditEntry;
  activities: CycleActivity[];
  changes: SignificantChange[];
  nextCycleId?: string;
  waitingFor: string;
}

/** What a programme activity's child workflow starts with. */
export interface ProgrammeActivityInput {
  cycleId: string;
  activity: Pick<CycleActivity, 'id' | 'kind' | 'due' | 'forAudit' | 'change'>;
  /** The end of the due day in the organisation's time zone. */
  dueAt: string;
  owner: string;
  organisation: Pick<CycleOrganisation, 'id' | 'name' | 'scope' | 'ismsManager' | 'topManagement' | 'timeZone'>;
  /** Internal audits: the areas this one covers. */
  auditScope?: string[];
  /** Activities a significant change asked for: what changed. */
  change?: SignificantChange;
  taskPolicy: TaskReminderPolicy;
}

export const cycleWorkflowId = (cycleId: string) => `cert-cycle:${cycleId}`;

export function cycleRules(input: CycleInput): CycleRules & ProgrammeRules {
  return { ...input.cadences, workingDays: input.organisation.workingDays };
}

/** The external audits: stage 1 and 2 of a first certification, then those planned from the decision. */
export function cycleAudits(input: CycleInput, state: Pick<CycleState, 'decisionDate' | 'booked' | 'results'>): AuditEntry[] {
  const stages: ExternalAudit[] = input.firstCertification
    ? (['stage1', 'stage2'] as const).map((kind) => {
        const date = state.booked[kind] ?? input.firstCertification![kind];
        return { kind, date, latest: date, booked: true, outsideRules: false };
      })
    : [];
  const decision = state.decisionDate;
  const cycle = decision ? plannedAudits(decision, state.booked, cycleRules(input), input.validFrom) : [];
  return [...stages, ...cycle].map((a) => {
    const result = state.results[a.kind];
    const status: AuditStatus = result ? 'done' : a.date < input.startedOn ? 'notTracked' : a.booked ? 'booked' : 'planned';
    return { ...a, ...(result ? { date: result.date } : {}), status, ...(result ? { result } : {}) };
  });
}

/** The audit the cycle works towards: the first that is neither done nor before ismsflow started. */
export function nextAudit(audits: AuditEntry[]): AuditEntry | undefined {
  return audits.find((a) => a.status === 'planned' || a.status === 'booked');
}

/**
 * The programme of every audit still to come, merged into what already happened: activities that
 * started keep their dates, planned ones move with the audits, change-triggered ones stay.
 */
export function planActivities(input: CycleInput, state: CycleState): CycleActivity[] {
  const audits = cycleAudits(input, state);
  const rules = cycleRules(input);
  const settled = new Set(audits.filter((a) => a.status === 'done' || a.status === 'notTracked').map((a) => a.kind));
  const kept = state.activities.filter((a) => a.status !== 'planned' || a.change !== undefined || settled.has(a.forAudit));
  const keptIds = new Set(kept.map((a) => a.id));
  const planned: CycleActivity[] = [];
  audits.forEach((audit, i) => {
    if (audit.status === 'done' || audit.status === 'notTracked') return;
    const from = i === 0 ? (input.decisionDate ?? input.startedOn) : audits[i - 1].date;
    for (const a of programmeBefore(from, audit, rules)) {
      if (keptIds.has(a.id)) continue;
      const lead = a.heavy ? input.cadences.heavyLeadDays : input.cadences.routineLeadDays;
      const startOn = a.kind === 'readinessCheck' ? a.due : maxDate(addDays(a.due, -lead), input.startedOn);
      const owner = a.kind === 'readinessCheck' ? input.organisation.ismsManager : input.owners[a.kind];
      planned.push({ ...a, startOn, owner, status: a.due < input.startedOn ? 'notTracked' : 'planned' });
    }
  });
  return [...kept, ...planned].sort((a, b) => a.due.localeCompare(b.due) || a.id.localeCompare(b.id));
}

/** A window too short for a whole programme (stage 1 to stage 2, a body's early date) gets its readiness check only. */
function programmeBefore(from: CalendarDate, audit: ExternalAudit, rules: ProgrammeRules): PlannedActivity[] {
  try {
    return planProgramme(from, audit, rules);
  } catch {
    const due = workingDayOnOrBefore(addDays(audit.date, -rules.readinessDays), rules.workingDays);
    return due > from ? [{ id: `${audit.kind}-readinessCheck-1`, kind: 'readinessCheck', due, heavy: false, forAudit: audit.kind }] : [];
  }
}

const maxDate = (a: CalendarDate, b: CalendarDate) => (a > b ? a : b);

export function initialCycleState(input: CycleInput): CycleState {
  const state: CycleState = { decisionDate: input.decisionDate, booked: {}, results: {}, activities: [], changes: [], status: 'running' };
  return { ...state, activities: planActivities(input, state) };
}

export function cycleView(input: CycleInput, state: CycleState, waitingFor: string): CycleView {
  const audits = cycleAudits(input, state);
  return {
    cycleId: input.cycleId,
    workflowId: cycleWorkflowId(input.cycleId),
    organisation: { id: input.organisation.id, name: input.organisation.name, timeZone: input.organisation.timeZone },
    decisionDate: state.decisionDate,
    expiry: state.decisionDate ? certificateExpiry(state.decisionDate, input.validFrom) : undefined,
    status: state.status,
    audits,
    nextAudit: nextAudit(audits),
    activities: state.activities,
    changes: state.changes,
    nextCycleId: state.nextCycleId,
    waitingFor,
  };
}

/** The readiness of the programme before `audit` on `today` (DOMAIN.md 1: evidence must be spread). */
export function cycleReadiness(view: Pick<CycleView, 'activities'>, audit: Pick<ExternalAudit, 'kind' | 'date'>, today: CalendarDate): Readiness {
  return readiness(
    view.activities.filter((a) => a.forAudit === audit.kind && a.kind !== 'readinessCheck'),
    audit.date,
    today,
  );
}

/**
 * The certification body's deadlines for a finding (DOMAIN.md 1): the plan within `planDueDays`;
 * a major closed within `majorCloseDays` and never after expiry; a minor by the next audit (or
 * within `minorCloseDays`). Opportunities for improvement raise no nonconformity.
 */
export function findingDeadlines(
  type: NcClassification,
  auditDate: CalendarDate,
  body: CycleOrganisation['certificationBody'],
  next: { auditDate?: CalendarDate; expiry?: CalendarDate; timeZone: string },
): BodyDeadlines | undefined {
  if (type === 'ofi') return undefined;
  const endOf = (d: CalendarDate) => endOfDay(d, next.timeZone);
  const cap = (d: CalendarDate) => (next.expiry && d >= next.expiry ? addDays(next.expiry, -1) : d);
  const closeBy =
    type === 'major'
      ? cap(addDays(auditDate, body.majorCloseDays))
      : body.minorCloseBy === 'days' && body.minorCloseDays
        ? addDays(auditDate, body.minorCloseDays)
        : (next.auditDate ?? addDays(auditDate, 365));
  const planBy = addDays(auditDate, body.planDueDays);
  return { planDueAt: endOf(planBy < closeBy ? planBy : closeBy), closeBy: endOf(closeBy) };
}

/** The areas the `index`-th of `total` internal audits covers: the first area always, the rest shared out. */
export function internalAuditScope(areas: string[], index: number, total: number): string[] {
  const [always, ...rest] = areas;
  return [always, ...rest.filter((_, i) => i % Math.max(1, total) === index % Math.max(1, total))].filter(Boolean);
}

/**
 * A significant change (ISO 27001 6.1.2, 8.2 and 5.2): a risk assessment due before the change
 * lands (two weeks at most), and a policy review when policies are affected, both started now.
 */
export function changeActivities(change: SignificantChange, input: CycleInput, forAudit: ExternalAuditKind, today: CalendarDate): CycleActivity[] {
  const soon = addDays(today, 14);
  const beforeLanding = change.landsOn ? addDays(change.landsOn, -1) : soon;
  const due = workingDayOnOrBefore(beforeLanding < soon ? maxDate(beforeLanding, addDays(today, 2)) : soon, input.organisation.workingDays);
  const kinds: ProgrammeKind[] = change.policyReview ? ['riskAssessment', 'policyReview'] : ['riskAssessment'];
  return kinds.map((kind) => ({
    id: `change${change.number}-${kind}`,
    kind,
    due,
    heavy: true,
    forAudit,
    startOn: today,
    owner: input.owners[kind],
    status: 'planned',
    change: change.number,
  }));
}

/** What people call each audit and activity, in mails, pages and calendars. */
export const TITLES: Record<ExternalAuditKind | ActivityKind, string> = {
  stage1: 'Stage 1 audit',
  stage2: 'Stage 2 audit',
  surveillance1: 'Surveillance audit 1',
  surveillance2: 'Surveillance audit 2',
  recertification: 'Recertification audit',
  riskAssessment: 'Risk assessment',
  trainingCampaign: 'Awareness training campaign',
  policyReview: 'Policy review',
  internalAudit: 'Internal audit',
  supplierReview: 'Critical supplier review',
  managementReview: 'Management review',
  accessReview: 'Access review',
  kpiMeasurement: 'KPI measurement',
  readinessCheck: 'Audit readiness check',
};

/** The readiness report the ISMS manager gets before an external audit, as plain text. */
export function readinessText(organisation: string, audit: Pick<ExternalAudit, 'kind' | 'date'>, r: Readiness): string {
  const line = (a: ActivityStatus) => `- ${TITLES[a.kind]}, due ${a.due}${a.completedOn ? `, done ${a.completedOn}` : ''}`;
  const section = (title: string, list: ActivityStatus[]) => (list.length ? `${title} (${list.length}):\n${list.map(line).join('\n')}` : `${title}: none`);
  return [
    `${organisation}: readiness for the ${TITLES[audit.kind].toLowerCase()} on ${audit.date}.`,
    section('Overdue', r.overdue),
    section('Open', r.open.filter((a) => !r.overdue.includes(a))),
    section('Done', r.done),
    r.bunched
      ? `Evidence is BUNCHED: ${Math.round(r.lateShare * 100)} % of the heavy activities were done in the last weeks before the audit. Auditors look at dates: expect questions.`
      : `Evidence is spread across the year (${Math.round(r.lateShare * 100)} % of the heavy activities in the last weeks).`,
  ].join('\n\n');
}
