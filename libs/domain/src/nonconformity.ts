/**
 * Nonconformity to corrective action, ISO/IEC 27001:2022 clause 10.2 (DOMAIN.md section 3):
 * react (correction), find the root cause, plan and do the actions, check they worked, change the
 * ISMS, close. Pure rules shared by the correctiveAction workflow and the API.
 */
import { approvalForm, type TaskForm } from './forms';
import type { TaskReminderPolicy } from './tasks';
import { addDays, addDaysInZone, DAY_MS, endOfDay, HOUR_MS, localDate, type CalendarDate } from './time';

export const NC_SOURCES = ['internalAudit', 'externalAudit', 'incident', 'monitoring', 'staffReport'] as const;
export type NcSource = (typeof NC_SOURCES)[number];

export const NC_CLASSIFICATIONS = ['major', 'minor', 'ofi'] as const;
export type NcClassification = (typeof NC_CLASSIFICATIONS)[number];

/** Where an NC stands; also its IsmsStatus in the Temporal UI. */
export type NcStep =
  | 'correction'
  | 'rootCause'
  | 'actionPlan'
  | 'planApproval'
  | 'actions'
  | 'effectivenessWait'
  | 'effectivenessReview'
  | 'ismsChanges'
  | 'closureApproval'
  | 'closed'
  | 'cancelled';

/** Days each step may take, and how long to wait before judging effectiveness: per organisation. */
export interface CorrectiveActionPolicy {
  correctionDays: number;
  rootCauseDays: number;
  actionPlanDays: number;
  approvalDays: number;
  effectivenessWaitDays: number;
  effectivenessReviewDays: number;
  ismsChangesDays: number;
  closureDays: number;
  /** Warn the ISMS manager this many days before a certification body's deadline. */
  deadlineWarningDays: number;
  /** However tight a body's deadline, each step gets at least this many days (less only when the deadline leaves less for all). Absent in older NCs: 1. */
  minStepDays?: number;
}

export const DEFAULT_CORRECTIVE_ACTION_POLICY: CorrectiveActionPolicy = {
  correctionDays: 7,
  rootCauseDays: 14,
  actionPlanDays: 14,
  approvalDays: 5,
  effectivenessWaitDays: 30,
  effectivenessReviewDays: 14,
  ismsChangesDays: 14,
  closureDays: 7,
  deadlineWarningDays: 14,
  minStepDays: 1,
};

/** Deadlines a certification body set for an external-audit finding. */
export interface BodyDeadlines {
  /** The corrective-action plan is due (commonly 14 to 30 days after the audit). */
  planDueAt?: string;
  /** The NC must be closed and verified (majors commonly within 90 days, never after expiry). */
  closeBy?: string;
}

export interface CorrectiveActionInput {
  ncNumber: string;
  source: NcSource;
  sourceRef?: string;
  requirement: string;
  description: string;
  evidence: string[];
  classification: NcClassification;
  owner: string;
  ismsManager: string;
  /** Who judges effectiveness; the ISMS manager unless named. */
  reviewer: string;
  raisedAt: string;
  raisedBy: string;
  deadlines: BodyDeadlines;
  policy: CorrectiveActionPolicy;
  taskPolicy: TaskReminderPolicy;
  /** The organisation's IANA time zone: an action due on a day ends at the end of that day there (absent: UTC). */
  timeZone?: string;
}

export interface PlannedAction {
  description: string;
  owner: string;
  due: string;
}

/** The live state a query returns and the API shows. */
export interface NcView {
  ncNumber: string;
  step: NcStep;
  round: number;
  owner: string;
  stepDueAt?: string;
  waitingFor: string;
  deadlineMissed: boolean;
}

export function ncNumber(year: number, sequence: number): string {
  return `NC-${year}-${String(sequence).padStart(4, '0')}`;
}

export const NC_NUMBER = /^NC-\d{4}-\d{4,}$/;

const ms = Date.parse;
const iso = (t: number) => new Date(t).toISOString();

/** The steps that share the time to the plan deadline, and those that share the time after the actions to the closure deadline. */
const PLAN_STEPS: NcStep[] = ['correction', 'rootCause', 'actionPlan', 'planApproval'];
const CLOSING_STEPS: NcStep[] = ['effectivenessReview', 'ismsChanges', 'closureApproval'];

export function stepDays(policy: CorrectiveActionPolicy, step: NcStep): number {
  const days: Partial<Record<NcStep, number>> = {
    correction: policy.correctionDays,
    rootCause: policy.rootCauseDays,
    actionPlan: policy.actionPlanDays,
    planApproval: policy.approvalDays,
    effectivenessReview: policy.effectivenessReviewDays,
    ismsChanges: policy.ismsChangesDays,
    closureApproval: policy.closureDays,
  };
  return days[step] ?? 0;
}

