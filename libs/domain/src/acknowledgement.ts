/**
 * Policy acknowledgement (ISO 27001 5.2, 7.3, A.5.1, A.6.3): when a policy's new major version is
 * approved, everyone in its audience is asked to read and acknowledge it; a minor version (a typo, a
 * new contact) asks nobody again. Deterministic: the round's workflows import this file.
 */
import { addDays, DAY_MS, endOfDay, localDate } from './time';

/**
 * A version's major part: its leading number (`2` of `2.1`, `v2` reads as written). A version that
 * does not start with a number is its own major, so every such version asks again.
 */
export function majorVersion(version: string): string {
  return /^\d+/.exec(version.trim())?.[0].replace(/^0+(?=\d)/, '') ?? version.trim();
}

/** Whether approving `next` after `previous` (the version in force, if any) asks the audience again. */
export function asksAgain(previous: string | null | undefined, next: string): boolean {
  return previous == null || majorVersion(previous) !== majorVersion(next);
}

/** The round of a document's major version: one per major, so approving it again starts nothing new. */
export const roundId = (documentId: string, version: string) => `${documentId}@${majorVersion(version)}`;

/** Days people have to acknowledge, when the approval names no date. */
export const ACKNOWLEDGE_WITHIN_DAYS = 14;
/** When people asked at `now` must have acknowledged: the end of the `days`th day on the organisation's calendar. */
export function acknowledgeDueAt(now: number, days: number, timeZone: string): string {
  return endOfDay(addDays(localDate(now, timeZone), days), timeZone);
}
/** People per batch workflow: each batch mails, reminds and escalates its people on its own. */
export const ACK_BATCH_SIZE = 200;
/** Mails per activity call, so one call stays well inside its timeout. */
export const ACK_MAIL_CHUNK = 50;
/** The reminder, this long before the due time (skipped when the round is shorter). */
export const ACK_REMIND_BEFORE_MS = 3 * DAY_MS;
/** How long a person's link keeps working after the due time: a late acknowledgement is still one. */
export const ACK_LINK_VALID_AFTER_DUE_MS = 90 * DAY_MS;

/** What a round's workflow needs; the people come from the directory, batch by batch. */
export interface AcknowledgementRoundInput {
  roundId: string;
  documentId: string;
  version: string;
  /** When the people asked at the start must have acknowledged. */
  dueAt: string;
  /** Days a person who joins the audience later (a new starter) has. */
  withinDays: number;
  /** The organisation's calendar: each morning's check for people who joined runs in it. */
  timeZone: string;
  /** Batches already opened, and whether the people asked at first are all asked (continue-as-new carries both). */
  batches?: number;
  joiners?: boolean;
}

export type AcknowledgementMailKind = 'request' | 'reminder' | 'overdue';

/** One batch of a round: its people, who asked when, and when they are due. */
export interface AcknowledgementBatchInput {
  roundId: string;
  batchKey: string;
  dueAt: string;
}

/** When a batch's people are reminded: once, three days before the due time, if that is still ahead. */
export function reminderAt(startedAt: string, dueAt: string): string | undefined {
  const at = Date.parse(dueAt) - ACK_REMIND_BEFORE_MS;
  return at > Date.parse(startedAt) ? new Date(at).toISOString() : undefined;
}

/** A document version as the register writes it: 1 to 20 letters, digits, dots or dashes. */
export const DOCUMENT_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/;

/** A round's workflow input from its record; people who join its audience later get ACKNOWLEDGE_WITHIN_DAYS. */
export function roundStartInput(round: { id: string; documentId: string; version: string; dueAt: Date }, timeZone: string): AcknowledgementRoundInput {
  return { roundId: round.id, documentId: round.documentId, version: round.version, dueAt: round.dueAt.toISOString(), withinDays: ACKNOWLEDGE_WITHIN_DAYS, timeZone };
}

/**
 * The register's document a policy review's row names: by id (`POL-01`, or `POL-01 Access policy`)
 * or by title, ignoring case and spacing. Undefined when none, or more than one, matches.
 */
export function namedDocument<D extends { id: string; title: string }>(name: string, docs: readonly D[]): D | undefined {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const n = norm(name);
  const byId = docs.filter((d) => n === norm(d.id) || (n.startsWith(norm(d.id)) && /^[\s:–—-]/.test(n.slice(d.id.length))));
  const found = byId.length ? byId : docs.filter((d) => norm(d.title) === n);
  return found.length === 1 ? found[0] : undefined;
}

/** A policy review's approval, for the documents register. */
export interface ApprovedPolicies {
  reviewer: string;
  approver: string;
  approvedOn: string;
  policies: Array<{ policy: string; version: string; changes: string; nextReview: string }>;
}

/** What the register made of it: this approval's versions, the ones kept as they were, the rows it could not take and why, rounds to start. */
export interface RecordedPolicies {
  recorded: string[];
  /** The version named is already in the register from an earlier approval: the review kept it. */
  unchanged: string[];
  skipped: Array<{ policy: string; reason: string }>;
  rounds: Array<{ input: AcknowledgementRoundInput; owner: string }>;
}
