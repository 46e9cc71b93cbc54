/**
 * The three-year certification cycle and the annual programme (DOMAIN.md sections 1 and 2), as
 * pure date rules: when the external audits fall, and how the year's ISMS activities are spread
 * before each of them so the evidence shows an ISMS that ran all year. Dates are calendar days
 * (`YYYY-MM-DD`) in the organisation's time zone; nothing here reads a clock.
 */
import { addDays, addMonths, daysBetween, weekday, type CalendarDate } from './time';

const later = (a: CalendarDate, b: CalendarDate) => (a > b ? a : b);
const earlier = (a: CalendarDate, b: CalendarDate) => (a < b ? a : b);
const yearOf = (d: CalendarDate) => Number(d.slice(0, 4));

/** Monday of the ISO week a date falls in: two dates in one week share it. */
export function weekOf(d: CalendarDate): CalendarDate {
  return addDays(d, -((weekday(d) + 6) % 7));
}

/** Working days as JS weekday numbers (default Monday to Friday). */
export type WorkingDays = number[];
export const MONDAY_TO_FRIDAY: WorkingDays = [1, 2, 3, 4, 5];

/** The working day on or before `d` (a due date never slips later onto a weekend). */
export function workingDayOnOrBefore(d: CalendarDate, working: WorkingDays = MONDAY_TO_FRIDAY): CalendarDate {
  let day = d;
  for (let i = 0; i < 7 && !working.includes(weekday(day)); i++) day = addDays(day, -1);
  return day;
}

/** Stage 1 and 2 only in a first certification; then two surveillance audits and the recertification. */
export type ExternalAuditKind = 'stage1' | 'stage2' | 'surveillance1' | 'surveillance2' | 'recertification';

export interface ExternalAudit {
  kind: ExternalAuditKind;
  /** When it is planned (or booked by the body). */
  date: CalendarDate;
  /** The latest date the rules allow. */
  latest: CalendarDate;
  /** The earliest sensible date (surveillance 2: its calendar year starts). */
  earliest?: CalendarDate;
  booked: boolean;
  /** A booked date that breaks the rule it is planned under. */
  outsideRules: boolean;
}

export interface CycleRules {
  /** Recertification is planned this many months before expiry (bodies commonly use 3). */
  recertificationLeadMonths: number;
  /** Surveillance audits are planned this many days before their latest date. */
  surveillanceLeadDays: number;
  workingDays: WorkingDays;
}

export const DEFAULT_CYCLE_RULES: CycleRules = { recertificationLeadMonths: 3, surveillanceLeadDays: 30, workingDays: MONDAY_TO_FRIDAY };

/**
 * The certificate runs three years from the certification decision (not from the stage 2 audit);
 * a certificate renewed in time continues from the old expiry (`validFrom`).
 */
export function certificateExpiry(decisionDate: CalendarDate, validFrom?: CalendarDate): CalendarDate {
  return addMonths(validFrom ?? decisionDate, 36);
}

/**
 * The three external audits of a cycle: surveillance 1 no later than 12 months after the decision,
 * surveillance 2 in the next calendar year, recertification completed before expiry. Dates the
 * body has booked replace the plan, and the audits after them are planned from them.
 */
