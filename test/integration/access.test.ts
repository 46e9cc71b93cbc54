import { parseSetCookie } from 'cookie';
import { AuditLogEntry, ApiKey } from '../../libs/db/src';
import { loadConfig } from '../../libs/config/src';
import { createApiKey, webhookSignature } from '../../libs/security/src';
import { ApiKeyCache } from '../../apps/api/src/auth/api-key-cache';
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

    // Any change to a key, however made (the CLI, SQL, a restore), takes effect on the next request.
    // Repeated, since a change heard a moment too late would show only now and then.
    for (let i = 0; i < 25; i++) {
      expect((await sys.api('/tasks', { key: reader.key })).status).toBe(200);
      await sys.db.query(`UPDATE api_keys SET scopes = '["incidents:write"]' WHERE id = $1`, [reader.id]);
      expect((await sys.api('/tasks', { key: reader.key })).status).toBe(403);
      await sys.db.query(`UPDATE api_keys SET scopes = '["read"]' WHERE id = $1`, [reader.id]);
    }
    expect((await sys.api('/tasks', { key: reader.key })).status).toBe(200);
    await sys.db.query(`DELETE FROM api_keys WHERE id = $1`, [reader.id]);
    expect((await sys.api('/tasks', { key: reader.key })).status).toBe(401);
  });

  it('a key change heard late still counts: a cached key is trusted only once every change committed before the request is heard', async () => {
    const cache = new ApiKeyCache(sys.db, loadConfig());
    await cache.onModuleInit();
    try {
      const { id, key } = await createApiKey(sys.db, `access-late-${pid}`, 'integration', ['read']);
      expect((await cache.find(key))?.id).toBe(id);
      expect((await cache.find(key))?.id).toBe(id); // now from memory
      // The notification's connection is held back, as a busy network or event loop would.
      const socket = (cache as unknown as { listener: { connection: { stream: NodeJS.ReadableStream } } }).listener.connection.stream;
      socket.pause();
      await sys.db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [id]);
      const found = cache.find(key);
      setTimeout(() => socket.resume(), 300);
      expect(await found).toBeNull();
    } finally {
      await cache.onApplicationShutdown();
    }
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

  /** The audit rows of `path` (newest last), once `n` are there. */
  const auditRows = (path: string, n: number) =>
    until(`${n} audit rows of ${path}`, async () => {
      const rows = await sys.db.getRepository(AuditLogEntry).find({ where: { path }, order: { id: 'ASC' } });
      return rows.length >= n ? rows : undefined;
    });

  it('calls refused before any guard runs are audited too: a body that is not JSON, one too large, a task link forged (its token never logged)', async () => {
    const { key } = await createApiKey(sys.db, `access-early-${pid}`, 'integration', ['tasks:write']);
    const unparsable = `/tasks/early-${pid}/complete`;
    const bad = await fetch(`${sys.baseUrl}${unparsable}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"outcome":' });
    expect(bad.status).toBe(400);
    const large = `/tasks/large-${pid}/complete`;
    const big = await fetch(`${sys.baseUrl}${large}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ notes: 'x'.repeat(300_000) }) });
    expect(big.status).toBe(413);
    expect((await auditRows(unparsable, 1)).map((r) => [r.method, r.status, r.keyName])).toEqual([['POST', 400, 'unauthenticated']]);
    expect((await auditRows(large, 1)).map((r) => [r.method, r.status, r.keyName])).toEqual([['POST', 413, 'unauthenticated']]);

    const forgedToken = `forged-${pid}-${'x'.repeat(40)}`;
    const before = await sys.db.getRepository(AuditLogEntry).countBy({ path: '/t/{token}' });
    const forged = await fetch(`${sys.baseUrl}/t/${forgedToken}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=done' });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    await auditRows('/t/{token}', before + 1);
    expect(await sys.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE path LIKE $1`, [`%${forgedToken}%`])).toEqual([{ n: 0 }]);
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

  it('signs in only from its own pages (a forged or missing token is refused and changes nothing); signing out always signs out', async () => {
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

    // Signing out always signs out, with the page's token or with none (a page left open until its
    // token expired): a forged sign-out can do no more than end the caller's own session.
    const out = await post('/dashboard/logout', {}, `${session}; ${nonce}`);
    expect(out.status).toBe(303);
    expect(cookies(out)).toContain('ismsflow_session=');
    expect((await fetch(`${sys.baseUrl}/dashboard`, { headers: { cookie: `${session}; ${nonce}` } })).status).toBe(401);
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

    // A change refused for its rate is a row of the audit log like any other refusal.
    const path = `/tasks/limited-${process.pid}/complete`;
    const poster = await createApiKey(sys.db, `access-poster-${process.pid}`, 'integration', ['tasks:write']);
    const posted = [];
    for (let i = 0; i < 6; i++) posted.push((await sys.api(path, { method: 'POST', json: { outcome: 'done' }, key: poster.key })).status);
    expect(posted.at(-1)).toBe(429);
    const rows = await until('six audit rows', async () => {
      const found = await sys.db.getRepository(AuditLogEntry).find({ where: { path }, order: { id: 'ASC' } });
      return found.length >= 6 ? found : undefined;
    });
    expect(rows.map((r) => r.status)).toEqual(posted);
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
