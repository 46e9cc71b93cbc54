import { createHmac, timingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import {
  calendarToken,
  csrfToken,
  sign,
  signPersonLink,
  signTaskLink,
  verify,
  verifyCalendarToken,
  verifyCsrf,
  verifyPersonLink,
  verifyTaskLink,
  verifyWebhookSignature,
  webhookSignature,
  type SigningPurpose,
} from '../../libs/security/src';

const secret = 'golden-secret-that-is-long-enough-0123456789';

/**
 * The signing code as it was before the one helper (libs/security/src/task-links.ts and csrf.ts at
 * 110adc0), kept verbatim as the reference: links already mailed and calendars already subscribed
 * must keep working, so every token must come out byte for byte the same.
 */
const legacy = {
  taskLink(s: string, c: { taskId: string; version: number; assignee: string; expiresAt: Date }): string {
    const expiry = Math.floor(c.expiresAt.getTime() / 1000);
    const sig = createHmac('sha256', s).update(`task-link|${c.taskId}|${c.version}|${c.assignee.toLowerCase()}|${expiry}`).digest('base64url');
    return `${c.taskId}.${c.version}.${expiry}.${sig}`;
  },
  calendar: (s: string, cycleId: string) => createHmac('sha256', s).update(`calendar|${cycleId}`).digest('base64url'),
  personLink(s: string, email: string, expiresAt: Date): string {
    const who = Buffer.from(email.toLowerCase()).toString('base64url');
    const expiry = Math.floor(expiresAt.getTime() / 1000);
    return `${who}.${expiry}.${createHmac('sha256', s).update(`person-link|${who}|${expiry}`).digest('base64url')}`;
  },
  personLinkVerify(s: string, token: string, now: number): string | undefined {
    const m = /^([A-Za-z0-9_-]{1,400})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m || Number(m[2]) * 1000 < now) return undefined;
    const email = Buffer.from(m[1], 'base64url').toString();
    const expected = Buffer.from(legacy.personLink(s, email, new Date(Number(m[2]) * 1000)));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected) ? email : undefined;
  },
  csrf: (s: string, nonce: string) => createHmac('sha256', s).update(`csrf|${nonce}`).digest('base64url'),
  webhook: (s: string, body: string) => `sha256=${createHmac('sha256', s).update(body).digest('hex')}`,
};

