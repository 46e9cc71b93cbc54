import AdmZip from 'adm-zip';
import { addDays, localDate } from '../../libs/domain/src';
import { createApiKey } from '../../libs/security/src';
import { json, startSystem } from '../support/system';

/** The staff directory as an HR system, an identity provider and a person with a spreadsheet keep it. */
describe('the staff directory', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  const pid = process.pid;
  const dept = `Finance-${pid}`;
  const at = (name: string) => `${name}.${pid}@acme.example`;
  const today = localDate(Date.now(), 'UTC');
  const put = (email: string, body: unknown, key?: string) => sys.api(`/people/${encodeURIComponent(email)}`, { method: 'PUT', json: body, key });
  const importFile = (csv: string) => sys.api('/people/import', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
  const evidence = async (email: string) => ((await json(sys.api(`/evidence?reference=${encodeURIComponent(email)}&from=${today}`))).items as Array<{ kind: string; process: string }>).map((e) => `${e.process}:${e.kind}`);
  const fields = async (res: Response, status = 422) => {
    expect({ status: res.status, type: res.headers.get('content-type')?.split(';')[0] }).toEqual({ status, type: 'application/problem+json' });
    return ((await json(res)).errors as Array<{ field: string }>).map((e) => e.field);
  };

  it('an HR system syncs a person: created, the same again changes nothing, a change is logged, a leaver is deactivated', async () => {
    const alice = at('alice');
    const entry = { name: 'Alice Example', department: dept, manager: at('bob'), startDate: '2026-01-05' };
    const created = await put(alice.toUpperCase(), entry);
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ email: alice, ...entry, leaveDate: null, active: true, change: 'created', updatedBy: 'test-suite' });
    expect((await put(alice, entry)).status).toBe(200);
    expect(await json(put(alice, entry))).toMatchObject({ change: 'unchanged' });
    expect(await json(put(alice, { ...entry, department: `${dept}-Ops` }))).toMatchObject({ change: 'updated', department: `${dept}-Ops` });
    expect(await evidence(alice)).toEqual(['people:personRecorded', 'people:personRecorded']);

    const gone = await json(sys.api(`/people/${encodeURIComponent(alice)}`, { method: 'DELETE' }));
    expect(gone).toMatchObject({ active: false, leaveDate: today, change: 'updated' });
    expect(await json(sys.api(`/people/${encodeURIComponent(alice)}`, { method: 'DELETE' }))).toMatchObject({ change: 'unchanged' });
    expect(await evidence(alice)).toEqual(['people:personRecorded', 'people:personRecorded', 'people:personDeactivated']);
    expect((await sys.api(`/people/${encodeURIComponent(at('nobody'))}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses bad entries naming the field, and changes nothing', async () => {
    const carol = at('carol');
    expect(await fields(await put('not-an-address', { name: 'X', department: dept, startDate: '2026-01-05' }))).toEqual(['email']);
    // Control characters are refused before anything reads the entry; then every field rule at once.
    expect(await fields(await put(carol, { name: 'Carol', department: 'A\u0000B', startDate: '2026-01-05' }))).toEqual(['department']);
    expect((await fields(await put(carol, { name: '', department: dept, startDate: '2026-02-30', manager: 'nope', active: 'yes' }))).sort()).toEqual(['active', 'manager', 'name', 'startDate']);
    expect(await fields(await put(carol, { name: 'Carol', department: dept, startDate: '2026-01-05', manager: carol }))).toEqual(['manager']);
    expect(await fields(await put(carol, { name: 'Carol', department: dept, startDate: '2026-01-05', leaveDate: '2025-12-31' }))).toEqual(['leaveDate']);
    expect((await sys.api(`/people/${encodeURIComponent(carol)}`)).status).toBe(404);
    expect(await evidence(carol)).toEqual([]);
    // Changing the directory needs the registers' write scope; reading it, read.
    const reader = await createApiKey(sys.db, `people-reader-${pid}`, 'integration', ['read']);
    expect((await put(carol, { name: 'Carol', department: dept, startDate: '2026-01-05' }, reader.key)).status).toBe(403);
    expect((await sys.api('/people?audience=everyone', { key: reader.key })).status).toBe(200);
  });

  it('a staff file: the good rows kept, each bad one reported by line and field; a second import of the same file changes nothing', async () => {
    const rows = [
      'E-mail,Name,Department,Manager,Start date,Leave date,Active,Cost centre',
      `${at('dora')},Dora,${dept},${at('erik')},2026-03-01,,yes,4711`,
      `${at('erik')},Erik,${dept},,2020-01-01,,,4711`,
      `${at('fred')},Fred,${dept},,${addDays(today, -3)},,,4711`,
      `${at('gina')},Gina,${dept},,${addDays(today, 30)},,,4711`,
      `${at('hugo')},Hugo,${dept},,2021-01-01,${addDays(today, -1)},,4711`,
      `${at('dora')},Dora twice,${dept},,2026-03-01,,,4711`,
      `${at('ines')},Ines,${dept},,2026-02-31,,,4711`,
      `not-an-address,Jo,${dept},,2026-01-01,,,4711`,
      `${at('kai')},Kai,${dept}`,
    ].join('\n');
    const report = await json(importFile(rows));
    expect(report).toMatchObject({ received: 9, created: 5, updated: 0, unchanged: 0, rejected: 4, ignoredColumns: ['Cost centre'] });
    expect(report.errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([
      [7, 'email'],
      [8, 'startDate'],
      [9, 'email'],
      [10, 'row'],
    ]);
    expect(await json(importFile(rows))).toMatchObject({ created: 0, updated: 0, unchanged: 5, rejected: 4 });
    expect(await evidence(at('dora'))).toEqual(['people:personRecorded']);

    // Audiences: who is on staff today, by department or by start date; the future starter and the leaver are in none.
    const audience = async (a: string) => ((await json(sys.api(`/people?audience=${encodeURIComponent(a)}&limit=200`))).items as Array<{ email: string }>).map((p) => p.email).filter((e) => e.includes(`.${pid}@`));
    expect(await audience(`department:${dept}`)).toEqual([at('dora'), at('erik'), at('fred')]);
    expect(await audience(`new-starters:${addDays(today, -7)}`)).toEqual([at('fred')]);
    expect(await audience('everyone')).toEqual(expect.arrayContaining([at('dora'), at('erik'), at('fred')]));
    expect(await audience('everyone')).not.toEqual(expect.arrayContaining([at('gina')]));
    expect(await fields(await sys.api('/people?audience=team:x'))).toEqual(['audience']);

    // The auditor's pack holds the directory, and its changes are counted on their day.
    const zip = new AdmZip(Buffer.from(await (await sys.api(`/evidence-pack?from=${today}&to=${today}`)).arrayBuffer()));
    const people = zip.readAsText('people.csv');
    expect(people.split('\n')[0]).toContain('email');
    expect(people).toContain(`${at('dora')},Dora,${dept}`);
    expect(zip.readAsText('timeline.csv')).toContain(`${today},people,personRecorded,`);
  });

  it('refuses a file it cannot read, or one not sent as CSV, and keeps nothing of it', async () => {
    expect(await fields(await importFile(`email,name,startDate\n${at('lena')},Lena,2026-01-05`))).toEqual(['header.department']);
    expect(await fields(await importFile(`email,name,department,startDate\n${at('lena')},"Lena,${dept},2026-01-05`))).toEqual(['body']);
    expect(await fields(await sys.api('/people/import', { method: 'POST', json: [{ email: at('lena') }] }), 415)).toEqual(['Content-Type']);
    expect((await sys.api(`/people/${encodeURIComponent(at('lena'))}`)).status).toBe(404);
    // A CSV body sent to another route is still just bad input there.
    const elsewhere = await sys.api('/tasks', { method: 'POST', body: 'title,assignee\nx,y', headers: { 'content-type': 'text/csv' } });
    expect(elsewhere.status).toBeGreaterThanOrEqual(400);
    expect(elsewhere.status).toBeLessThan(500);
  });

  it('a company-sized staff file (10,000 people) is imported whole, each person logged once', async () => {
    const company = `Company-${pid}`;
    const lines = Array.from({ length: 10_000 }, (_, i) => `${at(`staff${i}`)},Person ${i},${company},2024-01-08`);
    const res = await importFile(`email,name,department,startDate\n${lines.join('\n')}\n`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ received: 10_000, created: 10_000, rejected: 0 });
    expect((await json(sys.api(`/people?audience=${encodeURIComponent(`department:${company}`)}&limit=1`))).total).toBe(10_000);
    expect(await evidence(at('staff9999'))).toEqual(['people:personRecorded']);
  });
});