export function plannedAudits(
  decisionDate: CalendarDate,
  booked: Partial<Record<ExternalAuditKind, CalendarDate>> = {},
  rules: CycleRules = DEFAULT_CYCLE_RULES,
  validFrom?: CalendarDate,
): ExternalAudit[] {
  const expiry = certificateExpiry(decisionDate, validFrom);
  const plan = (d: CalendarDate) => workingDayOnOrBefore(d, rules.workingDays);

  const s1Latest = addMonths(decisionDate, 12);
  const s1 = booked.surveillance1 ?? plan(addDays(s1Latest, -rules.surveillanceLeadDays));

  const s2Year = yearOf(s1) + 1;
  const s2Earliest = `${s2Year}-01-01`;
  const recertDate = booked.recertification ?? plan(addMonths(expiry, -rules.recertificationLeadMonths));
  const s2LatestByYear = `${s2Year}-12-31`;
  const s2Latest = s2LatestByYear < recertDate ? s2LatestByYear : addDays(recertDate, -1);
  // About a year after surveillance 1, inside its calendar year and before recertification.
  const s2Target = addMonths(s1, 12);
  const s2 =
    booked.surveillance2 ??
    plan(earlier(later(s2Target, s2Earliest), addDays(s2Latest, -rules.surveillanceLeadDays)));

  return [
    { kind: 'surveillance1', date: s1, latest: s1Latest, booked: !!booked.surveillance1, outsideRules: s1 > s1Latest },
    {
      kind: 'surveillance2',
      date: s2,
      earliest: s2Earliest,
      latest: s2Latest,
      booked: !!booked.surveillance2,
      outsideRules: s2 < s2Earliest || s2 > s2Latest,
    },
    { kind: 'recertification', date: recertDate, latest: addDays(expiry, -1), booked: !!booked.recertification, outsideRules: recertDate >= expiry },
  ];
}

export type ActivityKind =
  | 'riskAssessment'
  | 'trainingCampaign'
  | 'policyReview'
  | 'internalAudit'
  | 'supplierReview'
  | 'managementReview'
  | 'accessReview'
  | 'kpiMeasurement'
  | 'readinessCheck';

/** Where in the year between two audits each heavy activity aims to fall (0 = just after the last audit). */
export const HEAVY_ACTIVITY_AIMS: Array<[ActivityKind, number]> = [
  ['trainingCampaign', 0.15],
  ['riskAssessment', 0.3],
  ['policyReview', 0.45],
  ['supplierReview', 0.6],
  ['internalAudit', 0.72],
  ['managementReview', 0.9],
];

export interface ProgrammeRules {
  /** Internal audits between two external audits (1, or 2 for every six months). */
  internalAuditsPerYear: number;
  /** Nothing but the readiness check in this many days before an external audit. */
  quietDays: number;
  /** The readiness check this many days before the audit. */
  readinessDays: number;
  /** The management review comes at least this long after the internal audit (its input). */
  reviewAfterAuditDays: number;
  accessReviewsPerYear: number;
  kpiMeasurementsPerYear: number;
  workingDays: WorkingDays;
}

export const DEFAULT_PROGRAMME_RULES: ProgrammeRules = {
  internalAuditsPerYear: 1,
  quietDays: 28,
  readinessDays: 30,
  reviewAfterAuditDays: 14,
  accessReviewsPerYear: 4,
  kpiMeasurementsPerYear: 12,
  workingDays: MONDAY_TO_FRIDAY,
};

export interface PlannedActivity {
  /** Stable across re-planning: `<audit>-<kind>-<n>` (the calendar's event UID and the child workflow's id). */
  id: string;
  kind: ActivityKind;
  due: CalendarDate;
  heavy: boolean;
  /** The external audit it prepares for. */
  forAudit: ExternalAuditKind;
}

/**
 * The year's programme between `from` (the last audit or the decision) and the external audit on
 * `auditDate`: heavy activities spread across the year, one per week at most, in a sensible order
 * (management review after the internal audit); quarterly access reviews and monthly KPI
 * measurements on working days; only the readiness check in the quiet weeks before the audit.
 */
