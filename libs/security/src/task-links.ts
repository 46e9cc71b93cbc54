import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Task links: `<taskId>.<version>.<expiry>.<signature>`. The HMAC binds the link to one task, one
 * assignee version and an expiry, and is deterministic so a retried mail carries the same link.
 * Only the link's SHA-256 is stored; the database row makes it single-use and revocable.
 */
export interface TaskLinkClaims {
  taskId: string;
  version: number;
  assignee: string;
  expiresAt: Date;
}

function signature(secret: string, c: TaskLinkClaims): string {
  const expiry = Math.floor(c.expiresAt.getTime() / 1000);
  return createHmac('sha256', secret)
    .update(`task-link|${c.taskId}|${c.version}|${c.assignee.toLowerCase()}|${expiry}`)
    .digest('base64url');
}

export function signTaskLink(secret: string, c: TaskLinkClaims): string {
  return `${c.taskId}.${c.version}.${Math.floor(c.expiresAt.getTime() / 1000)}.${signature(secret, c)}`;
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
  const expected = Buffer.from(signTaskLink(secret, c));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A calendar feed's token: calendar apps cannot send an API key, so the feed's URL carries an
 * HMAC of the cycle id. Anyone with the URL sees the plan's dates and titles, nothing else.
 */
export function calendarToken(secret: string, cycleId: string): string {
  return createHmac('sha256', secret).update(`calendar|${cycleId}`).digest('base64url');
}

export function verifyCalendarToken(secret: string, cycleId: string, token: unknown): boolean {
  const expected = Buffer.from(calendarToken(secret, cycleId));
  const given = Buffer.from(typeof token === 'string' ? token : '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A person's "my tasks" link: `<email, base64url>.<expiry>.<signature>`, in every task mail. It only
 * lists that person's tasks; each task still opens through its own single-use task link.
 */
export function signPersonLink(secret: string, email: string, expiresAt: Date): string {
  const who = Buffer.from(email.toLowerCase()).toString('base64url');
  const expiry = Math.floor(expiresAt.getTime() / 1000);
  return `${who}.${expiry}.${createHmac('sha256', secret).update(`person-link|${who}|${expiry}`).digest('base64url')}`;
}

/** The person a link was signed for, if it is ours and has not expired. */
export function verifyPersonLink(secret: string, token: string, now = Date.now()): string | undefined {
  const m = /^([A-Za-z0-9_-]{1,400})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || Number(m[2]) * 1000 < now) return undefined;
  const email = Buffer.from(m[1], 'base64url').toString();
  const expected = Buffer.from(signPersonLink(secret, email, new Date(Number(m[2]) * 1000)));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected) ? email : undefined;
}

/** The signature on webhooks, both ways: `sha256=<HMAC-SHA256 of the exact body, hex>`. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `given` (a header, possibly absent or malformed) is the signature of `body`, compared in constant time. */
export function verifyWebhookSignature(secret: string, body: string, given: string | undefined): boolean {
  const expected = Buffer.from(webhookSignature(secret, body));
  const actual = Buffer.from(given ?? '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