/**
 * The least time a step gets: the configured minimum, scaled down when the time left before
 * `closeBy` cannot hold one for every step and for the actions, so that a deadline close by still
 * gives each step a real share instead of none.
 */
function floorMs(policy: CorrectiveActionPolicy, now?: string, closeBy?: string): number {
  const floor = (policy.minStepDays ?? 1) * DAY_MS;
  if (!closeBy || now === undefined) return floor;
  const slots = PLAN_STEPS.length + 1 + CLOSING_STEPS.length;
  return Math.min(floor, Math.floor(Math.max(0, ms(closeBy) - ms(now)) / slots));
}

/**
 * The time `chain` (this step first, then the ones after it) may take before `deadline`, for this
 * step: its configured days when the whole chain fits, otherwise a floor for each step and the
 * rest shared in proportion to their days. Recomputed when each step starts, so a step done early
 * leaves more to the ones after it.
 */
function shareMs(now: string, deadline: number, chain: number[], floor: number, timeZone: string): number {
  const available = Math.max(0, deadline - ms(now));
  const wanted = chain.reduce((a, b) => a + b, 0);
  if (ms(addDaysInZone(now, wanted, timeZone)) <= deadline) return ms(addDaysInZone(now, chain[0], timeZone)) - ms(now);
  const each = Math.min(floor, Math.floor(available / chain.length));
  return each + (wanted ? Math.floor(((available - each * chain.length) * chain[0]) / wanted) : 0);
}

/**
 * What the review, ISMS changes and closure need after the actions: their days, squeezed to at
 * most half the time left before `closeBy`, and never less than a floor for each.
 */
export function closingReserveMs(now: string, policy: CorrectiveActionPolicy, closeBy: string): number {
  const left = Math.max(0, ms(closeBy) - ms(now));
  const full = CLOSING_STEPS.reduce((sum, s) => sum + stepDays(policy, s), 0) * DAY_MS;
  return Math.min(left, Math.max(CLOSING_STEPS.length * floorMs(policy, now, closeBy), Math.min(full, Math.floor(left / 2))));
}

/**
 * When a step is due (DOMAIN.md 3 with a certification body's deadlines). Without deadlines: its
 * configured days from now. The plan steps share the time to the plan deadline, and to the
 * latest moment that still leaves the actions a floor and the closing steps their reserve before
 * `closeBy`; the closing steps share the time to `closeBy`. Every step gets a real share.
 */
export function stepDueAt(step: NcStep, now: string, policy: CorrectiveActionPolicy, deadlines: BodyDeadlines, timeZone = 'UTC'): string {
  const { planDueAt, closeBy } = deadlines;
  const chain = (steps: NcStep[]) => steps.slice(steps.indexOf(step)).map((s) => stepDays(policy, s));
  const plain = ms(addDaysInZone(now, stepDays(policy, step), timeZone));
  const floor = floorMs(policy, now, closeBy);
  if (PLAN_STEPS.includes(step)) {
    const bounds = [planDueAt ? ms(planDueAt) : Infinity, closeBy ? ms(closeBy) - closingReserveMs(now, policy, closeBy) - floor : Infinity];
    const deadline = Math.min(...bounds);
    return iso(deadline === Infinity ? plain : ms(now) + shareMs(now, deadline, chain(PLAN_STEPS), floor, timeZone));
  }
  if (CLOSING_STEPS.includes(step) && closeBy) return iso(ms(now) + shareMs(now, ms(closeBy), chain(CLOSING_STEPS), floor, timeZone));
  return iso(plain);
}

/**
 * The last day an action of a plan made `now` may be due, so that the review, ISMS changes and
 * closure still fit before `closeBy`: the end of that day (in the organisation's zone) is on or
 * before `closeBy` minus the closing reserve.
 */
export function actionsDueBy(now: string, policy: CorrectiveActionPolicy, closeBy: string, timeZone: string): CalendarDate {
  const last = ms(closeBy) - closingReserveMs(now, policy, closeBy);
  const day = localDate(last, timeZone);
  return ms(endOfDay(day, timeZone)) <= last ? day : addDays(day, -1);
}

/**
 * How long to wait before the effectiveness review. With a closure deadline the wait shrinks so
 * that review, ISMS changes and closure still fit before it (DOMAIN.md: majors closed in time).
 */
