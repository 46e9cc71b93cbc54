/**
 * What ticketing systems tell ismsflow about an incident (DOMAIN.md section 4): the event
 * vocabulary and the one check every event passes before it reaches a workflow.
 */
import { isDateTime, textProblem } from './input';
import { isHttpUrl } from './tasks';

export const INCIDENT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** What ticketing systems tell ismsflow about an incident's handling. */
export const TICKET_EVENT_TYPES = ['triaged', 'contained', 'eradicated', 'recovered', 'resolved', 'reopened', 'severity', 'reclassified', 'evidence', 'comment'] as const;

/** Events that say something about the incident without moving its handling on. */
export const NOTE_EVENTS: readonly TicketEventType[] = ['severity', 'reclassified', 'evidence', 'comment'];
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

export interface TicketEvent {
  /** The ticketing system's id for the event: the same id twice is one event. */
  eventId: string;
  type: TicketEventType;
  at: string;
  /** Who did it: the caller, or the person the caller names (a ticketing system, a key with the on-behalf scope). */
  by?: string;
  /** The caller who recorded it for `by`, when that is someone else. */
  recordedBy?: string;
  /** The person a ticket named where the caller may not name people: kept as the ticket said, not as the actor. */
  ticketUser?: string;
  severity?: IncidentSeverity;
  evidence?: string[];
  comment?: string;
}

/**
 * Why a ticket event cannot be applied, or undefined: the API checks events at the edge, and the
 * workflow again on receipt (a signal has no validator), so no event can fail a later step.
 */
export function ticketEventProblem(e: TicketEvent): string | undefined {
  const line = (v: unknown, max: number) => typeof v === 'string' && v.length <= max && !textProblem(v, { lineBreaks: false });
  if (!line(e.eventId, 200) || !e.eventId) return 'eventId must be a single line of at most 200 characters';
  if (!(TICKET_EVENT_TYPES as readonly string[]).includes(e.type)) return `type must be one of: ${TICKET_EVENT_TYPES.join(', ')}`;
  if (typeof e.at !== 'string' || !isDateTime(e.at)) return 'at must be a date-time';
  for (const who of ['by', 'recordedBy', 'ticketUser'] as const) if (e[who] !== undefined && !line(e[who], 254)) return `${who} must be a single line of at most 254 characters`;
  if (e.severity !== undefined && !(INCIDENT_SEVERITIES as readonly string[]).includes(e.severity)) return `severity must be one of: ${INCIDENT_SEVERITIES.join(', ')}`;
  if (e.comment !== undefined && (typeof e.comment !== 'string' || e.comment.length > 10_000 || textProblem(e.comment))) return 'comment must be text of at most 10,000 characters';
  if (e.evidence !== undefined && (!Array.isArray(e.evidence) || e.evidence.length > 20 || e.evidence.some((u) => typeof u !== 'string' || !isHttpUrl(u) || !line(u, 2000)))) return 'evidence must be at most 20 http(s) links';
  return undefined;
}
