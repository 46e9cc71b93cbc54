/**
 * Task forms: what a process asks a person for beyond an outcome (a root cause, an action plan,
 * an effectiveness verdict). Declarative and JSON-safe, so it travels in the workflow input; the
 * task page renders it, and one pure check validates it in the API and in the Update validator.
 */
import { isCalendarDate, isDateTime, isEmail, textProblem } from './input';
import type { FieldError } from './tasks';
import { localDate } from './time';

export type FieldType = 'text' | 'textarea' | 'select' | 'date' | 'email' | 'urls';

export interface FormField {
  name: string;
  label: string;
  type: FieldType;
  required?: boolean;
  options?: string[];
  maxLength?: number;
  help?: string;
}

/** Repeated rows (e.g. the actions of a plan), each with the same fields. */
export interface ListField {
  name: string;
  label: string;
  type: 'list';
  minItems: number;
  maxItems: number;
  item: FormField[];
  help?: string;
}

export interface TaskForm {
  fields: Array<FormField | ListField>;
  /** A domain rule run after the field checks, by name (see FORM_CHECKS). */
  check?: FormCheckName;
  /** Facts the check and the page need (e.g. the NC description a root cause must not restate). */
  context?: Record<string, string>;
}

export type FormValue = string | string[] | Array<Record<string, string>>;
export type FormData = Record<string, FormValue>;

export type FormCheckName = keyof typeof FORM_CHECKS;

const DEFAULT_MAX = { text: 500, textarea: 10_000, select: 200, date: 40, email: 254, urls: 2000 };

function fieldError(f: FormField, value: unknown): string | undefined {
  if (f.type === 'urls') {
    if (value === undefined) return f.required ? `${f.label} is required` : undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return `${f.label} must be a list of links`;
    const links = value as string[];
    if (f.required && links.length === 0) return `${f.label} needs at least one link`;
    const bad = links.find((v) => !/^https?:\/\/\S+$/.test(v) || v.length > DEFAULT_MAX.urls || textProblem(v, { lineBreaks: false }));
    return bad !== undefined ? `${f.label}: "${bad.slice(0, 100)}" is not an http(s) link` : undefined;
  }
  if (value === undefined || value === '') return f.required ? `${f.label} is required` : undefined;
  if (typeof value !== 'string') return `${f.label} must be text`;
  if (value.length > (f.maxLength ?? DEFAULT_MAX[f.type])) return `${f.label} must be at most ${f.maxLength ?? DEFAULT_MAX[f.type]} characters`;
  const text = textProblem(value, { lineBreaks: f.type === 'textarea' });
  if (text) return `${f.label} ${text}`;
  if (f.type === 'select' && !(f.options ?? []).includes(value)) return `${f.label} must be one of: ${(f.options ?? []).join(', ')}`;
  if (f.type === 'email' && !isEmail(value)) return `${f.label} must be an email address`;
  if (f.type === 'date' && !isCalendarDate(value)) return `${f.label} must be a date (YYYY-MM-DD)`;
  return undefined;
}

/** Field-by-field problems with `data` against `form`, then the form's domain check. */
export function formErrors(form: TaskForm, data: FormData | undefined, now: string): FieldError[] {
  const values: FormData = data ?? {};
  const errors: FieldError[] = [];
  const known = new Set(form.fields.map((f) => f.name));
  for (const name of Object.keys(values)) if (!known.has(name)) errors.push({ field: `data.${name}`, message: `${name} is not a field of this form` });
  for (const f of form.fields) {
    const value = values[f.name];
    if (f.type !== 'list') {
      const message = fieldError(f, value);
      if (message) errors.push({ field: `data.${f.name}`, message });
      continue;
    }
    const rows = value ?? [];
    if (!Array.isArray(rows) || rows.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
      errors.push({ field: `data.${f.name}`, message: `${f.label} must be a list of rows` });
      continue;
    }
    if (rows.length < f.minItems || rows.length > f.maxItems) {
      errors.push({ field: `data.${f.name}`, message: `${f.label} needs ${f.minItems} to ${f.maxItems} entries` });
    }
    (rows as Array<Record<string, string>>).forEach((row, i) => {
      for (const item of f.item) {
        const message = fieldError(item, row[item.name]);
        if (message) errors.push({ field: `data.${f.name}.${i}.${item.name}`, message: `${f.label} ${i + 1}: ${message}` });
      }
    });
  }
  if (errors.length === 0 && form.check) errors.push(...FORM_CHECKS[form.check](values, form.context ?? {}, now));
  return errors;
}

