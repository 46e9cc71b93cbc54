import { parseSetCookie } from 'cookie';
import { AuditLogEntry, ApiKey } from '../../libs/db/src';
import { loadConfig } from '../../libs/config/src';
import { createApiKey, webhookSignature } from '../../libs/security/src';
import { json, startSystem, until } from '../support/system';

describe('who gets in: API key scopes, the audit log, rate limits and security headers', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  const pid = process.pid;
  const task = { title: 'Check the backups', instructions: 'Restore one.', assignee: `ops-${pid}@acme.example`, dueAt: new Date(Date.now() + 86_400_000).toISOString() };

  it('a key does what its scopes allow: reading needs read, changes need the area\'s write scope, the evidence log admin', async () => {
    const reader = await createApiKey(sys.db, `access-reader-${pid}`, 'integration', ['read']);
    const incidents = await createApiKey(sys.db, `access-siem-${pid}`, 'integration', ['incidents:write']);
    const tasks = await createApiKey(sys.db, `access-jira-${pid}`, 'integration', ['read', 'tasks:write']);

    expect((await sys.api('/tasks', { key: reader.key })).status).toBe(200);
    const refused = await sys.api('/tasks', { method: 'POST', json: task, key: reader.key });
    expect(refused.status).toBe(403);
    expect(await json(refused)).toMatchObject({ status: 403, detail: `The API key "access-reader-${pid}" lacks the scope tasks:write` });
    expect((await sys.api('/tasks', { key: incidents.key })).status).toBe(403); // no read scope
    expect((await sys.api('/tasks', { method: 'POST', json: task, key: incidents.key })).status).toBe(403);
    expect((await sys.api('/tasks', { method: 'POST', json: task, key: tasks.key })).status).toBe(201);
    expect((await sys.api('/evidence/verify', { key: tasks.key })).status).toBe(403);
    expect((await sys.api('/tasks', { key: null })).status).toBe(401);
    expect((await sys.api('/tasks', { key: 'ifk_0000_forged' })).status).toBe(401);

    // Revoked: refused at once.
    await sys.db.getRepository(ApiKey).update({ id: tasks.id }, { revokedAt: new Date() });
    expect((await sys.api('/tasks', { key: tasks.key })).status).toBe(401);
  });

  it('every state-changing call is in the audit log with the key\'s name, refusals included; last use is recorded', async () => {
    const jira = await createApiKey(sys.db, `access-audited-${pid}`, 'integration', ['read', 'tasks:write']);
    expect((await sys.api('/tasks', { method: 'POST', json: task, key: jira.key })).status).toBe(201);
    expect((await sys.api('/nonconformities', { method: 'POST', json: {}, key: jira.key })).status).toBe(403);
    expect((await sys.api('/tasks', { key: jira.key })).status).toBe(200); // reads are not audited
    let rows: AuditLogEntry[] = [];
    for (let i = 0; i < 50 && rows.length < 2; i++) {
      rows = await sys.db.getRepository(AuditLogEntry).find({ where: { keyName: `access-audited-${pid}` }, order: { id: 'ASC' } });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows.map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/tasks', 201],
      ['POST', '/nonconformities', 403],
    ]);
    expect((await sys.db.getRepository(ApiKey).findOneByOrFail({ id: jira.id })).lastUsedAt).toBeInstanceOf(Date);
  });

  it('sends security headers, and no stack trace or SQL in an error', async () => {
    for (const path of ['/health', '/tasks/nope', `/my/forged`]) {
      const res = await sys.api(path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    const body = await (await sys.api('/tasks?limit=abc')).text();
    expect(body).not.toMatch(/at \w+ \(|SELECT |node_modules/);
  });
});

describe('the dashboard\'s forms carry a CSRF token', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  const post = (path: string, form: Record<string, string>, cookie?: string) =>
    fetch(`${sys.baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body: new URLSearchParams(form) });
  const cookies = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]);
  const tokenIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];

  it('signs in and out only from its own pages: a forged or missing token is refused and changes nothing', async () => {
    const { key } = await createApiKey(sys.db, `csrf-admin-${process.pid}`, 'admin');
    const loginPage = await fetch(`${sys.baseUrl}/dashboard`);
    const [nonce] = cookies(loginPage);
    expect(nonce).toMatch(/^ismsflow_csrf=/);
    expect(parseSetCookie(loginPage.headers.getSetCookie()[0])).toMatchObject({ httpOnly: true, sameSite: 'strict', path: '/dashboard' });
    const token = tokenIn(await loginPage.text())!;

    // A page on another site can post the form, but knows no token; a planted cookie has none either.
    for (const [form, cookie] of [
      [{ apiKey: key }, nonce],
      [{ apiKey: key, csrf: 'x'.repeat(43) }, nonce],
      [{ apiKey: key, csrf: token }, undefined],
      [{ apiKey: key, csrf: token }, `ismsflow_csrf=${'A'.repeat(43)}`],
    ] as const) {
      const refused = await post('/dashboard/login', form, cookie);
      expect(refused.status).toBe(403);
      expect(cookies(refused).some((c) => c.startsWith('ismsflow_session='))).toBe(false);
      expect(await refused.text()).toContain('This form did not come from this dashboard');
    }

    const signedIn = await post('/dashboard/login', { apiKey: key, csrf: token }, nonce);
    expect(signedIn.status).toBe(303);
    const session = cookies(signedIn).find((c) => c.startsWith('ismsflow_session='))!;
    const sessionSet = signedIn.headers.getSetCookie().find((c) => c.startsWith('ismsflow_session='))!;
    expect(parseSetCookie(sessionSet)).toMatchObject({ httpOnly: true, sameSite: 'strict', path: '/', maxAge: 8 * 3600 });
    expect(parseSetCookie(sessionSet).secure).toBeUndefined(); // served over http here
    const dashboard = await fetch(`${sys.baseUrl}/dashboard`, { headers: { cookie: `${session}; ${nonce}` } });
    expect(dashboard.status).toBe(200);
    const pageToken = tokenIn(await dashboard.text());
    expect(pageToken).toBe(token);

    // Signing out is a form too: without the token the session stays.
    const kept = await post('/dashboard/logout', {}, `${session}; ${nonce}`);
    expect(kept.status).toBe(403);
    expect(cookies(kept).some((c) => c.startsWith('ismsflow_session=;'))).toBe(false);
    const out = await post('/dashboard/logout', { csrf: token }, `${session}; ${nonce}`);
    expect(out.status).toBe(303);
    expect(cookies(out)).toContain('ismsflow_session=');
  });
});

describe('behind a proxy (TRUST_PROXY)', () => {
  let proxied: Awaited<ReturnType<typeof startSystem>>;
  let direct: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    [proxied, direct] = [await startSystem({ api: { trustProxy: 'loopback' } }), await startSystem()];
  });
  afterAll(async () => {
    await proxied?.close();
    await direct?.close();
  });

  it("audits the client's address from X-Forwarded-For only when told to trust the proxy", async () => {
    const pid = process.pid;
    const send = async (sys: typeof direct, name: string) => {
      const { key } = await createApiKey(sys.db, name, 'integration', ['tasks:write']);
      const task = { title: 'Check the proxy', instructions: 'None.', assignee: `proxy-${pid}@acme.example`, dueAt: new Date(Date.now() + 86_400_000).toISOString() };
      expect((await sys.api('/tasks', { method: 'POST', json: task, key, headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(201);
      return until(`the audit row of ${name}`, async () => (await sys.db.getRepository(AuditLogEntry).findOneBy({ keyName: name })) ?? undefined);
    };
    expect((await send(proxied, `proxied-${pid}`)).ip).toBe('203.0.113.7');
    // Without TRUST_PROXY anyone could claim any address: the header is ignored.
    expect((await send(direct, `direct-${pid}`)).ip).toMatch(/127\.0\.0\.1/);
  });
});

describe('rate limits', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem({ api: { rateLimitPerMinute: 5 } });
  });
  afterAll(() => sys?.close());

  it('holds each key (and each address without one) to its requests per minute, with a problem saying when to come back', async () => {
    const busy = await createApiKey(sys.db, `access-busy-${process.pid}`, 'integration', ['read']);
    const calm = await createApiKey(sys.db, `access-calm-${process.pid}`, 'integration', ['read']);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await sys.api('/tasks', { key: busy.key })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await sys.api('/tasks', { key: busy.key });
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    // The standard header, and a problem in the style of every other error.
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect([...limited.headers.keys()].filter((h) => h.startsWith('retry-after'))).toEqual(['retry-after']);
    expect(await json(limited)).toMatchObject({ status: 429, title: 'Too many requests', detail: expect.stringMatching(/^Too many requests: at most 5 requests a minute\. Try again in \d+ s\.$/) });
    expect((await sys.api('/tasks', { key: calm.key })).status).toBe(200);
    const anonymous = [];
    for (let i = 0; i < 6; i++) anonymous.push((await sys.api('/health', { key: null })).status);
    expect(anonymous.at(-1)).toBe(429);
  });
});

describe('signed inbound webhooks', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  const secret = 'jira-shared-secret-0123456789';
  beforeAll(async () => {
    const base = loadConfig();
    // A system that signs its webhooks; its own task queue, since its outbound hook goes nowhere.
    sys = await startSystem({
      webhooks: { jira: { url: 'http://127.0.0.1:9/jira-hook', secret, verifyInbound: true } },
      temporal: { ...base.temporal, taskQueue: `signed-${process.pid}` },
      incidents: { ...base.incidents, handler: 'handler@acme.example', dpo: 'dpo@acme.example', ciso: 'ciso@acme.example' },
    });
  });
  afterAll(() => sys?.close());

  it('takes a Jira webhook only with the HMAC of its exact body', async () => {
    const body = JSON.stringify({
      webhookEvent: 'jira:issue_created',
      issue: { key: `SIGNED-${process.pid}`, fields: { summary: 'Lost laptop', description: 'Left on a train', created: '2026-11-24T08:00:00.000+0000', reporter: { emailAddress: 'agent@acme.example' } } },
    });
    const post = (signature?: string) =>
      sys.api('/incidents/jira', { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature': signature } : {}) }, body });
    const unsigned = await post();
    expect(unsigned.status).toBe(401);
    expect(await json(unsigned)).toMatchObject({ errors: [{ field: 'X-Hub-Signature' }] });
    expect((await post(webhookSignature('another-secret-0123456789', body))).status).toBe(401);
    expect((await post(webhookSignature(secret, `${body} `))).status).toBe(401); // signed, but not this body
    expect((await post(webhookSignature(secret, body))).status).toBe(201);
  });
});
