import path from 'node:path';
import AdmZip from 'adm-zip';
import { DataSource } from 'typeorm';
import { appendEvidence } from '../../libs/records/src';
import { EvidenceService } from '../../apps/api/src/evidence/evidence.service';
import { createApiKey } from '../../libs/security/src';
import { dataSourceOptions, migrate } from '../../libs/db/src';
import { APPLICATION_ROLE, migrateDatabase, removeEmbeddedPostgresData, startEmbeddedPostgres, type RunningPostgres } from '../../libs/devstack/src/postgres';
import { freePort } from '../../libs/devstack/src/processes';
import { json, mailbox, startIsolatedSystem, startSystem } from '../support/system';

describe('the evidence log', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  it('gets a dated, chained row for each step of a task, and verifies', async () => {
    const assignee = `evidence-${process.pid}@acme.example`;
    const created = await json(
      sys.api('/tasks', { method: 'POST', json: { title: 'Sign the NDA register', instructions: 'Sign it.', assignee, dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } }),
    );
    await mailbox.waitFor(assignee, /Sign the NDA register/);
    expect((await sys.api(`/tasks/${created.id}/complete`, { method: 'POST', json: { outcome: 'done', notes: 'Signed' } })).status).toBe(200);

    let rows: Array<{ kind: string; actor: string; process: string; seq: number; prevHash: string; hash: string }> = [];
    for (let i = 0; i < 100 && !rows.some((r) => r.kind === 'completed'); i++) {
      rows = (await json(sys.api(`/evidence?reference=${created.id}`))).items;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['mailed', 'completed']));
    expect(rows.find((r) => r.kind === 'completed')).toMatchObject({ process: 'humanTask', actor: 'test-suite', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const verified = await json(sys.api('/evidence/verify'));
    expect(verified).toMatchObject({ ok: true, firstBroken: null });
    expect(verified.checked).toBeGreaterThanOrEqual(rows.length);
  });

  it('cannot be changed by the application: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await expect(sys.db.query(`UPDATE evidence_log SET actor = 'someone else'`)).rejects.toThrow(/append-only|permission denied/);
    await expect(sys.db.query(`DELETE FROM evidence_log`)).rejects.toThrow(/append-only|permission denied/);
    await expect(sys.db.query(`TRUNCATE evidence_log`)).rejects.toThrow(/append-only|permission denied/);
    expect((await json(sys.api('/evidence/verify'))).ok).toBe(true);
  });

  it('is for admin keys only', async () => {
    const { key } = await createApiKey(sys.db, `jira-${process.pid}`, 'integration');
    expect((await sys.api('/evidence/verify', { key })).status).toBe(403);
    expect((await sys.api('/evidence?from=yesterday')).status).toBe(422);
  });

  describe('tampered with by someone with the database superuser', () => {
    // A database of its own: breaking the chain of the shared one would fail every other test.
    const name = `evidence_tamper_${process.pid}`;
    let db: DataSource;
    let admin: DataSource;
    beforeAll(async () => {
      admin = new DataSource(dataSourceOptions(process.env.TEST_ADMIN_DATABASE_URL!));
      await admin.initialize();
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      await admin.query(`CREATE DATABASE "${name}"`);
      const url = new URL(process.env.TEST_ADMIN_DATABASE_URL!);
      url.pathname = `/${name}`;
      await migrate(url.toString());
      db = new DataSource(dataSourceOptions(url.toString()));
      await db.initialize();
    });
    afterAll(async () => {
      await db?.destroy();
      await admin?.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin?.destroy();
    });

    /** A fresh chain of five rows; tampering bypasses the trigger the way only a superuser can. */
    async function freshChain() {
      await tamper(`DELETE FROM evidence_log`);
      for (let i = 1; i <= 5; i++) await appendEvidence(db.manager, [{ key: `k${i}`, actor: `a${i}`, process: 'humanTask', reference: `t${i}`, kind: 'completed', payload: { i } }]);
      expect(await new EvidenceService(db).verify()).toMatchObject({ ok: true, checked: 5, head: { seq: 5 } });
    }
    async function tamper(sql: string) {
      await db.transaction(async (tx) => {
        await tx.query(`SET LOCAL session_replication_role = replica`);
        await tx.query(sql);
      });
    }

    it('reports an edited row', async () => {
      await freshChain();
      await tamper(`UPDATE evidence_log SET actor = 'mallory' WHERE seq = 3`);
      expect(await new EvidenceService(db).verify()).toMatchObject({ ok: false, checked: 2, firstBroken: { seq: 3, reason: 'row 3 was changed after it was written' } });
    });

    it('reports a deleted row', async () => {
      await freshChain();
      await tamper(`DELETE FROM evidence_log WHERE seq = 2`);
      expect(await new EvidenceService(db).verify()).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: expect.stringContaining('row 2 is missing') } });
    });

    it('reports reordered rows', async () => {
      await freshChain();
      await tamper(`UPDATE evidence_log SET seq = -seq WHERE seq IN (2, 4)`);
      await tamper(`UPDATE evidence_log SET seq = CASE seq WHEN -2 THEN 4 ELSE 2 END WHERE seq IN (-2, -4)`);
      expect(await new EvidenceService(db).verify()).toMatchObject({ ok: false, firstBroken: { seq: 2 } });
    });

    it('a retried append adds nothing', async () => {
      await freshChain();
      await appendEvidence(db.manager, [{ key: 'k5', actor: 'a5', process: 'humanTask', reference: 't5', kind: 'completed', payload: { i: 5 } }]);
      expect(await new EvidenceService(db).verify()).toMatchObject({ ok: true, checked: 5 });
    });
  });
});

