import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../libs/config/src';
import { createApiKey } from '../../libs/security/src';
import { json, mailbox, startSystem } from '../support/system';

describe('encrypted workflow payloads', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  const pid = process.pid;
  beforeAll(async () => {
    const base = loadConfig();
    // A task queue of its own: workers of other suites hold no key for these payloads.
    sys = await startSystem({ temporal: { ...base.temporal, taskQueue: `codec-${pid}`, payloadKey: randomBytes(32).toString('base64') } });
  });
  afterAll(() => sys?.close());

  it('keeps task details unreadable in Temporal, runs the workflow, and decodes for admins through the codec endpoint', async () => {
    const assignee = `merger-${pid}@acme.example`;
    const title = `Confidential: merger with Globex ${pid}`;
    const task = await json(sys.api('/tasks', { method: 'POST', json: { title, instructions: 'Sign the NDA.', assignee, dueAt: new Date(Date.now() + 86_400_000).toISOString() } }));
    await mailbox.waitFor(assignee, new RegExp(`merger with Globex ${pid}`)); // the worker decrypted and ran it

    // What the Temporal server holds: ciphertext.
    const raw = new Client({ connection: await Connection.connect({ address: sys.config.temporal.address }), namespace: sys.config.temporal.namespace });
    const history = await raw.workflow.getHandle(task.workflowId).fetchHistory();
    const input = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    expect(Buffer.from(input.metadata!.encoding).toString()).toBe('binary/encrypted');
    expect(Buffer.from(input.data!).toString('latin1')).not.toContain('Globex');
    await raw.connection.close();

    // The codec endpoint the Temporal UI calls: admins only.
    const payloads = [{ metadata: Object.fromEntries(Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(input.data!).toString('base64') }];
    const decoded = await sys.api('/codec/decode', { method: 'POST', json: { payloads } });
    expect(decoded.status).toBe(200);
    const [plain] = (await json(decoded)).payloads as Array<{ data: string }>;
    expect(JSON.parse(Buffer.from(plain.data, 'base64').toString())).toMatchObject({ title, assignee });
    const { key } = await createApiKey(sys.db, `codec-jira-${pid}`, 'integration');
    expect((await sys.api('/codec/decode', { method: 'POST', json: { payloads }, key })).status).toBe(403);
    expect((await sys.api('/codec/decode', { method: 'POST', json: { payloads }, key: null })).status).toBe(401);
    // Payloads of any other shape are a 422 naming the payload, never a 500, and nothing is decoded.
    for (const bad of [[5], [null], [{ data: 42 }], [{ data: 'not base64!' }], [{ metadata: { encoding: 7 } }], [{ metadata: ['x'] }], [payloads[0], { data: {} }]]) {
      for (const route of ['/codec/decode', '/codec/encode']) {
        const res = await sys.api(route, { method: 'POST', json: { payloads: bad } });
        expect({ route, bad, status: res.status }).toEqual({ route, bad, status: 422 });
        expect((await json(res)).errors[0].field).toMatch(/^payloads\.\d+$/);
      }
    }
    const preflight = await fetch(`${sys.baseUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: new URL(sys.config.temporal.uiUrl).origin, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(new URL(sys.config.temporal.uiUrl).origin);
  });
});