export function effectivenessWaitMs(now: string, policy: CorrectiveActionPolicy, deadlines: BodyDeadlines, timeZone = 'UTC'): number {
  const wanted = ms(addDaysInZone(now, policy.effectivenessWaitDays, timeZone)) - ms(now);
  if (!deadlines.closeBy) return wanted;
  return Math.max(0, Math.min(wanted, ms(deadlines.closeBy) - ms(now) - closingReserveMs(now, policy, deadlines.closeBy)));
}

/** When to warn the ISMS manager: `deadlineWarningDays` before `closeBy`, or halfway there when the NC started closer to it. */
export function deadlineWarningAt(closeBy: string, startedAt: string, policy: CorrectiveActionPolicy, timeZone = 'UTC'): string {
  return iso(Math.max(ms(addDaysInZone(closeBy, -policy.deadlineWarningDays, timeZone)), ms(closeBy) - Math.floor(Math.max(0, ms(closeBy) - ms(startedAt)) / 2)));
}

/**
 * The reminder policy of a task of an NC with a closure deadline: its first escalation no later
 * than `closeBy` (the deadline watch takes over after it, telling the ISMS manager of the miss).
 */
export function tasksPolicyBefore(closeBy: string | undefined, dueAt: string, policy: TaskReminderPolicy): TaskReminderPolicy {
  if (!closeBy) return policy;
  const room = Math.max(0, Math.floor((ms(closeBy) - ms(dueAt)) / HOUR_MS));
  return { ...policy, escalateAfterDueHours: Math.min(policy.escalateAfterDueHours, room) };
}

const text = (name: string, label: string, required = true, help?: string) => ({ name, label, type: 'textarea' as const, required, help });

/** The forms of each step: what the person must record, as DOMAIN.md section 3 lists it. */
export const ncForms = {
  correction: (): TaskForm => ({
    fields: [
      text('correction', 'Correction taken', true, 'what you did to contain it and deal with the consequences'),
      { name: 'correctedOn', label: 'Corrected on', type: 'date', required: true },
    ],
  }),
  rootCause: (description: string, similarOpen: string): TaskForm => ({
    fields: [
      { name: 'method', label: 'Method', type: 'select', required: true, options: ['5 Whys', 'Ishikawa', 'fault tree', 'other'] },
      text('analysis', 'Analysis', true, 'the steps of your analysis'),
      text('rootCause', 'Root cause', true, 'why it happened, not what happened'),
      text('similar', 'Similar nonconformities', true, 'do similar ones exist, or could they occur? Where?'),
    ],
    check: 'rootCause',
    context: { description, ...(similarOpen ? { similar: similarOpen } : {}) },
  }),
  /** With a body's closure deadline, the actions must be due by `limits.actionsDueBy`: a plan that cannot fit is refused naming the deadline. */
  actionPlan: (limits?: { actionsDueBy: CalendarDate; closeBy: string; timeZone: string }): TaskForm => ({
    ...(limits ? { context: { ...limits, closeByDay: localDate(limits.closeBy, limits.timeZone) } } : {}),
    fields: [
      {
        name: 'actions',
        label: 'Action',
        type: 'list',
        minItems: 1,
        maxItems: 10,
        help: 'each action removes the root cause or stops it recurring; each has one owner and a due date',
        item: [
          { name: 'description', label: 'What', type: 'text', required: true },
          { name: 'owner', label: 'Owner (email)', type: 'email', required: true },
          { name: 'due', label: 'Due', type: 'date', required: true },
        ],
      },
    ],
    check: 'actionPlan',
  }),
  approval: approvalForm,
  action: (): TaskForm => ({
    fields: [text('done', 'What was done', true), { name: 'evidence', label: 'Evidence', type: 'urls', required: true, help: 'one link per line' }],
  }),
  effectiveness: (): TaskForm => ({
    fields: [
      { name: 'effective', label: 'Were the actions effective?', type: 'select', required: true, options: ['yes', 'no'] },
      text('method', 'How you checked', true, 'e.g. re-audit, sample of records, test'),
      { name: 'evidence', label: 'Evidence', type: 'urls', required: true },
      text('reason', 'If not effective, why', false),
    ],
  }),
  ismsChanges: (): TaskForm => ({
    fields: [
      text('riskRegister', 'Risk register changes', false),
      text('soa', 'Statement of Applicability changes', false),
      text('documents', 'Documents changed', false),
      text('summary', 'Summary of ISMS changes', true, 'write "none needed" and why, if nothing changed'),
      { name: 'linkedRisk', label: 'Linked risk updated (good practice, not required by 27001)', type: 'text' },
    ],
  }),
};
