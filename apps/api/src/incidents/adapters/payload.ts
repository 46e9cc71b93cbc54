/**
 * Reading vendors' webhook payloads: plain JSON of unknown shape. Unknown fields are ignored; a
 * missing or malformed field that ismsflow needs is reported by its path in the payload.
 */
import type { FieldError, IncidentSeverity, TicketEvent } from '../../../../../libs/domain/src';
import { zonedInstant } from '../../../../../libs/domain/src';
import type { ReportIncidentDto } from '../dto/incident.dto';

/** What a webhook means for ismsflow: the incident it reports (idempotently) and the ticket's changes to apply. */
export interface Mapped {
  /** The incident the ticket is (`<system>:<ticket>`), when the delivery concerns one. */
  incidentId?: string;
  /** The incident as the ticket describes it: reported unless it already is (then nothing restarts). */
  report?: ReportIncidentDto;
  /** Why the delivery cannot report the incident: an error only when ismsflow does not know it yet. */
  reportErrors?: FieldError[];
  events: TicketEvent[];
  /**
   * The ticket's priority as it stands now, for a delivery that carries the whole ticket: applied as
   * the incident's severity only when it differs from the last one taken from the ticket, so a record
   * sent again on every update neither repeats it nor overrides what triage decided since. `version`
   * is the ticket's own revision (Jira's changelog id or delivery time, ServiceNow's sys_mod_count).
   */
  priority?: { severity: IncidentSeverity; at: string; by?: string; version?: string };
  errors: FieldError[];
  /** Why a delivery was acknowledged without effect. */
  ignored?: string;
}

export type Json = Record<string, unknown>;
export const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
/** A field the object itself has: Jira's changelog uses keys like `toString`. */
export const own = (o: Json, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

export function required(errors: FieldError[], path: string, value: string | undefined, what = ''): string {
  if (value === undefined) errors.push({ field: path, message: `${path} is required${what}` });
  return value ?? '';
}

/** Long texts from tickets are kept, cut to what the record holds, rather than refusing the ticket. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const WITH_ZONE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A date-time as ticketing systems write it: ISO 8601 with an offset (Jira: `2026-11-24T08:00:00.000+0100`),
 * or a wall time without one (ServiceNow: `2026-11-24 08:00:00`), which is read in `timeZone`. Impossible
 * dates (`2026-02-31`) are not dates.
 */
export function parseTicketTime(value: string, timeZone = 'UTC'): string | undefined {
  const m = WITH_ZONE.exec(value.trim());
  if (!m) return undefined;
  const [, date, hh, mm, ss = '0', frac = '0', zone] = m;
  const [y, mo, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return undefined;
  const extraMs = Number(ss) * 1000 + Math.floor(Number(`0.${frac}`) * 1000);
  if (zone) {
    // UTC offsets run from -12:00 to +14:00.
    if (zone.toUpperCase() !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(-2)) > 59)) return undefined;
    const offset = zone.toUpperCase() === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
    return new Date(Date.UTC(y, mo - 1, d, Number(hh), Number(mm)) + extraMs - offset * 60_000).toISOString();
  }
  return new Date(Date.parse(zonedInstant(date, Number(hh), Number(mm), timeZone)) + extraMs).toISOString();
}

/** A required date-time field: its ISO form, or an error naming it. */
export function requiredTime(errors: FieldError[], path: string, value: string | undefined, timeZone?: string): string {
  const iso = value === undefined ? undefined : parseTicketTime(value, timeZone);
  if (value === undefined) errors.push({ field: path, message: `${path} is required (a date-time)` });
  else if (!iso) errors.push({ field: path, message: `${path} must be a date-time such as 2026-11-24T08:00:00Z or 2026-11-24 08:00:00` });
  return iso ?? '';
}
