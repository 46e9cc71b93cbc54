/**
 * Policy acknowledgement (ISO 27001 5.2, 7.3, A.5.1, A.6.3): when a policy's new major version is
 * approved, everyone in its audience is asked to read and acknowledge it; a minor version (a typo, a
 * new contact) asks nobody again. Deterministic: the round's workflows import this file.
 */
import { DAY_MS } from './time';

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
