import fc from 'fast-check';
import { AuditLogEntry } from '../../libs/db/src';
import { createApiKey } from '../../libs/security/src';
import { json, startSystem } from '../support/system';

type Operation = { method: string; path: string };

/**
 * Generated malformed input at every route the API documents: bodies of any shape (and bodies that
 * are not JSON at all), query strings, headers. Never a 5xx, always problem+json for a refusal, and
 * nothing accepted: the fuzzing key's audit trail holds no successful change, so no workflow started.
 */
describe('bad input at every route (property-based)', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let key: string;
  let operations: Operation[];
  const name = `fuzz-${process.pid}`;

  beforeAll(async () => {
    sys = await startSystem();
    ({ key } = await createApiKey(sys.db, name, 'admin'));
    const spec = (await json(fetch(`${sys.baseUrl}/docs-json`))) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
  });
  afterAll(() => sys?.close());

  const segment = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('R-0001', 'NC-2026-0001', 'jira:SEC-1', 'acme:2026-03-16', 'A.5.1', 'surveillance1', '..', '%00', 'x'.repeat(300)));
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v), type: 'application/json' })),
    fc.dictionary(fc.constantFrom('title', 'dueAt', 'assignee', 'id', 'date', 'kind', 'findings', 'data', 'records', 'organisationId', 'decisionDate', 'type', 'version'), fc.anything({ maxDepth: 2 }), { maxKeys: 6 }).map((v) => ({
      text: JSON.stringify(v),
      type: 'application/json',
    })),
    fc.tuple(fc.string({ maxLength: 200 }), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml')).map(([text, type]) => ({ text, type })),
  );
  const query = fc.dictionary(fc.constantFrom('limit', 'offset', 'status', 'assignee', 'from', 'to', 'audit', 'token', 'owner', 'band', 'reference', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 4 });

  it('never answers 5xx, always problem+json when it refuses, and accepts none of it', async () => {
    expect(operations.length).toBeGreaterThan(30);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10_000 }), fc.array(segment, { minLength: 3, maxLength: 3 }), body, query, async (pick, segments, b, q) => {
        const op = operations[pick % operations.length];
        let i = 0;
        const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(segments[i++ % segments.length]));
        const qs = new URLSearchParams(q).toString();
        const res = await fetch(`${sys.baseUrl}${path}${qs ? `?${qs}` : ''}`, {
          method: op.method,
          headers: { authorization: `Bearer ${key}`, ...(op.method === 'GET' ? {} : { 'content-type': b.type, 'idempotency-key': `fuzz-${pick}` }) },
          body: op.method === 'GET' ? undefined : b.text,
        });
        const text = await res.text();
        if (res.status >= 500) throw new Error(`${op.method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
        if (res.status >= 400 && !res.headers.get('content-type')?.includes('application/problem+json')) throw new Error(`${op.method} ${path} answered ${res.status} without problem+json`);
        if (res.status >= 400 && /at \w+ \(|QueryFailedError|node_modules/.test(text)) throw new Error(`${op.method} ${path} leaked internals: ${text.slice(0, 300)}`);
      }),
      { numRuns: 400, seed: 20261124 },
    );
    // Nothing it sent was accepted: no change succeeded, so no workflow was started by it.
    await new Promise((r) => setTimeout(r, 200));
    const accepted = await sys.db.getRepository(AuditLogEntry).createQueryBuilder('a').where('a.key_name = :name AND a.status < 300', { name }).getMany();
    expect(accepted.map((a) => `${a.method} ${a.path} ${a.status}`)).toEqual([]);
  });
});
