/**
 * Regulatory reporting clocks for an incident (DOMAIN.md section 4): GDPR Art. 33/34, NIS2 Art. 23,
 * DORA Art. 19 with Delegated Regulation (EU) 2025/301 Art. 5. Every deadline is recomputed from
 * the facts recorded in the incident (awareness, classification, every submission, status
 * changes, resolution), so a reclassification or a submission re-plans the clocks by itself.
 * Hours are exact; "one month after" is counted on the organisation's calendar (time.ts).
 * Pure: workflows and the API share it.
 */
import type { FormData } from './forms';
import { addDays, addHours, addMonthsInZone, localDate, weekday, zonedInstant, type CalendarDate } from './time';

export type Regime = 'gdpr' | 'nis2' | 'dora';

export type ReportKind =
  | 'gdpr-authority'
  | 'gdpr-subjects'
  | 'nis2-early-warning'
  | 'nis2-notification'
  | 'nis2-progress'
  | 'nis2-final'
  | 'dora-initial'
  | 'dora-intermediate'
  | 'dora-final';

/** One report as it was sent to the authority (or the data subjects). */
export interface Submission {
  at: string;
  /** The authority's case number or the portal receipt. */
  reference?: string;
  by?: string;
  /** The deadline it answered, and whether it came after it. */
  dueAt?: string;
  late?: boolean;
}

/** What has been decided and recorded about an incident; every clock follows from these. */
export interface RegulatoryFacts {
  /** When the organisation became aware (GDPR, NIS2 and DORA all count from it): the recorded awareness. */
  awareAt: string;
  /** The organisation's IANA time zone: months are counted on its calendar. */
  timeZone: string;
  gdpr?: { applies: boolean; highRiskToPeople?: boolean; subjectsTargetHours?: number };
  nis2?: { applies: boolean; trustServiceProvider?: boolean };
  /** DORA counts its initial report from the classification as major. */
  dora?: { applies: boolean; classifiedMajorAt?: string; updateTargetHours?: number; relief?: DoraWeekendRelief };
  /** Every submission of each report, in order: updated intermediates after the intermediate, and so on. */
  submissions: Partial<Record<ReportKind, Submission[]>>;
  /** Material changes of the incident's status (regular activities recovered, severity changed): DORA asks for an updated intermediate report. */
  statusChanges?: Array<{ at: string; what: string }>;
  /** When incident handling ended (NIS2's final report counts from it if it ran past the notification + 1 month). */
  resolvedAt?: string;
}

export type DeadlineState = 'open' | 'submitted' | 'missed' | 'submitted late' | 'not started';

export interface RegulatoryDeadline {
  regime: Regime;
  report: ReportKind;
  /** When it is due; absent while the clock has not started (its predecessor is not submitted). */
  dueAt?: string;
  /** When its clock started, for reminders at fractions of the time left. */
  startsAt?: string;
  basis: string;
  /** The submission that answered the current deadline, if any. */
  submittedAt?: string;
  state: DeadlineState;
  /** Every submission of this report so far. */
  submissions: Submission[];
}

/**
 * RTS 2025/301 Art. 5(4): a DORA initial notification, intermediate or final report due on a weekend
 * day or a bank holiday may be submitted by 12:00 on the next working day. Art. 5(5) leaves out the
 * largest entities (credit institutions, central counterparties, trading venues and others), so it
 * applies only where the organisation says so; without it ismsflow keeps the stricter time.
 */
export interface DoraWeekendRelief {
  /** Working weekdays, 0 = Sunday (the organisation's). */
  workingDays: number[];
  /** The bank holidays of the financial entity's Member State, as calendar days. */
  bankHolidays: CalendarDate[];
}

/** The time a DORA report is due under Art. 5(4): noon of the next working day when `dueAt` falls on a day off, else `dueAt`. */
export function doraDueWithRelief(dueAt: string, timeZone: string, relief: DoraWeekendRelief | undefined): string {
  if (!relief?.workingDays.length) return dueAt;
  const off = (day: CalendarDate) => !relief.workingDays.includes(weekday(day)) || relief.bankHolidays.includes(day);
  const day = localDate(dueAt, timeZone);
  if (!off(day)) return dueAt;
  let next = addDays(day, 1);
  for (let i = 0; i < 366 && off(next); i++) next = addDays(next, 1);
  return zonedInstant(next, 12, 0, timeZone);
}