/**
 * Under the embedded PostgreSQL (npm start, and these tests unless DATABASE_URL is set) the
 * application is not the superuser, so the privileges the migration revoked hold, not only the
 * trigger. With DATABASE_URL the tests run on the user's server as the user's role: then this
 * suite starts an embedded PostgreSQL of its own to check the embedded setup.
 */
describe('the evidence log under the embedded PostgreSQL, as the application connects to it', () => {
  const embedded = process.env.TEST_ADMIN_DATABASE_URL !== process.env.DATABASE_URL;
  const dataDir = path.join(process.env.TEST_STACK_DIR!, `evidence-role-${process.pid}`);
  let pg: RunningPostgres | undefined;
  let app: DataSource;
  beforeAll(async () => {
    let url = process.env.DATABASE_URL!;
    if (!embedded) {
      pg = await startEmbeddedPostgres({ dataDir, port: await freePort() });
      await migrateDatabase(pg.adminUrl, pg.url);
      url = pg.url;
    }
    app = new DataSource(dataSourceOptions(url));
    await app.initialize();
    await appendEvidence(app.manager, [{ key: `role-check-${process.pid}`, actor: 'test', process: 'humanTask', reference: 'role-check', kind: 'completed' }]);
  }, 120_000);
  afterAll(async () => {
    await app?.destroy();
    await pg?.stop();
    if (pg) removeEmbeddedPostgresData(dataDir);
  });

  it('the application role is no superuser, owns nothing, may read and append but holds no privilege to change a row', async () => {
    const [me] = await app.query<Array<{ role: string; superuser: boolean }>>(`SELECT rolname AS role, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`);
    expect(me).toEqual({ role: APPLICATION_ROLE, superuser: false });
    expect(await app.query(`SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = current_user`)).toEqual([]);
    const privileges = await app.query<Array<{ p: string; held: boolean }>>(`SELECT p, has_table_privilege('evidence_log', p) AS held FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p`);
    expect(Object.fromEntries(privileges.map((r) => [r.p, r.held]))).toEqual({ SELECT: true, INSERT: true, UPDATE: false, DELETE: false, TRUNCATE: false });
  });

  it('refuses UPDATE, DELETE and TRUNCATE for want of the privilege, before the trigger is asked, and cannot take the protection away', async () => {
    for (const sql of [`UPDATE evidence_log SET actor = 'someone else'`, `DELETE FROM evidence_log`, `TRUNCATE evidence_log`]) {
      await expect(app.query(sql)).rejects.toThrow('permission denied for table evidence_log');
    }
    await expect(app.query(`ALTER TABLE evidence_log DISABLE TRIGGER evidence_log_append_only`)).rejects.toThrow('must be owner of table evidence_log');
    await app.query(`GRANT UPDATE, DELETE, TRUNCATE ON evidence_log TO current_user`); // PostgreSQL only warns: "no privileges were granted"
    expect(await app.query(`SELECT has_table_privilege('evidence_log', 'UPDATE, DELETE, TRUNCATE') AS any`)).toEqual([{ any: false }]);
    await expect(app.query(`SET session_replication_role = replica`)).rejects.toThrow(/permission denied/);
    expect(await new EvidenceService(app).verify()).toMatchObject({ ok: true });
  });
});