describe('one signing helper, the same tokens as before', () => {
  it('makes exactly the tokens the old code made (recorded from it)', () => {
    const task = { taskId: 'k7m2q9xw4pze', version: 3, assignee: 'Alice.Example@Example.com', expiresAt: new Date('2027-07-30T17:00:00Z') };
    expect(signTaskLink(secret, task)).toBe('k7m2q9xw4pze.3.1816966800.YjHjKPSDxGJem4Yw_ISLAB8CcnD3Hvj-O8LtRVVLKoU');
    const piped = { taskId: 'b3n8w2k9q4rt', version: 1, assignee: "o'brien|x@example.org", expiresAt: new Date('2026-12-31T23:59:59.999Z') };
    expect(signTaskLink(secret, piped)).toBe('b3n8w2k9q4rt.1.1798761599.LXRObT4jG2tDrx66LQ-Lp7TRb_H56omjzKgdZMfVhAM');
    expect(calendarToken(secret, 'cert-cycle:acme:2026-03-01')).toBe('nkXQ9a5Uw_NCLajGhy16fQOvz2o2PN6U4HJnLYWqgmg');
    expect(signPersonLink(secret, 'Bob@Example.com', new Date('2027-01-15T08:30:00Z'))).toBe('Ym9iQGV4YW1wbGUuY29t.1800001800.0-bBnJwR6kaz25QbYDMtqrPIEb53rWddF4YURcIs-rg');
    expect(csrfToken(secret, 'nonce-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe('Cyj8XGtGDIWmpEeySdVKamU8f88agX5Kh-txGCdXeVo');
    const body = '{"webhookEvent":"jira:issue_updated","issue":{"key":"SEC-42"}}';
    expect(webhookSignature('jira-shared-secret-0123', body)).toBe('sha256=e289126a90b968b95a8657f686c5573a4fa631fa8469815e77eddf6b54f2187d');
  });

  it('makes the same bytes as the old code for any input, and accepts what the old code signed', () => {
    const secrets = fc.string({ minLength: 32, maxLength: 64 });
    const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true });
    const taskId = fc.stringMatching(/^[a-z2-9]{12}$/);
    fc.assert(
      fc.property(secrets, taskId, fc.integer({ min: 1, max: 999_999 }), fc.emailAddress(), instant, (s, id, version, assignee, expiresAt) => {
        const claims = { taskId: id, version, assignee, expiresAt };
        const old = legacy.taskLink(s, claims);
        expect(signTaskLink(s, claims)).toBe(old);
        expect(verifyTaskLink(s, old, claims)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(secrets, fc.emailAddress(), instant, (s, email, expiresAt) => {
        const old = legacy.personLink(s, email, expiresAt);
        expect(signPersonLink(s, email, expiresAt)).toBe(old);
        const now = expiresAt.getTime() - 1000;
        expect(verifyPersonLink(s, old, now)).toBe(legacy.personLinkVerify(s, old, now));
        expect(verifyPersonLink(s, old, now)).toBe(email.toLowerCase());
      }),
    );
    fc.assert(
      fc.property(secrets, fc.string({ minLength: 1, maxLength: 200 }), fc.string({ maxLength: 2000 }), (s, text, body) => {
        expect(calendarToken(s, text)).toBe(legacy.calendar(s, text));
        expect(csrfToken(s, text)).toBe(legacy.csrf(s, text));
        expect(webhookSignature(s, body)).toBe(legacy.webhook(s, body));
        expect(verifyCalendarToken(s, text, legacy.calendar(s, text))).toBe(true);
        expect(verifyCsrf(s, text, legacy.csrf(s, text))).toBe(true);
        expect(verifyWebhookSignature(s, body, legacy.webhook(s, body))).toBe(true);
      }),
    );
  });
});

describe('sign and verify', () => {
  const purposes: SigningPurpose[] = ['task-link', 'person-link', 'calendar', 'csrf'];

  it('keeps purposes apart: a signature made for one kind of token is refused as any other', () => {
    for (const made of purposes) {
      const signature = sign(made, secret, 'same-field');
      for (const used of purposes) expect(`${made} as ${used}: ${verify(used, secret, ['same-field'], signature)}`).toBe(`${made} as ${used}: ${made === used}`);
    }
    // The calendar token of a cycle is no CSRF token for a nonce of the same text, nor the other way round.
    expect(verifyCsrf(secret, 'cert-cycle:acme:2026-03-01', calendarToken(secret, 'cert-cycle:acme:2026-03-01'))).toBe(false);
    expect(verifyCalendarToken(secret, 'n'.repeat(43), csrfToken(secret, 'n'.repeat(43)))).toBe(false);
  });

  it('refuses another secret, other fields, a changed character, and anything that is not a string', () => {
    const signature = sign('calendar', secret, 'cycle-1');
    expect(verify('calendar', secret, ['cycle-1'], signature)).toBe(true);
    expect(verify('calendar', `${secret}x`, ['cycle-1'], signature)).toBe(false);
    expect(verify('calendar', secret, ['cycle-2'], signature)).toBe(false);
    expect(verify('calendar', secret, ['cycle', '1'], signature)).toBe(false);
    expect(verify('calendar', secret, ['cycle-1'], `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    expect(verify('calendar', secret, ['cycle-1'], signature.slice(0, -1))).toBe(false);
    for (const notText of [undefined, null, 42, [signature], { signature }]) expect(verify('calendar', secret, ['cycle-1'], notText)).toBe(false);
  });

  it('refuses an expired token, and accepts it up to its expiry instant', () => {
    const expiresAt = new Date('2027-01-15T08:30:00Z');
    const signature = sign('person-link', secret, 'who', 1800001800);
    expect(verify('person-link', secret, ['who', 1800001800], signature, { expiresAt, now: expiresAt.getTime() })).toBe(true);
    expect(verify('person-link', secret, ['who', 1800001800], signature, { expiresAt, now: expiresAt.getTime() + 1 })).toBe(false);
    const link = signPersonLink(secret, 'bob@example.com', expiresAt);
    expect(verifyPersonLink(secret, link, expiresAt.getTime() - 60_000)).toBe('bob@example.com');
    expect(verifyPersonLink(secret, link, expiresAt.getTime() + 1000)).toBeUndefined();
  });

  it('checks webhook signatures on the exact body, with the sha256= prefix', () => {
    const body = '{"issue":{"key":"SEC-1"}}';
    const header = webhookSignature('jira-shared-secret-0123', body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('jira-shared-secret-0123', body, header)).toBe(true);
    expect(verifyWebhookSignature('jira-shared-secret-0123', `${body} `, header)).toBe(false);
    expect(verifyWebhookSignature('jira-shared-secret-0123', body, header.slice('sha256='.length))).toBe(false);
    expect(verifyWebhookSignature('jira-shared-secret-0123', body, header.replace('sha256=', 'sha1=xx'))).toBe(false);
    expect(verifyWebhookSignature('jira-shared-secret-0123', body, undefined)).toBe(false);
    // The same HMAC as senders write it: hex in capitals, base64 and base64url (padded or not), the label in capitals.
    const mac = createHmac('sha256', 'jira-shared-secret-0123').update(body).digest();
    for (const written of [mac.toString('hex').toUpperCase(), mac.toString('base64'), mac.toString('base64url'), mac.toString('base64').replace(/=$/, '')]) {
      expect(verifyWebhookSignature('jira-shared-secret-0123', body, `sha256=${written}`)).toBe(true);
      expect(verifyWebhookSignature('jira-shared-secret-0123', body, `SHA256=${written}`)).toBe(true);
      expect(verifyWebhookSignature('jira-shared-secret-0123', `${body} `, `sha256=${written}`)).toBe(false);
    }
    // The HMAC is over the bytes received: a body that is not valid UTF-8 still verifies (decoding it first would not).
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    expect(verifyWebhookSignature('jira-shared-secret-0123', bytes, `sha256=${createHmac('sha256', 'jira-shared-secret-0123').update(bytes).digest('hex')}`)).toBe(true);
    expect(verifyWebhookSignature('jira-shared-secret-0123', bytes.toString('utf8'), `sha256=${createHmac('sha256', 'jira-shared-secret-0123').update(bytes).digest('hex')}`)).toBe(false);
    // A digest of another length, or text that is neither hex nor base64, is refused, not thrown on.
    for (const wrong of [mac.subarray(0, 31).toString('hex'), `${mac.toString('hex')}00`, mac.toString('base64').replace(/[A-Za-z]/, '!'), '']) {
      expect(verifyWebhookSignature('jira-shared-secret-0123', body, `sha256=${wrong}`)).toBe(false);
    }
    expect(() => sign('webhook', 'jira-shared-secret-0123', 'a', 'b')).toThrow('exactly one field');
  });
});
