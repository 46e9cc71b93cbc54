import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';

/** The dashboard's session (a random token, stored hashed: libs/security/src/api-keys.ts). */
export const SESSION_COOKIE = 'ismsflow_session';
/** The nonce behind the dashboard forms' CSRF tokens (libs/security/src/csrf.ts). */
export const CSRF_COOKIE = 'ismsflow_csrf';

/** A cookie the browser sent (the first one of that name), parsed by the `cookie` package. */
export function readCookie(req: Request, name: string): string | undefined {
  return req.headers.cookie ? parseCookie(req.headers.cookie)[name] : undefined;
}

export function sessionCookie(req: Request): string | undefined {
  return readCookie(req, SESSION_COOKIE);
}

/**
 * Sets one of ismsflow's cookies: never readable by scripts (HttpOnly), never sent with a request
 * another site starts (SameSite=Strict), only over https when ismsflow is served over https (Secure).
 * Without `maxAgeSeconds` it lasts as long as the browser session; `0` deletes it.
 */
export function setCookie(res: Response, publicUrl: string, cookie: { name: string; value: string; path: string; maxAgeSeconds?: number }): void {
  res.append(
    'set-cookie',
    stringifySetCookie({
      name: cookie.name,
      value: cookie.value,
      path: cookie.path,
      maxAge: cookie.maxAgeSeconds,
      httpOnly: true,
      sameSite: 'strict',
      secure: new URL(publicUrl).protocol === 'https:',
    }),
  );
}
