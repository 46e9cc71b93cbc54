import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Every HMAC ismsflow makes or checks, and what each is for. Tokens signed with the link secret
 * are told apart by their purpose, the first field of the signed message (`<purpose>|<field>|...`),
 * so a signature made for one kind of token never verifies as another. Webhook signatures use each
 * ticketing system's own secret and the format those systems use: the HMAC of the raw body alone.
 * The formats are on the wire (links already mailed, calendar URLs already subscribed), so they
 * never change; `test/unit/signing.test.ts` holds tokens made before this helper existed.
 */
const PURPOSES = {
  /** `<task>.<version>.<expiry>.<signature>`, in every task mail. */
  'task-link': { encoding: 'base64url', labelled: true },
  /** A person's "my tasks" link. */
  'person-link': { encoding: 'base64url', labelled: true },
  /** A person's link to acknowledge a policy. */
  'ack-link': { encoding: 'base64url', labelled: true },
  /** A certification cycle's calendar feed. */
  calendar: { encoding: 'base64url', labelled: true },
  /** The dashboard forms' double-submit token. */
  csrf: { encoding: 'base64url', labelled: true },
  /** Webhooks both ways (`sha256=<hex>`): the body alone, keyed by the ticketing system's own secret. */
  webhook: { encoding: 'hex', labelled: false },
} as const;

export type SigningPurpose = keyof typeof PURPOSES;
type Field = string | number;

/**
 * The signed message. Fields are joined with `|`: at most one field of a token may hold a `|`
 * (the task link's assignee, between fields of digits), so no two field lists give one message.
 */
function message(purpose: SigningPurpose, fields: readonly Field[]): string {
  if (PURPOSES[purpose].labelled) return [purpose, ...fields].join('|');
  if (fields.length !== 1) throw new Error(`a ${purpose} signature covers exactly one field`);
  return String(fields[0]);
}

/** The signature of `fields` for `purpose` with `secret`. Deterministic: a retried mail carries the same link. */
export function sign(purpose: SigningPurpose, secret: string, ...fields: Field[]): string {
  return createHmac('sha256', secret).update(message(purpose, fields)).digest(PURPOSES[purpose].encoding);
}

/**
 * Whether `signature` (anything a request carried) is ours for exactly these fields, compared in
 * constant time; with `expiresAt`, also that the token has not expired (it still works at that instant).
 */
export function verify(purpose: SigningPurpose, secret: string, fields: readonly Field[], signature: unknown, expiry?: { expiresAt: Date; now?: number }): boolean {
  if (typeof signature !== 'string') return false;
  if (expiry && expiry.expiresAt.getTime() < (expiry.now ?? Date.now())) return false;
  const expected = Buffer.from(sign(purpose, secret, ...fields));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
