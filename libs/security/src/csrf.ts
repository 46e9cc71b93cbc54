import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF protection for the dashboard's forms: a signed double-submit token (OWASP). The browser
 * keeps a random nonce in an HttpOnly, SameSite=Strict cookie and every form carries the HMAC of
 * that nonce. Another site can neither read the cookie nor compute the HMAC, and a cookie planted
 * from a sibling domain has no token to match it.
 */
export function newCsrfNonce(): string {
  return randomBytes(32).toString('base64url');
}

export function csrfToken(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`csrf|${nonce}`).digest('base64url');
}

export function verifyCsrf(secret: string, nonce: string | undefined, token: unknown): boolean {
  if (!nonce || typeof token !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, nonce));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
