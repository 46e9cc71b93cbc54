/**
 * FROZEN: the regulatory clocks as incidents started before the rebuild (issue 18) still run them,
 * in workflows/legacy/incident-response-v1.ts. Replaying those workflows needs exactly this code,
 * UTC months included; today's rules are in regulatory.ts. Delete both files once no incident
 * started before the rebuild is running (see README, "Changing workflow code").
 */
import type { Regime, ReportKind } from './regulatory';
import { HOUR_MS } from './time';

/** What has been decided and recorded about an incident; every clock follows from these. */
export interface LegacyRegulatoryFacts {
  /** When the organisation became aware of the incident (GDPR, NIS2, DORA all count from it). */
  awareAt: string;
  gdpr?: { applies: boolean; highRiskToPeople?: boolean; subjectsTargetHours?: number };
  nis2?: { applies: boolean; trustServiceProvider?: boolean };
  /** DORA counts its initial report from the classification as major. */
  dora?: { applies: boolean; classifiedMajorAt?: string };
  /** When each report was submitted; a chained clock starts from its predecessor's submission. */
  submitted: Partial<Record<ReportKind, string>>;
  /** When incident handling ended (NIS2's final report counts from it if it ran past the notification + 1 month). */
  resolvedAt?: string;
}


export interface LegacyRegulatoryDeadline {
  regime: Regime;
  report: ReportKind;
  /** When it is due; absent while the clock has not started (its predecessor is not submitted). */
  dueAt?: string;
  /** When its clock started, for reminders at fractions of the time left. */
  startsAt?: string;
  basis: string;
  submittedAt?: string;
  state: 'open' | 'submitted' | 'missed' | 'submitted late' | 'not started';
}

const GDPR_SUBJECTS_TARGET_HOURS = 72;

const plusHours = (iso: string, h: number) => new Date(Date.parse(iso) + h * HOUR_MS).toISOString();
const earlier = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);

/** One calendar month later, on the same day or the month's last day (31 Jan -> 28/29 Feb). */
function addMonth(iso: string): string {
  const d = new Date(iso);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.toISOString();
}

function deadline(regime: Regime, report: ReportKind, facts: LegacyRegulatoryFacts, now: string, startsAt: string | undefined, dueAt: string | undefined, basis: string): LegacyRegulatoryDeadline {
  const submittedAt = facts.submitted[report];
  let state: LegacyRegulatoryDeadline['state'];
  if (!dueAt) state = 'not started';
  else if (submittedAt) state = Date.parse(submittedAt) <= Date.parse(dueAt) ? 'submitted' : 'submitted late';
  else state = Date.parse(now) > Date.parse(dueAt) ? 'missed' : 'open';
  return { regime, report, dueAt, startsAt, basis, submittedAt, state };
}

/** Every report the facts call for, with its deadline and state at `now`. */
export function legacyRegulatoryDeadlines(facts: LegacyRegulatoryFacts, now: string): LegacyRegulatoryDeadline[] {
  const out: LegacyRegulatoryDeadline[] = [];
  const aware = facts.awareAt;
  const s = facts.submitted;

  if (facts.gdpr?.applies) {
    out.push(deadline('gdpr', 'gdpr-authority', facts, now, aware, plusHours(aware, 72), 'GDPR Art. 33: supervisory authority, 72 h after awareness'));
    if (facts.gdpr.highRiskToPeople) {
      const target = facts.gdpr.subjectsTargetHours ?? GDPR_SUBJECTS_TARGET_HOURS;
      out.push(deadline('gdpr', 'gdpr-subjects', facts, now, aware, plusHours(aware, target), `GDPR Art. 34: data subjects without undue delay (internal target ${target} h)`));
    }
  }

  if (facts.nis2?.applies) {
    const notifyHours = facts.nis2.trustServiceProvider ? 24 : 72;
    out.push(deadline('nis2', 'nis2-early-warning', facts, now, aware, plusHours(aware, 24), 'NIS2 Art. 23(4)(a): early warning, 24 h after awareness'));
    out.push(deadline('nis2', 'nis2-notification', facts, now, aware, plusHours(aware, notifyHours), `NIS2 Art. 23(4)(b): incident notification, ${notifyHours} h after awareness`));
    const notified = s['nis2-notification'];
    const finalFromNotification = notified ? addMonth(notified) : undefined;
    // Still being handled a month after the notification: a progress report then, the final report a month after handling ends.
    const ongoing = finalFromNotification && (!facts.resolvedAt || Date.parse(facts.resolvedAt) > Date.parse(finalFromNotification));
    if (ongoing && (Date.parse(now) >= Date.parse(finalFromNotification) || s['nis2-progress'])) {
      out.push(deadline('nis2', 'nis2-progress', facts, now, notified, finalFromNotification, 'NIS2 Art. 23(4)(d): progress report, one month after the notification, while still ongoing'));
      const final = facts.resolvedAt ? addMonth(facts.resolvedAt) : undefined;
      out.push(deadline('nis2', 'nis2-final', facts, now, facts.resolvedAt, final, 'NIS2 Art. 23(4)(e): final report, one month after handling ended'));
    } else {
      out.push(deadline('nis2', 'nis2-final', facts, now, notified, finalFromNotification, 'NIS2 Art. 23(4)(d): final report, one month after the notification'));
    }
  }

  if (facts.dora?.applies) {
    const classified = facts.dora.classifiedMajorAt;
    const initialDue = classified ? earlier(plusHours(classified, 4), plusHours(aware, 24)) : undefined;
    out.push(deadline('dora', 'dora-initial', facts, now, classified, initialDue, 'DORA Art. 19, RTS 2025/301: initial, 4 h after classification as major, at most 24 h after awareness'));
    const initial = s['dora-initial'];
    out.push(deadline('dora', 'dora-intermediate', facts, now, initial, initial ? plusHours(initial, 72) : undefined, 'DORA RTS 2025/301: intermediate, 72 h after the initial was submitted'));
    const intermediate = s['dora-intermediate'];
    out.push(deadline('dora', 'dora-final', facts, now, intermediate, intermediate ? addMonth(intermediate) : undefined, 'DORA RTS 2025/301: final, one month after the latest intermediate'));
  }
  return out;
}

/** The earliest deadline still to be met, if any: what an admin most needs to see. */
export function legacyNextDeadline(deadlines: LegacyRegulatoryDeadline[]): LegacyRegulatoryDeadline | undefined {
  return deadlines
    .filter((d) => d.dueAt && (d.state === 'open' || d.state === 'missed'))
    .sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!))[0];
}
