/**
 * Jira Cloud webhooks (Atlassian's "Webhooks" developer documentation): `jira:issue_created`,
 * `jira:issue_updated` (the whole issue, with a changelog of what changed), `jira:issue_deleted`,
 * `comment_created`.
 * Statuses and priorities are a Jira site's own; the usual names are mapped, and a status in the
 * "done" category counts as resolved whatever its name.
 */
import type { FieldError, IncidentSeverity, TicketEvent, TicketEventType } from '../../../../../libs/domain/src';
import { plainText } from './adf';
import { clip, obj, own, required, requiredTime, str, type Json, type Mapped } from './payload';

const PRIORITY: Record<string, IncidentSeverity> = {
  highest: 'critical',
  blocker: 'critical',
  critical: 'critical',
  high: 'high',
  major: 'high',
  medium: 'medium',
  low: 'low',
  minor: 'low',
  lowest: 'low',
  trivial: 'low',
};
const STATUS: Record<string, TicketEventType> = {
  triaged: 'triaged',
  contained: 'contained',
  eradicated: 'eradicated',
  recovered: 'recovered',
  resolved: 'resolved',
  done: 'resolved',
  closed: 'resolved',
  reopened: 'reopened',
};
const DONE = new Set(['resolved', 'done', 'closed']);
const ACTED_ON = new Set(['jira:issue_created', 'jira:issue_updated', 'comment_created']);
/** Jira's `timestamp` is milliseconds since 1970; anything outside these years is not a real delivery. */
const EARLIEST = Date.UTC(2000, 0, 1);

const severityOf = (priority: unknown) => PRIORITY[(str(obj(priority).name) ?? '').toLowerCase()];
const person = (u: Json) => str(u.emailAddress) ?? str(u.displayName) ?? str(u.accountId);

export function fromJira(body: unknown): Mapped {
  const errors: FieldError[] = [];
  const payload = obj(body);
  const event = required(errors, 'webhookEvent', str(payload.webhookEvent));
  if (event === 'jira:issue_deleted') return { events: [], errors: [], ignored: 'a deleted Jira issue changes nothing: the incident keeps its record' };
  if (event && !ACTED_ON.has(event)) return { events: [], errors: [], ignored: `ismsflow does not act on the Jira event ${event}` };
  const at = deliveredAt(errors, payload.timestamp);
  const issue = obj(payload.issue);
  const fields = obj(issue.fields);
  const key = required(errors, 'issue.key', str(issue.key));
  const by = person(obj(payload.user));
  const incidentId = key ? `jira:${key}` : undefined;

  if (event === 'comment_created') {
    const comment = obj(payload.comment);
    const id = required(errors, 'comment.id', str(comment.id));
    const text = plainText(comment.body);
    const events: TicketEvent[] = text ? [{ eventId: `${key}:comment:${id}`, type: 'comment', comment: clip(text, 10_000), at, by: person(obj(comment.author)) ?? by }] : [];
    return { incidentId, events, errors };
  }

  // A new issue must describe itself; an update needs to only when ismsflow has not seen the ticket yet.
  const reportErrors: FieldError[] = [];
  const summary = required(reportErrors, 'issue.fields.summary', str(fields.summary));
  const created = requiredTime(reportErrors, 'issue.fields.created', str(fields.created));
  if (event === 'jira:issue_created') errors.push(...reportErrors);
  const events: TicketEvent[] = [];
  const changelog = obj(payload.changelog);
  const currentStatus = obj(fields.status);
  const items = Array.isArray(changelog.items) ? changelog.items.map(obj) : [];
  for (const [i, item] of items.entries()) {
    const eventId = `${key}:${str(changelog.id) ?? at}:${i}`;
    const to = (str(own(item, 'toString')) ?? '').toLowerCase();
    if (item.field === 'status') {
      const isCurrent = to === (str(currentStatus.name) ?? '').toLowerCase();
      const type = STATUS[to] ?? (isCurrent && str(obj(currentStatus.statusCategory).key) === 'done' ? 'resolved' : undefined);
      if (type) events.push({ eventId, type, at, by });
      else if (DONE.has((str(own(item, 'fromString')) ?? '').toLowerCase())) events.push({ eventId, type: 'reopened', at, by });
    }
  }
  // The issue's priority; a payload that leaves the fields out (a filtered webhook) still has the change.
  const changed = [...items].reverse().find((item) => item.field === 'priority');
  const severity = severityOf(fields.priority) ?? (changed ? severityOf({ name: own(changed, 'toString') }) : undefined);
  const version = str(changelog.id) ?? (payload.timestamp !== undefined ? str(payload.timestamp) : undefined);
  const reporter = obj(fields.reporter);
  return {
    incidentId,
    errors,
    events,
    // At creation the priority dates from the issue's creation; later it is as of this delivery.
    priority: severity ? { severity, at: event === 'jira:issue_created' ? created || at : at, by, ...(version ? { version } : {}) } : undefined,
    reportErrors,
    report: reportErrors.length ? undefined : {
      system: 'jira',
      ticketId: key,
      title: clip(summary, 300),
      description: clip(plainText(fields.description) ?? summary, 20_000),
      detectedAt: created,
      reportedBy: clip(person(reporter) ?? by ?? 'jira', 254),
      affectedAssets: (Array.isArray(fields.labels) ? fields.labels.filter((l): l is string => typeof l === 'string') : []).slice(0, 100),
    },
  };
}

/** When Jira sent the delivery (its `timestamp`, in milliseconds), or now when it gives none. */
function deliveredAt(errors: FieldError[], timestamp: unknown): string {
  if (timestamp === undefined) return new Date().toISOString();
  const ms = typeof timestamp === 'number' ? timestamp : NaN;
  if (!Number.isInteger(ms) || ms < EARLIEST || ms > Date.now() + 86_400_000) {
    errors.push({ field: 'timestamp', message: 'timestamp must be the delivery time in milliseconds since 1970' });
    return new Date().toISOString();
  }
  return new Date(ms).toISOString();
}
