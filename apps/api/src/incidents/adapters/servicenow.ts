/**
 * A ServiceNow incident record, as an outbound REST message, a business rule or a flow posts it on
 * insert and on every update (the whole record each time). Fields come as raw values (`"6"`, a
 * sys_id, UTC times), display values (`"Resolved"`, `"1 - Critical"`, a name, times in the instance's
 * zone) or both (`{ "value": ..., "display_value": ..., "link": ... }`, as the Table API's
 * `sysparm_display_value=all` gives them). Times without an offset are read in the instance's time
 * zone (`timeZone` in TICKET_WEBHOOKS.servicenow, default UTC); a `value` of a pair is UTC.
 */
import type { FieldError, IncidentSeverity, TicketEvent } from '../../../../../libs/domain/src';
import { clip, obj, parseTicketTime, required, str, type Json, type Mapped } from './payload';

/** A field as its raw value and its display value (the same text when only one was sent). */
function field(record: Json, name: string): { value?: string; display?: string } {
  const v = record[name];
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const pair = obj(v);
    return { value: str(pair.value), display: str(pair.display_value) ?? str(pair.value) };
  }
  const text = str(v);
  return { value: text, display: text };
}

/** A time field: the UTC `value` of a pair, else the text in the instance's zone. */
function time(record: Json, name: string, timeZone: string): string | undefined {
  const v = record[name];
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const utc = str(obj(v).value);
    return utc === undefined ? undefined : (parseTicketTime(utc, 'UTC') ?? '');
  }
  const text = str(v);
  return text === undefined ? undefined : (parseTicketTime(text, timeZone) ?? '');
}

/** Priority 1 to 5, from `"1"`, `"1 - Critical"` or a name alone. */
const PRIORITY_NUMBER: Record<string, string> = { critical: '1', high: '2', moderate: '3', medium: '3', low: '4', planning: '5' };
const SEVERITY: Record<string, IncidentSeverity> = { '1': 'critical', '2': 'high', '3': 'medium', '4': 'low', '5': 'low' };
/** State: 6 Resolved and 7 Closed end handling; 8 Canceled means no incident handling took place, and is left to triage. */
const STATE_NUMBER: Record<string, string> = { new: '1', 'in progress': '2', 'on hold': '3', resolved: '6', closed: '7', canceled: '8', cancelled: '8' };

function coded(f: { value?: string; display?: string }, names: Record<string, string>): string | undefined {
  for (const text of [f.value, f.display]) {
    const m = text?.match(/^(\d+)(\s*-.*)?$/);
    if (m) return m[1];
    const named = text ? names[text.toLowerCase()] : undefined;
    if (named) return named;
  }
  return undefined;
}

/** A person in a reference field: a dot-walked e-mail if the sender added one, else the display value. */
function person(record: Json, name: string): string | undefined {
  return str(record[`${name}.email`]) ?? field(record, name).display;
}

export function fromServiceNow(body: unknown, timeZone = 'UTC'): Mapped {
  const errors: FieldError[] = [];
  const r = obj(body);
  const number = required(errors, 'number', field(r, 'number').display);
  const title = required(errors, 'short_description', field(r, 'short_description').display);
  const openedAt = timeField(errors, r, 'opened_at', timeZone, true) ?? '';
  const updated = timeField(errors, r, 'sys_updated_on', timeZone) ?? new Date().toISOString();
  const resolvedAt = timeField(errors, r, 'resolved_at', timeZone);
  const reopens = field(r, 'reopen_count').value ?? '0';
  const state = coded(field(r, 'state'), STATE_NUMBER);
  const priority = coded(field(r, 'priority'), PRIORITY_NUMBER);

  const events: TicketEvent[] = [];
  if (state === '6' || state === '7') events.push({ eventId: `${number}:resolved:${reopens}`, type: 'resolved', at: resolvedAt ?? updated });
  else if (Number(reopens) > 0) events.push({ eventId: `${number}:reopened:${reopens}`, type: 'reopened', at: updated });
  const severity = priority ? SEVERITY[priority] : undefined;
  const cmdb = field(r, 'cmdb_ci').display;
  const revision = field(r, 'sys_mod_count').value;
  return {
    incidentId: number ? `servicenow:${number}` : undefined,
    errors,
    events,
    priority: severity ? { severity, at: updated, ...(revision ? { version: revision } : {}) } : undefined,
    report: {
      system: 'servicenow',
      ticketId: number,
      title: clip(title, 300),
      description: clip(field(r, 'description').display ?? title, 20_000),
      detectedAt: openedAt,
      reportedBy: clip(person(r, 'caller_id') ?? person(r, 'opened_by') ?? 'servicenow', 254),
      affectedAssets: cmdb ? [clip(cmdb, 200)] : [],
    },
  };
}

function timeField(errors: FieldError[], r: Json, name: string, timeZone: string, isRequired = false): string | undefined {
  const t = time(r, name, timeZone);
  if (t === undefined && isRequired) errors.push({ field: name, message: `${name} is required (a date-time)` });
  if (t === '') errors.push({ field: name, message: `${name} must be a date-time such as 2026-11-24 08:00:00` });
  return t || undefined;
}