export function planProgramme(
  from: CalendarDate,
  audit: { kind: ExternalAuditKind; date: CalendarDate },
  rules: ProgrammeRules = DEFAULT_PROGRAMME_RULES,
): PlannedActivity[] {
  const quietFrom = addDays(audit.date, -rules.quietDays);
  const start = addDays(from, 7);
  const span = daysBetween(start, quietFrom);
  const aims: Array<[ActivityKind, number]> =
    rules.internalAuditsPerYear > 1 ? [['internalAudit', 0.22], ...HEAVY_ACTIVITY_AIMS] : HEAVY_ACTIVITY_AIMS;
  if (span < 7 * aims.length) throw new Error(`Only ${span} days between ${from} and the quiet weeks before ${audit.date}: too short for a programme`);
  const onWorkingDay = (d: CalendarDate) => workingDayOnOrBefore(d, rules.workingDays);
  const lastAllowed = onWorkingDay(addDays(quietFrom, -1));
  const at = (fraction: number) => onWorkingDay(addDays(start, Math.round((span - 1) * fraction)));

  const taken = new Set<CalendarDate>();
  const heavy: Array<Omit<PlannedActivity, 'id'>> = [];
  for (const [kind, aim] of aims) {
    let due = at(aim);
    if (kind === 'managementReview') {
      const auditDue = heavy.filter((a) => a.kind === 'internalAudit').at(-1)!.due;
      if (daysBetween(auditDue, due) < rules.reviewAfterAuditDays) due = onWorkingDay(addDays(auditDue, rules.reviewAfterAuditDays + 2));
    }
    // One heavy activity per week: move to the next free week, or the previous one at the end of the window.
    while (taken.has(weekOf(due)) && addDays(due, 7) <= lastAllowed) due = onWorkingDay(addDays(due, 7));
    while (taken.has(weekOf(due)) || due > lastAllowed) due = onWorkingDay(addDays(due, -7));
    taken.add(weekOf(due));
    heavy.push({ kind, due, heavy: true, forAudit: audit.kind });
  }

  const repeated = (kind: ActivityKind, times: number) =>
    Array.from({ length: times }, (_, i) => ({ kind, due: at((i + 1) / times), heavy: false, forAudit: audit.kind }));
  const readinessCheck = { kind: 'readinessCheck' as const, due: onWorkingDay(addDays(audit.date, -rules.readinessDays)), heavy: false, forAudit: audit.kind };
  return withIds([...heavy, ...repeated('accessReview', rules.accessReviewsPerYear), ...repeated('kpiMeasurement', rules.kpiMeasurementsPerYear), readinessCheck]).sort(
    (a, b) => a.due.localeCompare(b.due) || a.id.localeCompare(b.id),
  );
}

/** Numbers each kind in date order: the second access review before surveillance 1 is `surveillance1-accessReview-2`. */
function withIds(activities: Array<Omit<PlannedActivity, 'id'>>): PlannedActivity[] {
  const seen = new Map<string, number>();
  return [...activities]
    .sort((a, b) => a.due.localeCompare(b.due))
    .map((a) => {
      const n = (seen.get(a.kind) ?? 0) + 1;
      seen.set(a.kind, n);
      return { id: `${a.forAudit}-${a.kind}-${n}`, ...a };
    });
}

export interface ActivityStatus {
  kind: ActivityKind;
  due: CalendarDate;
  heavy: boolean;
  /** `notTracked`: due before ismsflow started running the cycle. */
  status: 'planned' | 'open' | 'completed' | 'cancelled' | 'notTracked';
  completedOn?: CalendarDate;
}

export interface Readiness {
  auditDate: CalendarDate;
  done: ActivityStatus[];
  open: ActivityStatus[];
  overdue: ActivityStatus[];
  /** Share of the heavy activities done in the last weeks before the audit. */
  lateShare: number;
  /** Auditors look at dates: most of the evidence produced just before the audit is a finding. */
  bunched: boolean;
}

export const DEFAULT_BUNCHING = { weeks: 6, share: 0.5 };

/** What the ISMS manager needs to know before an external audit: done, open, overdue, bunched. */
export function readiness(activities: ActivityStatus[], auditDate: CalendarDate, today: CalendarDate, bunching = DEFAULT_BUNCHING): Readiness {
  const live = activities.filter((a) => a.status !== 'cancelled' && a.status !== 'notTracked');
  const done = live.filter((a) => a.status === 'completed');
  const open = live.filter((a) => a.status !== 'completed');
  const overdue = open.filter((a) => a.due < today);
  const heavyDone = done.filter((a) => a.heavy && a.completedOn);
  const windowStart = addDays(auditDate, -7 * bunching.weeks);
  const late = heavyDone.filter((a) => a.completedOn! >= windowStart);
  const lateShare = heavyDone.length ? late.length / heavyDone.length : 0;
  return { auditDate, done, open, overdue, lateShare, bunched: heavyDone.length >= 2 && lateShare >= bunching.share };
}
