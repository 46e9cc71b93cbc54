import { randomBytes } from 'node:crypto';
import { sign, verify } from './signing';

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
  return sign('csrf', secret, nonce);
}

export function verifyCsrf(secret: string, nonce: string | undefined, token: unknown): boolean {
  return !!nonce && verify('csrf', secret, [nonce], token);
}