/** Approve or reject `what`; a rejection says why (the reason goes back to whoever redoes it). */
export function approvalForm(what: string): TaskForm {
  return {
    fields: [
      { name: 'decision', label: `Decision on the ${what}`, type: 'select', required: true, options: ['approve', 'reject'] },
      { name: 'reason', label: 'Reason', type: 'textarea', required: false, help: 'required when you reject' },
    ],
    check: 'approval',
  };
}

/** Words that carry meaning, for comparing two texts. */
function words(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^a-z0-9äöüßéèàç]+/).filter((w) => w.length > 2));
}

/** Share of `a`'s meaningful words that also appear in `b`. */
export function overlap(a: string, b: string): number {
  const wa = words(a);
  if (wa.size === 0) return 1;
  const wb = words(b);
  return [...wa].filter((w) => wb.has(w)).length / wa.size;
}

/**
 * Domain checks by name. Each gets the form's values, its context and the current time
 * (the workflow's deterministic clock in the validator).
 */
export const FORM_CHECKS = {
  /** Auditors reject a root cause that restates the problem, or "lack of training" with no why. */
  rootCause(values: FormData, context: Record<string, string>): FieldError[] {
    const cause = typeof values.rootCause === 'string' ? values.rootCause : '';
    const description = context.description ?? '';
    if (description && overlap(cause, description) >= 0.8) {
      return [{ field: 'data.rootCause', message: 'The root cause restates the nonconformity: say why it happened, not what happened' }];
    }
    if (/\black of (awareness|training)\b/i.test(cause) && words(cause).size < 8) {
      return [{ field: 'data.rootCause', message: '"Lack of training" is not a root cause on its own: say why the training was missing or did not work' }];
    }
    return [];
  },
  /** A rejection must say why: the reason goes back to whoever redoes the work. */
  approval(values: FormData): FieldError[] {
    return values.decision === 'reject' && !values.reason ? [{ field: 'data.reason', message: 'Say why you reject it: the reason goes back to the owner' }] : [];
  },
  /** A report submitted after its deadline says why (the regulators ask). */
  /**
   * A report's submission: when it reached the authority (now, or an earlier instant with its offset,
   * not before its clock started), and a reason when that was after the deadline.
   */
  reportSubmission(values: FormData, context: Record<string, string>, now: string): FieldError[] {
    const given = typeof values.submittedAt === 'string' ? values.submittedAt.trim() : '';
    if (given && !isDateTime(given)) return [{ field: 'data.submittedAt', message: 'Submitted at must be a date and time with its offset, e.g. 2026-03-01T14:30+01:00' }];
    if (given && Date.parse(given) > Date.parse(now)) return [{ field: 'data.submittedAt', message: 'Submitted at cannot be in the future' }];
    if (given && context.startsAt && Date.parse(given) < Date.parse(context.startsAt)) {
      return [{ field: 'data.submittedAt', message: `Submitted at cannot be before this report's clock started (${context.startsAt})` }];
    }
    const at = given || now;
    const late = context.dueAt && Date.parse(at) > Date.parse(context.dueAt);
    return late && !values.lateReason ? [{ field: 'data.lateReason', message: `The deadline (${context.dueAt}) has passed: say why the report is late` }] : [];
  },
  /**
   * A later awareness (DOMAIN.md 4, "Counting time"): an instant with its offset, not before the
   * ticket's awareness (the earliest recorded moment), not in the future, and with its reason.
   */
  incidentTriage(values: FormData, context: Record<string, string>, now: string): FieldError[] {
    const at = typeof values.awareAt === 'string' ? values.awareAt.trim() : '';
    if (!at) return values.awarenessReason ? [{ field: 'data.awareAt', message: 'Give the later awareness the reason is for, or leave both empty' }] : [];
    if (!isDateTime(at)) return [{ field: 'data.awareAt', message: 'Became aware must be a date and time with its offset, e.g. 2026-03-01T14:30+01:00' }];
    if (Date.parse(at) < Date.parse(context.awareAt)) return [{ field: 'data.awareAt', message: `The ticket's awareness (${context.awareAt}) is the earliest recorded moment: a recorded awareness can only be later` }];
    if (Date.parse(at) > Date.parse(now)) return [{ field: 'data.awareAt', message: 'Became aware cannot be in the future' }];
    return values.awarenessReason ? [] : [{ field: 'data.awarenessReason', message: 'Say why awareness came later than the ticket: the authority will ask' }];
  },
  /** A failed control must be named, or no nonconformity can be raised against it. */
  incidentReview(values: FormData): FieldError[] {
    return values.controlFailed === 'yes' && !values.failedControl ? [{ field: 'data.failedControl', message: 'Name the control that failed' }] : [];
  },
  /** ISO 27001 9.2.2: auditors are chosen so the audit is objective and impartial. */
  auditPlan(values: FormData): FieldError[] {
    return values.impartial === 'no' ? [{ field: 'data.impartial', message: 'Choose an auditor who does not audit their own work (ISO 27001 9.2.2)' }] : [];
  },
  /** Top management reviews the ISMS (9.3.1): at least one of them attended. */
  reviewMeeting(values: FormData, context: Record<string, string>): FieldError[] {
    const attendees = typeof values.attendees === 'string' ? values.attendees.toLowerCase() : '';
    const top = (context.topManagement ?? '').split(',').filter(Boolean);
    return top.length && !top.some((person) => attendees.includes(person.toLowerCase()))
      ? [{ field: 'data.attendees', message: `Top management must attend the management review: list at least one of ${top.join(', ')}` }]
      : [];
  },
  /** Whole numbers, and no more completions than people. */
  trainingCampaign(values: FormData): FieldError[] {
    const count = (v: FormValue | undefined) => (typeof v === 'string' && /^\d{1,7}$/.test(v.trim()) ? Number(v) : NaN);
    const staff = count(values.staffInScope);
    const completed = count(values.completed);
    if (Number.isNaN(staff) || staff === 0) return [{ field: 'data.staffInScope', message: 'Staff in scope must be a whole number above 0' }];
    if (Number.isNaN(completed)) return [{ field: 'data.completed', message: 'Staff who completed it must be a whole number' }];
    return completed > staff ? [{ field: 'data.completed', message: 'More people completed it than are in scope' }] : [];
  },
  /**
   * Every action is due after today (in the organisation's zone), and with a certification body's
   * closure deadline no later than the last day that leaves the closing steps their time.
   */
  actionPlan(values: FormData, context: Record<string, string>, now: string): FieldError[] {
    const today = localDate(now, context.timeZone ?? 'UTC');
    const rows = (values.actions ?? []) as Array<Record<string, string>>;
    const by = context.actionsDueBy;
    const deadline = `the certification body's closure deadline (${context.closeByDay}, ${context.closeBy})`;
    if (by && by <= today) {
      return [{ field: 'data.actions', message: `No action plan can fit before ${deadline}: the effectiveness review, ISMS changes and closure need the time left. Tell the certification body.` }];
    }
    return rows.flatMap((row, i) => {
      if (row.due && row.due <= today) return [{ field: `data.actions.${i}.due`, message: `Action ${i + 1}: the due date must be after today` }];
      if (row.due && by && row.due > by) return [{ field: `data.actions.${i}.due`, message: `Action ${i + 1}: due ${row.due} is too late for ${deadline}: actions must be done by ${by} to leave time for the effectiveness review, ISMS changes and closure` }];
      return [];
    });
  },
};
