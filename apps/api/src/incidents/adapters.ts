/**
 * Webhook payloads as Jira and ServiceNow send them, mapped to ismsflow's incident model. Unknown
 * fields are ignored; a missing required field is reported by its path in the payload.
 */
import type { FieldError, IncidentSeverity, TicketEvent, TicketEventType } from '../../../../libs/domain/src';
import type { ReportIncidentDto } from './dto/incident.dto';

export type Mapped = { report?: ReportIncidentDto; events: TicketEvent[]; errors: FieldError[]; incidentId?: string };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
/** A field the object itself has: Jira's changelog uses keys like `toString`. */
const own = (o: Json, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

function required(errors: FieldError[], path: string, value: string | undefined): string {
  if (value === undefined) errors.push({ field: path, message: `${path} is required` });
  return value ?? '';
}

/** Jira's "2026-11-24T08:00:00.000+0000" and ServiceNow's "2026-11-24 08:00:00" (UTC) as ISO 8601. */
export function isoTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const normalised = value.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const withZone = /[zZ]|[+-]\d{2}:\d{2}$/.test(normalised) ? normalised : `${normalised}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const JIRA_PRIORITY: Record<string, IncidentSeverity> = { highest: 'critical', blocker: 'critical', high: 'high', medium: 'medium', low: 'low', lowest: 'low' };
const JIRA_STATUS: Record<string, TicketEventType> = {
  triaged: 'triaged',
  contained: 'contained',
  eradicated: 'eradicated',
  recovered: 'recovered',
  resolved: 'resolved',
  done: 'resolved',
  closed: 'resolved',
  reopened: 'reopened',
};

export function fromJira(body: unknown): Mapped {
  const errors: FieldError[] = [];
  const payload = obj(body);
  const issue = obj(payload.issue);
  const fields = obj(issue.fields);
  const key = required(errors, 'issue.key', str(issue.key));
  const event = str(payload.webhookEvent);
  if (event !== 'jira:issue_created' && event !== 'jira:issue_updated') {
    errors.push({ field: 'webhookEvent', message: 'webhookEvent must be jira:issue_created or jira:issue_updated' });
  }
  const ts = Number(payload.timestamp);
  const at = Number.isFinite(ts) && ts > 0 ? new Date(ts).toISOString() : new Date().toISOString();
  const by = str(obj(payload.user).emailAddress) ?? str(obj(payload.user).displayName);
  const changelog = obj(payload.changelog);
  const events: TicketEvent[] = [];
  const items = Array.isArray(changelog.items) ? changelog.items.map(obj) : [];
  for (const [i, item] of items.entries()) {
    const id = `${key}:${str(changelog.id) ?? at}:${i}`;
    if (item.field === 'status') {
      const type = JIRA_STATUS[(str(own(item, 'toString')) ?? '').toLowerCase()];
      const wasDone = ['done', 'closed', 'resolved'].includes((str(own(item, 'fromString')) ?? '').toLowerCase());
      if (type) events.push({ eventId: id, type, at, by });
      else if (wasDone) events.push({ eventId: id, type: 'reopened', at, by });
    } else if (item.field === 'priority') {
      const severity = JIRA_PRIORITY[(str(own(item, 'toString')) ?? '').toLowerCase()];
      if (severity) events.push({ eventId: id, type: 'severity', severity, at, by });
    }
  }
  if (event !== 'jira:issue_created') return { events, errors, incidentId: key ? `jira:${key}` : undefined };
  const summary = required(errors, 'issue.fields.summary', str(fields.summary));
  const created = isoTime(str(fields.created));
  if (!created) errors.push({ field: 'issue.fields.created', message: 'issue.fields.created is required (a date-time)' });
  const reporter = obj(fields.reporter);
  return {
    errors,
    events,
    incidentId: `jira:${key}`,
    report: {
      system: 'jira',
      ticketId: key,
      title: summary,
      description: str(fields.description) ?? summary,
      detectedAt: created ?? at,
      reportedBy: str(reporter.emailAddress) ?? str(reporter.displayName) ?? by ?? 'jira',
      affectedAssets: Array.isArray(fields.labels) ? fields.labels.filter((l): l is string => typeof l === 'string') : [],
    },
  };
}

const SN_PRIORITY: Record<string, IncidentSeverity> = { '1': 'critical', '2': 'high', '3': 'medium', '4': 'low', '5': 'low' };

/** A ServiceNow incident (inserted or updated): the current record, as an outbound REST message sends it. */
export function fromServiceNow(body: unknown): Mapped {
  const errors: FieldError[] = [];
  const r = obj(body);
  const number = required(errors, 'number', str(r.number));
  const title = required(errors, 'short_description', str(r.short_description));
  const opened = isoTime(str(r.opened_at));
  if (!opened) errors.push({ field: 'opened_at', message: 'opened_at is required (a date-time)' });
  const updated = isoTime(str(r.sys_updated_on)) ?? new Date().toISOString();
  const reopens = str(r.reopen_count) ?? '0';
  const state = str(r.state);
  const events: TicketEvent[] = [];
  if (state === '6' || state === '7') events.push({ eventId: `${number}:resolved:${reopens}`, type: 'resolved', at: isoTime(str(r.resolved_at)) ?? updated });
  else if (Number(reopens) > 0) events.push({ eventId: `${number}:reopened:${reopens}`, type: 'reopened', at: updated });
  const severity = SN_PRIORITY[str(r.priority) ?? ''];
  if (severity) events.push({ eventId: `${number}:priority:${str(r.priority)}`, type: 'severity', severity, at: updated });
  return {
    errors,
    events,
    incidentId: number ? `servicenow:${number}` : undefined,
    report: {
      system: 'servicenow',
      ticketId: number,
      title,
      description: str(r.description) ?? title,
      detectedAt: opened ?? updated,
      reportedBy: str(r.caller_id) ?? str(r.opened_by) ?? 'servicenow',
      affectedAssets: str(r.cmdb_ci) ? [str(r.cmdb_ci)!] : [],
    },
  };
}