/** GDPR Art. 34 says "without undue delay": the internal target unless the organisation sets one. */
export const GDPR_SUBJECTS_TARGET_HOURS = 72;
/** RTS 2025/301 Art. 5(1)(b): an updated intermediate "without undue delay": the internal target unless the organisation sets one. */
export const DORA_UPDATE_TARGET_HOURS = 24;

const ms = Date.parse;
const earliest = (a: string, b: string) => (ms(a) <= ms(b) ? a : b);

/** Every report the facts call for, with its deadline and state at `now`. */
export function regulatoryDeadlines(facts: RegulatoryFacts, now: string): RegulatoryDeadline[] {
  const out: RegulatoryDeadline[] = [];
  const aware = facts.awareAt;
  const tz = facts.timeZone;
  const subs = (r: ReportKind) => facts.submissions[r] ?? [];
  const first = (r: ReportKind) => subs(r)[0]?.at;
  const latest = (r: ReportKind) => subs(r).at(-1)?.at;
  const push = (regime: Regime, report: ReportKind, startsAt: string | undefined, dueAt: string | undefined, basis: string, answeredFrom?: string) =>
    out.push(deadline(regime, report, subs(report), now, startsAt, dueAt, basis, answeredFrom));

  if (facts.gdpr?.applies) {
    push('gdpr', 'gdpr-authority', aware, addHours(aware, 72), 'GDPR Art. 33(1): supervisory authority, within 72 h of becoming aware (later only with the reasons for the delay)');
    if (facts.gdpr.highRiskToPeople) {
      const target = facts.gdpr.subjectsTargetHours ?? GDPR_SUBJECTS_TARGET_HOURS;
      push('gdpr', 'gdpr-subjects', aware, addHours(aware, target), `GDPR Art. 34(1): data subjects without undue delay (internal target ${target} h)`);
    }
  }

  if (facts.nis2?.applies) {
    const notifyHours = facts.nis2.trustServiceProvider ? 24 : 72;
    push('nis2', 'nis2-early-warning', aware, addHours(aware, 24), 'NIS2 Art. 23(4)(a): early warning, within 24 h of becoming aware');
    push('nis2', 'nis2-notification', aware, addHours(aware, notifyHours), `NIS2 Art. 23(4)(b): incident notification, within ${notifyHours} h of becoming aware`);
    const notified = first('nis2-notification');
    const monthAfter = notified ? addMonthsInZone(notified, 1, tz) : undefined;
    const resolved = facts.resolvedAt;
    // Art. 23(4)(e): ongoing when the report falls due, a progress report then and the final a month after handling ends.
    const ongoing = !resolved || (monthAfter !== undefined && ms(resolved) > ms(monthAfter)) || subs('nis2-progress').length > 0;
    if (notified && ongoing) {
      push('nis2', 'nis2-progress', notified, monthAfter, 'NIS2 Art. 23(4)(e): progress report, one month after the notification, as the incident is still being handled');
      push('nis2', 'nis2-final', resolved, resolved ? addMonthsInZone(resolved, 1, tz) : undefined, 'NIS2 Art. 23(4)(e): final report, within one month of the end of handling');
    } else {
      push('nis2', 'nis2-final', notified, monthAfter, 'NIS2 Art. 23(4)(d): final report, one month after the notification');
    }
  }

  if (facts.dora?.applies) {
    const classified = facts.dora.classifiedMajorAt;
    // Art. 5(1)(a): 4 h after classification, at most 24 h after awareness; Art. 5(2): not classified
    // within those 24 h (a classification at the 24th hour is not within them), 4 h after it.
    const initialDue = classified ? (ms(classified) >= ms(addHours(aware, 24)) ? addHours(classified, 4) : earliest(addHours(classified, 4), addHours(aware, 24))) : undefined;
    const relief = facts.dora.relief;
    const reliefNote = (statutory: string | undefined, due: string | undefined) => (statutory && due !== statutory ? '; due on a day off, so by 12:00 on the next working day (Art. 5(4))' : '');
    const initialRelieved = initialDue && doraDueWithRelief(initialDue, tz, relief);
    push('dora', 'dora-initial', classified, initialRelieved, `RTS 2025/301 Art. 5(1)(a), (2): initial notification, 4 h after classification as major and at most 24 h after awareness (4 h after a classification later than that)${reliefNote(initialDue, initialRelieved)}`);
    const initial = first('dora-initial');
    const intermediates = subs('dora-intermediate');
    // A material change after the latest intermediate asks for an updated one, until the final report
    // is in: after it the incident's reporting is complete and nothing is owed for later changes.
    const finalAt = first('dora-final');
    const update = intermediates.length
      ? (facts.statusChanges ?? []).find((c) => ms(c.at) > ms(intermediates.at(-1)!.at) && (!finalAt || ms(c.at) < ms(finalAt)))
      : undefined;
    if (update) {
      const target = facts.dora.updateTargetHours ?? DORA_UPDATE_TARGET_HOURS;
      push('dora', 'dora-intermediate', update.at, addHours(update.at, target), `RTS 2025/301 Art. 5(1)(b): updated intermediate report without undue delay (${update.what}; internal target ${target} h)`, update.at);
    } else {
      const due = initial ? addHours(initial, 72) : undefined;
      const relieved = due && doraDueWithRelief(due, tz, relief);
      push('dora', 'dora-intermediate', initial, relieved, `RTS 2025/301 Art. 5(1)(b): intermediate report, within 72 h of the initial notification${reliefNote(due, relieved)}`);
    }
    const lastIntermediate = latest('dora-intermediate');
    const finalDue = lastIntermediate ? addMonthsInZone(lastIntermediate, 1, tz) : undefined;
    const finalRelieved = finalDue && doraDueWithRelief(finalDue, tz, relief);
    push('dora', 'dora-final', lastIntermediate, finalRelieved, `RTS 2025/301 Art. 5(1)(c): final report, one month after the latest (updated) intermediate report${reliefNote(finalDue, finalRelieved)}`);
  }
  return out;
}

