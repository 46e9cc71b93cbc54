/**
 * Nonconformity to corrective action, ISO/IEC 27001:2022 clause 10.2 (DOMAIN.md section 3):
 * react (correction), find the root cause, plan and do the actions, check they worked, change the
 * ISMS, close. Pure rules shared by the correctiveAction workflow and the API.
 */
import { approvalForm, type TaskForm } from './forms';
import type { TaskReminderPolicy } from './tasks';
import { DAY_MS } from './time';

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

const earliest = (...isos: Array<string | undefined>) =>
  new Date(Math.min(...isos.filter((x): x is string => !!x).map((x) => Date.parse(x)))).toISOString();

/**
 * When a step is due: its configured days from now, never after the body's deadline that governs
 * it (the plan deadline for the steps up to approval, the closure deadline for all).
 */
export function stepDueAt(step: NcStep, days: number, now: string, deadlines: BodyDeadlines): string {
  const byPlan = ['correction', 'rootCause', 'actionPlan', 'planApproval'].includes(step) ? deadlines.planDueAt : undefined;
  return earliest(new Date(Date.parse(now) + days * DAY_MS).toISOString(), byPlan, deadlines.closeBy);
}

/**
 * How long to wait before the effectiveness review. With a closure deadline the wait shrinks so
 * that review, ISMS changes and closure still fit before it (DOMAIN.md: majors closed in time).
 */
export function effectivenessWaitMs(now: string, policy: CorrectiveActionPolicy, deadlines: BodyDeadlines): number {
  const wanted = policy.effectivenessWaitDays * DAY_MS;
  if (!deadlines.closeBy) return wanted;
  const after = (policy.effectivenessReviewDays + policy.ismsChangesDays + policy.closureDays) * DAY_MS;
  return Math.max(0, Math.min(wanted, Date.parse(deadlines.closeBy) - Date.parse(now) - after));
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
  actionPlan: (): TaskForm => ({
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
