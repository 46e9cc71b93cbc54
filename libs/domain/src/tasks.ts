/**
 * Emailed human tasks: the one building block every ISMS process uses to wait for a person.
 * Pure types and rules, shared by the humanTask workflow, the API and process workflows that
 * start tasks as children.
 */
import { formErrors, type FormData, type TaskForm } from './forms';
import { textProblem } from './input';
import { addHours } from './time';

export type TaskStatus = 'open' | 'completed' | 'cancelled';

/** When to chase a person: configuration with defaults, never constants in a workflow. */
export interface TaskReminderPolicy {
  /** Reminders this many hours before the due date (a reminder already in the past is skipped). */
  remindBeforeDueHours: number[];
  /** The assignee is reminded again at the due time itself. */
  remindAtDue: boolean;
  /** Escalate to the escalation contact this many hours after the due date... */
  escalateAfterDueHours: number;
  /** ...and again every this many hours while still open (0 = only once). */
  repeatEscalationEveryHours: number;
  /** How long a task link stays valid after the due date. */
  linkValidAfterDueHours: number;
}

export const DEFAULT_REMINDER_POLICY: TaskReminderPolicy = {
  remindBeforeDueHours: [72, 24],
  remindAtDue: true,
  escalateAfterDueHours: 24,
  repeatEscalationEveryHours: 72,
  linkValidAfterDueHours: 30 * 24,
};

/** What a process (or the API) hands to the humanTask workflow. Plain data, JSON-safe. */
export interface HumanTaskInput {
  taskId: string;
  title: string;
  instructions: string;
  assignee: string;
  dueAt: string;
  escalateTo?: string;
  externalRef?: string;
  /** The process that owns the task (`adHoc`, `correctiveAction`, ...), for filtering. */
  process: string;
  /** Outcomes the person may choose; the first is the default. */
  outcomes: string[];
  policy: TaskReminderPolicy;
  createdBy: string;
  /** What the person must fill in besides outcome, notes and evidence. */
  form?: TaskForm;
  /** SHA-256 of the API request that started it, so a retry after a crash is recognised as the same request. */
  requestHash?: string;
  /** No reminder or escalation after this instant (a certification body's deadline: its process takes over then). */
  notifyUntil?: string;
}

export interface TaskCompletion {
  outcome: string;
  notes?: string;
  evidence?: string[];
  /** Email of the person, or the API key's name when a ticketing system completes it. */
  completedBy: string;
  via: 'link' | 'api';
  /** The API key that recorded it, when it named someone else as the person who did it. */
  recordedBy?: string;
  /** The link version the person used; a reassigned task no longer accepts the old link. */
  linkVersion?: number;
  /** The answers to the task's form, if it has one. */
  data?: FormData;
}

export interface TaskReassignment {
  to: string;
  by: string;
  reason?: string;
}

export interface HumanTaskResult {
  taskId: string;
  status: 'completed' | 'cancelled';
  outcome?: string;
  notes?: string;
  data?: FormData;
  evidence: string[];
  completedBy?: string;
  completedAt?: string;
  via?: 'link' | 'api';
  /** See TaskCompletion.recordedBy. */
  recordedBy?: string;
}

/** The live state the workflow answers queries with. */
export interface TaskView {
  taskId: string;
  status: TaskStatus | 'completing';
  assignee: string;
  linkVersion: number;
  dueAt: string;
  waitingFor: string;
  notificationsSent: string[];
}

export type NotificationKind = 'reminder' | 'due' | 'escalation';

export interface ScheduledNotification {
  kind: NotificationKind;
  at: string;
  /** Stable name: part of the mail's idempotency key, so a retried send is never a second mail. */
  key: string;
}

/** Max escalations scheduled up front; a task ignored this long is a matter for its process. */
const MAX_ESCALATIONS = 10;

/** Every reminder and escalation still ahead of `now`, in time order. */
export function notificationSchedule(
  dueAt: string,
  policy: TaskReminderPolicy,
  now: string,
  notifyUntil?: string,
): ScheduledNotification[] {
  const all: ScheduledNotification[] = [];
  for (const hours of policy.remindBeforeDueHours) {
    all.push({ kind: 'reminder', at: addHours(dueAt, -hours), key: `reminder-${hours}h-before` });
  }
  if (policy.remindAtDue) all.push({ kind: 'due', at: dueAt, key: 'due' });
  const escalations = policy.repeatEscalationEveryHours > 0 ? MAX_ESCALATIONS : 1;
  for (let n = 0; n < escalations; n++) {
    const hours = policy.escalateAfterDueHours + n * policy.repeatEscalationEveryHours;
    all.push({ kind: 'escalation', at: addHours(dueAt, hours), key: `escalation-${n + 1}` });
  }
  const nowMs = Date.parse(now);
  const untilMs = notifyUntil ? Date.parse(notifyUntil) : Infinity;
  return all
    .filter((n) => Date.parse(n.at) > nowMs && Date.parse(n.at) <= untilMs)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export function linkExpiry(dueAt: string, policy: TaskReminderPolicy): string {
  return addHours(dueAt, policy.linkValidAfterDueHours);
}

export const MAX_NOTES_LENGTH = 4000;
export const MAX_EVIDENCE_LINKS = 20;

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A field-level problem, as the API reports it (RFC 9457 `errors`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Why a completion cannot be accepted, or [] when it can. Used by the workflow's Update validator
 * (the authority: it alone knows the live state) and by the API to answer before calling it.
 */
export function completionErrors(
  completion: TaskCompletion,
  task: Pick<HumanTaskInput, 'outcomes'> & { form?: TaskForm | null },
  now: string,
): FieldError[] {
  const errors: FieldError[] = [];
  if (!task.outcomes.includes(completion.outcome)) {
    errors.push({ field: 'outcome', message: `outcome must be one of: ${task.outcomes.join(', ')}` });
  }
  if ((completion.notes ?? '').length > MAX_NOTES_LENGTH) {
    errors.push({ field: 'notes', message: `notes must be at most ${MAX_NOTES_LENGTH} characters` });
  }
  const notes = textProblem(completion.notes ?? '');
  if (notes) errors.push({ field: 'notes', message: `notes ${notes}` });
  const by = textProblem(completion.completedBy ?? '', { lineBreaks: false });
  if (by || (completion.completedBy ?? '').length > 254) errors.push({ field: 'completedBy', message: `completedBy ${by ?? 'must be at most 254 characters'}` });
  const evidence = completion.evidence ?? [];
  if (evidence.length > MAX_EVIDENCE_LINKS) {
    errors.push({ field: 'evidence', message: `at most ${MAX_EVIDENCE_LINKS} evidence links` });
  }
  const bad = evidence.find((link) => !isHttpUrl(link) || textProblem(link, { lineBreaks: false }) !== undefined);
  if (bad !== undefined) {
    errors.push({ field: 'evidence', message: `evidence links must be http(s) URLs: "${bad}" is not` });
  }
  if (!completion.completedBy) errors.push({ field: 'completedBy', message: 'completedBy is required' });
  if (task.form) errors.push(...formErrors(task.form, completion.data, now));
  else if (completion.data && Object.keys(completion.data).length) errors.push({ field: 'data', message: 'this task has no form to fill in' });
  return errors;
}
