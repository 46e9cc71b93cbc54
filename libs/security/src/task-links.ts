import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { sign, verify } from './signing';

/**
 * Task links: `<taskId>.<version>.<expiry>.<signature>`. The signature binds the link to one task,
 * one assignee version and an expiry, and is deterministic so a retried mail carries the same link.
 * Only the link's SHA-256 is stored; the database row makes it single-use and revocable, and the
 * task service checks its expiry (to tell the person it expired rather than that it is wrong).
 */
export interface TaskLinkClaims {
  taskId: string;
  version: number;
  assignee: string;
  expiresAt: Date;
}

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);
const taskLinkFields = (c: TaskLinkClaims) => [c.taskId, c.version, c.assignee.toLowerCase(), seconds(c.expiresAt)];
const taskLinkPrefix = (c: TaskLinkClaims) => `${c.taskId}.${c.version}.${seconds(c.expiresAt)}.`;

export function signTaskLink(secret: string, c: TaskLinkClaims): string {
  return `${taskLinkPrefix(c)}${sign('task-link', secret, ...taskLinkFields(c))}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The claims a token says it carries, before anything is trusted. */
export function parseTaskLink(token: string): { taskId: string; version: number; expiresAt: Date } | undefined {
  const m = /^([a-z0-9]{1,64})\.(\d{1,6})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  return { taskId: m[1], version: Number(m[2]), expiresAt: new Date(Number(m[3]) * 1000) };
}

/** True when the token was signed by us for exactly these claims. */
export function verifyTaskLink(secret: string, token: string, c: TaskLinkClaims): boolean {
  const prefix = taskLinkPrefix(c);
  return token.startsWith(prefix) && verify('task-link', secret, taskLinkFields(c), token.slice(prefix.length));
}

/**
 * A calendar feed's token: calendar apps cannot send an API key, so the feed's URL carries a
 * signature of the cycle id. Anyone with the URL sees the plan's dates and titles, nothing else.
 */
export function calendarToken(secret: string, cycleId: string): string {
  return sign('calendar', secret, cycleId);
}

export function verifyCalendarToken(secret: string, cycleId: string, token: unknown): boolean {
  return verify('calendar', secret, [cycleId], token);
}

/**
 * A person's "my tasks" link: `<email, base64url>.<expiry>.<signature>`, in every task mail. It only
 * lists that person's tasks; each task still opens through its own single-use task link.
 */
export function signPersonLink(secret: string, email: string, expiresAt: Date): string {
  const who = Buffer.from(email.toLowerCase()).toString('base64url');
  const expiry = seconds(expiresAt);
  return `${who}.${expiry}.${sign('person-link', secret, who, expiry)}`;
}

/** The person a link was signed for, if it is ours and has not expired. */
export function verifyPersonLink(secret: string, token: string, now = Date.now()): string | undefined {
  const m = /^([A-Za-z0-9_-]{1,400})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || !verify('person-link', secret, [m[1], m[2]], m[3], { expiresAt: new Date(Number(m[2]) * 1000), now })) return undefined;
  return Buffer.from(m[1], 'base64url').toString();
}

/**
 * A person's link to acknowledge a policy: `<round and address, base64url>.<expiry>.<signature>`.
 * Acknowledging twice changes nothing, so it need not be single-use; whether the person may still
 * use it (on staff, request open) is the records' answer, not the link's.
 */
export function signAcknowledgementLink(secret: string, roundId: string, person: string, expiresAt: Date): string {
  const what = Buffer.from(JSON.stringify([roundId, person.toLowerCase()])).toString('base64url');
  const expiry = seconds(expiresAt);
  return `${what}.${expiry}.${sign('ack-link', secret, what, expiry)}`;
}

/** The round and person a link was signed for, if it is ours and has not expired. */
export function verifyAcknowledgementLink(secret: string, token: string, now = Date.now()): { roundId: string; person: string } | undefined {
  const m = /^([A-Za-z0-9_-]{1,600})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || !verify('ack-link', secret, [m[1], m[2]], m[3], { expiresAt: new Date(Number(m[2]) * 1000), now })) return undefined;
  const [roundId, person] = JSON.parse(Buffer.from(m[1], 'base64url').toString()) as [string, string];
  return { roundId, person };
}

/** The signature on webhooks, both ways: `sha256=<HMAC-SHA256 of the exact body, hex>`. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${sign('webhook', secret, body)}`;
}

/**
 * Whether `given` (a header, possibly absent or malformed) is the signature of `body`, the exact bytes
 * received, compared in constant time. Senders differ in how they write the same HMAC-SHA256: hex in
 * either case (Jira, GitHub-style) or base64 (ServiceNow's GlideDigest/GlideCertificateEncryption,
 * Shopify-style), with the `sha256=` label in either case.
 */
export function verifyWebhookSignature(secret: string, body: Buffer | string, given: string | undefined): boolean {
  const digest = webhookDigest(given);
  return digest !== undefined && timingSafeEqual(digest, createHmac('sha256', secret).update(body).digest());
}

/** The 32 bytes a `sha256=<hex or base64>` header carries, if it is one. */
function webhookDigest(header: string | undefined): Buffer | undefined {
  const value = /^sha256=(.*)$/i.exec(header?.trim() ?? '')?.[1];
  if (value === undefined) return undefined;
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  // base64 or base64url, padded or not: Node's decoder reads both alphabets.
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return Buffer.from(value, 'base64');
  return undefined;
}