describe('the evidence pack', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  it('is a zip an auditor reads without ismsflow: index, records as CSV and JSON, the chained log, and when things happened', async () => {
    const assignee = `pack-${process.pid}@acme.example`;
    const task = await json(sys.api('/tasks', { method: 'POST', json: { title: 'Review the backup policy', instructions: 'Review it.', assignee, dueAt: new Date(Date.now() + 86_400_000).toISOString() } }));
    await mailbox.waitFor(assignee, /Review the backup policy/);
    expect((await sys.api(`/tasks/${task.id}/complete`, { method: 'POST', json: { outcome: 'done' } })).status).toBe(200);
    for (let i = 0; i < 100 && !(await json(sys.api(`/evidence?reference=${task.id}`))).items.some((r: { kind: string }) => r.kind === 'completed'); i++) await new Promise((r) => setTimeout(r, 100));

    const today = new Date().toISOString().slice(0, 10);
    const res = await sys.api(`/evidence-pack?from=${today}&to=${today}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/zip');
    expect(res.headers.get('content-disposition')).toContain(`ismsflow-evidence-${today}-to-${today}.zip`);
    const zip = new AdmZip(Buffer.from(await res.arrayBuffer()));
    const names = zip.getEntries().map((e) => e.entryName);
    expect(names).toEqual(expect.arrayContaining(['index.html', 'VERIFY.txt', 'timeline.csv', 'tasks.csv', 'tasks.json', 'evidence-log.csv', 'evidence-log.json', 'nonconformities.csv', 'incidents.json', 'programme-activities.csv']));
    const read = (name: string) => zip.readAsText(name);

    const tasks = JSON.parse(read('tasks.json')) as Array<{ id: string; status: string; completed_by: string }>;
    expect(tasks.find((t) => t.id === task.id)).toMatchObject({ status: 'completed', completed_by: 'test-suite' });
    expect(read('tasks.csv').split('\n')[0]).toContain('completed_at');
    const log = JSON.parse(read('evidence-log.json')) as Array<{ seq: string; reference: string; kind: string; hash: string; prev_hash: string }>;
    expect(log.filter((r) => r.reference === task.id).map((r) => r.kind)).toEqual(expect.arrayContaining(['mailed', 'completed']));
    // Within the pack, every row links to the one before it.
    const bySeq = new Map(log.map((r) => [Number(r.seq), r]));
    expect(log.slice(1).every((r) => !bySeq.has(Number(r.seq) - 1) || bySeq.get(Number(r.seq) - 1)!.hash === r.prev_hash)).toBe(true);
    expect(read('index.html')).toContain('The hash chain was verified intact');
    expect(read('index.html')).toMatch(new RegExp(`<th scope="row">humanTask</th>.*${today.slice(8)}`));
    expect(read('timeline.csv')).toContain(`${today},humanTask,completed,`);

    // A period before any of it holds none of it.
    const past = new AdmZip(Buffer.from(await (await sys.api('/evidence-pack?from=2020-01-01&to=2020-12-31')).arrayBuffer()));
    for (const n of ['tasks', 'task-events', 'evidence-log', 'nonconformities', 'incidents']) expect(JSON.parse(past.readAsText(`${n}.json`))).toEqual([]);
    expect(past.readAsText('index.html')).toContain('2020-01');

    expect(await json(sys.api('/evidence-pack?from=2026-02-30&to=2026-01-01'))).toMatchObject({ status: 422, errors: [{ field: 'from' }] });
    expect((await sys.api(`/evidence-pack?from=${today}&to=2020-01-01`)).status).toBe(422);
  });
});

/**
 * The pack's "when things happened" grid: one count per process and day, however many kinds of step
 * made it up. On a database of its own, so the counts are exactly what this suite wrote.
 */
describe("the evidence pack's grid of when things happened", () => {
  let sys: Awaited<ReturnType<typeof startIsolatedSystem>>;
  beforeAll(async () => {
    sys = await startIsolatedSystem();
  });
  afterAll(() => sys?.close());

  /** The grid of index.html as { process: { month: cell text } }, and its months. */
  function grid(html: string): { months: string[]; rows: Record<string, Record<string, string>> } {
    const months = [...html.matchAll(/<th scope="col">(\d{4}-\d{2})<\/th>/g)].map((m) => m[1]);
    const rows: Record<string, Record<string, string>> = {};
    for (const [, process, cells] of html.matchAll(/<tr><th scope="row">([^<]+)<\/th>((?:<td>[^<]*<\/td>)*)<\/tr>/g)) {
      const texts = [...cells.matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]);
      expect(texts).toHaveLength(months.length);
      rows[process] = Object.fromEntries(months.map((m, i) => [m, texts[i]]).filter(([, t]) => t));
    }
    return { months, rows };
  }

  it('shows each day once per process with the number of steps, whatever their kinds', async () => {
    const today = new Date().toISOString().slice(0, 10);
    // Today, through the API: three kinds of risk register step, two training records, two document steps.
    const owner = 'cto@acme.example';
    const risk = { asset: 'Laptops', threat: 'Theft', vulnerability: 'No disk encryption', owner, consequence: 3, likelihood: 3, treatment: 'reduce', rationale: 'Encrypt disks' };
    const r = await json(sys.api('/risks', { method: 'POST', json: risk }));
    await sys.api(`/risks/${r.id}/versions`, { method: 'POST', json: { ...risk, likelihood: 1 } });
    expect((await sys.api(`/risks/${r.id}/acceptances`, { method: 'POST', json: { version: 2, acceptedBy: owner } })).status).toBe(201);
    const records = ['a', 'b'].map((p) => ({ person: `${p}@acme.example`, course: 'Awareness', completedOn: today, result: 'passed' }));
    expect(await json(sys.api('/training-records', { method: 'POST', json: { records } }))).toMatchObject({ added: 2 });
    await sys.api('/documents', { method: 'POST', json: { id: 'POL-03', title: 'Clean desk', kind: 'policy', owner: 'isms@acme.example' } });
    await sys.api('/documents/POL-03/versions', { method: 'POST', json: { version: '1', author: 'isms@acme.example', approver: 'ceo@acme.example', approvedOn: today, nextReview: '2099-01-01', summary: 'First' } });
    // Earlier in the year, as the processes' activities wrote them: several kinds on one day, a day on its own, and steps the grid does not count (mailed).
    const year = Number(today.slice(0, 4)) - 1;
    const past: Array<[string, string, string]> = [
      ['internalAudit', 'activityCompleted', `${year}-02-03T09:00:00Z`],
      ['internalAudit', 'activityCompleted', `${year}-02-03T15:00:00Z`],
      ['internalAudit', 'auditResult', `${year}-02-03T16:00:00Z`],
      ['internalAudit', 'closed', `${year}-02-17T10:00:00Z`],
      ['internalAudit', 'mailed', `${year}-02-17T11:00:00Z`],
      ['humanTask', 'completed', `${year}-03-01T08:00:00Z`],
      ['humanTask', 'mailed', `${year}-03-01T07:00:00Z`],
      ['humanTask', 'completed', `${year}-03-31T23:59:00Z`],
    ];
    await appendEvidence(sys.db.manager, past.map(([process, kind, at], i) => ({ key: `grid-${i}`, at: new Date(at), actor: 'test', process, reference: `ref-${i}`, kind })));

    const zip = new AdmZip(Buffer.from(await (await sys.api(`/evidence-pack?from=${year}-01-01&to=${today}`)).arrayBuffer()));
    const { months, rows } = grid(zip.readAsText('index.html'));
    expect([months[0], months.at(-1)]).toEqual([`${year}-01`, today.slice(0, 7)]);
    const month = today.slice(0, 7);
    const day = today.slice(8);
    expect(rows).toEqual({
      internalAudit: { [`${year}-02`]: '03 (3), 17' },
      humanTask: { [`${year}-03`]: '01, 31' },
      riskRegister: { [month]: `${day} (3)` },
      training: { [month]: `${day} (2)` },
      documentControl: { [month]: `${day} (2)` },
    });
    // The data behind it keeps the kinds apart.
    const timeline = zip.readAsText('timeline.csv').trim().split('\n');
    expect(timeline).toEqual(expect.arrayContaining([`${year}-02-03,internalAudit,activityCompleted,2`, `${year}-02-03,internalAudit,auditResult,1`, `${today},riskRegister,riskAccepted,1`]));
    expect(timeline.some((l) => l.includes(',mailed,'))).toBe(false);
  });
});