/** The state of one deadline: answered by the first submission made since `answeredFrom` (its clock's start for updates). */
function deadline(
  regime: Regime,
  report: ReportKind,
  submissions: Submission[],
  now: string,
  startsAt: string | undefined,
  dueAt: string | undefined,
  basis: string,
  answeredFrom?: string,
): RegulatoryDeadline {
  const answer = answeredFrom ? submissions.find((s) => ms(s.at) >= ms(answeredFrom)) : submissions[0];
  let state: DeadlineState;
  if (!dueAt) state = 'not started';
  else if (answer) state = ms(answer.at) <= ms(dueAt) ? 'submitted' : 'submitted late';
  else state = ms(now) > ms(dueAt) ? 'missed' : 'open';
  return { regime, report, dueAt, startsAt, basis, submittedAt: answer?.at, state, submissions };
}

/** Deadlines still waiting for a submission: what a report task is open for. */
export function owedDeadlines(deadlines: RegulatoryDeadline[]): RegulatoryDeadline[] {
  return deadlines.filter((d) => d.dueAt && (d.state === 'open' || d.state === 'missed'));
}

/** The earliest deadline still to be met, if any: what an admin most needs to see. */
export function nextDeadline(deadlines: RegulatoryDeadline[]): RegulatoryDeadline | undefined {
  return owedDeadlines(deadlines).sort((a, b) => ms(a.dueAt!) - ms(b.dueAt!))[0];
}

/** Reminder times at fixed fractions of the time between a clock's start and its deadline. */
export function reminderTimes(startsAt: string, dueAt: string, fractions: number[] = [0.5, 0.75, 0.9]): string[] {
  const start = ms(startsAt);
  const span = ms(dueAt) - start;
  return fractions.map((f) => new Date(start + span * f).toISOString());
}

/** When a report reached the authority: the time its owner recorded, else when they completed the task. */
export function submissionTime(result: { data?: FormData; completedAt?: string }): string {
  const given = typeof result.data?.submittedAt === 'string' ? result.data.submittedAt.trim() : '';
  return given ? new Date(given).toISOString() : (result.completedAt ?? new Date().toISOString());
}
