import { spawn } from 'node:child_process';
import path from 'node:path';
import { createApiKey } from '../../libs/security/src';
import { startSystem, until } from '../support/system';

const ROOT = path.resolve(__dirname, '../..');

/** `npm run apikey -- <args>` on the test stack's database, as an admin runs it. */
function apikey(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    let out = '';
    const p = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/apikey.ts', ...args], { cwd: ROOT, env: process.env });
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    p.once('exit', (code) => resolve({ code, out }));
  });
}

const keyIn = (out: string) => {
  const m = /\(id ([0-9a-f]+),[^\n]*\n(ifk_\S+)/.exec(out);
  if (!m) throw new Error(`no key in: ${out}`);
  return { id: m[1], key: m[2] };
};

describe('API key names: unique among the keys in use, free again once revoked', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  it('a revoked key name is given to a new key, the old key stays refused, and the audit log tells the two apart by id', async () => {
    const name = `jira ${process.pid}`;
    const first = await apikey('create', name, '--role', 'integration');
    expect(first.code).toBe(0);
    const old = keyIn(first.out);
    expect(await apikey('create', name)).toEqual({ code: 2, out: expect.stringContaining(`an API key named "${name}" is in use`) });

    const call = (key: string) => sys.api('/tasks', { method: 'POST', key, json: {} });
    expect((await call(old.key)).status).toBe(422); // authenticated, audited, refused for its body

    expect((await apikey('revoke', name)).code).toBe(0);
    expect((await call(old.key)).status).toBe(401);

    const second = await apikey('create', name, '--role', 'integration');
    expect(second.code).toBe(0);
    const successor = keyIn(second.out);
    expect(successor.id).not.toBe(old.id);
    expect((await call(successor.key)).status).toBe(422);
    expect((await call(old.key)).status).toBe(401);
    expect(await apikey('revoke', name)).toMatchObject({ code: 0 });
    expect(await apikey('revoke', name)).toEqual({ code: 2, out: expect.stringContaining(`no active API key named "${name}"`) });

    const listed = (await apikey('list')).out.split('\n').filter((l) => l.startsWith(`${name}\t`));
    expect(listed).toEqual([expect.stringContaining(`id ${old.id}\t`), expect.stringContaining(`id ${successor.id}\t`)]);
    expect(listed.every((l) => l.includes('\trevoked '))).toBe(true);

    // Each call is audited under the name with the id of the key that made it.
    const audited = await until('both keys audited', async () => {
      const rows = await sys.db.query<Array<{ key_id: string; status: number }>>(`SELECT key_id, status FROM audit_log WHERE key_name = $1 ORDER BY id`, [name]);
      return rows.length >= 2 ? rows : undefined;
    });
    expect(audited).toEqual([
      { key_id: old.id, status: 422 },
      { key_id: successor.id, status: 422 },
    ]);
  });

  it('two keys in use never share a name, also when two admins create one at the same moment', async () => {
    const name = `servicenow ${process.pid}`;
    const both = await Promise.all([apikey('create', name), apikey('create', name)]);
    expect(both.map((r) => r.code).sort()).toEqual([0, 2]);
    await expect(createApiKey(sys.db, name, 'integration')).rejects.toThrow(/UQ_api_keys_active_name/);
    expect(await sys.db.query(`SELECT count(*)::int AS n FROM api_keys WHERE name = $1 AND revoked_at IS NULL`, [name])).toEqual([{ n: 1 }]);
  });
});
