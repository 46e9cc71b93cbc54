import { parseSetCookie } from 'cookie';
import type { Request, Response } from 'express';
import { readCookie, sessionCookie, setCookie } from '../../apps/api/src/pages/cookies';

const request = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } }) as Request;
function response() {
  const headers: string[] = [];
  return { headers, res: { append: (name: string, value: string) => headers.push(`${name}: ${value}`) } as unknown as Response };
}

describe('the dashboard cookies', () => {
  it('reads the cookie asked for, the first of its name, whole', () => {
    const header = 'theme=dark; ismsflow_session=abc_DEF-123; ismsflow_csrf=n%3Dv==; ismsflow_session=second';
    expect(sessionCookie(request(header))).toBe('abc_DEF-123');
    expect(readCookie(request(header), 'ismsflow_csrf')).toBe('n=v==');
    expect(readCookie(request(header), 'missing')).toBeUndefined();
    expect(sessionCookie(request())).toBeUndefined();
    expect(sessionCookie(request(''))).toBeUndefined();
    expect(sessionCookie(request('garbage; =; ;;'))).toBeUndefined();
  });

  it('sets HttpOnly, SameSite=Strict cookies with their path and age, Secure only when served over https', () => {
    const plain = response();
    setCookie(plain.res, 'http://localhost:3000', { name: 'ismsflow_session', value: 'tok', path: '/', maxAgeSeconds: 28_800 });
    expect(plain.headers).toHaveLength(1);
    const [name, value] = plain.headers[0].split(/: (.*)/s);
    expect(name).toBe('set-cookie');
    expect(parseSetCookie(value)).toEqual({ name: 'ismsflow_session', value: 'tok', path: '/', maxAge: 28_800, httpOnly: true, sameSite: 'strict' });

    const secure = response();
    setCookie(secure.res, 'https://isms.example.com', { name: 'ismsflow_csrf', value: 'nonce', path: '/dashboard' });
    expect(parseSetCookie(secure.headers[0].slice('set-cookie: '.length))).toEqual({ name: 'ismsflow_csrf', value: 'nonce', path: '/dashboard', httpOnly: true, sameSite: 'strict', secure: true });

    const ended = response();
    setCookie(ended.res, 'https://isms.example.com', { name: 'ismsflow_session', value: '', path: '/', maxAgeSeconds: 0 });
    expect(parseSetCookie(ended.headers[0].slice('set-cookie: '.length))).toMatchObject({ value: '', maxAge: 0, secure: true });
  });
});
