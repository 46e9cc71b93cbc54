import AdmZip from 'adm-zip';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../libs/db/src';
import { json, startIsolatedSystem, startSystem } from '../support/system';

describe('the registers over HTTP', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  const pid = process.pid;
  const owner = `cto-${pid}@acme.example`;
  const risk = { asset: `CRM ${pid}`, threat: 'Data leak', vulnerability: 'Shared admin account', owner, consequence: 4, likelihood: 4, treatment: 'reduce', rationale: 'MFA and named admin accounts', controls: ['A.8.5', 'A.5.15'] };
  const problemFields = async (res: Response, status = 422) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    return ((await json(res)).errors as Array<{ field: string }>).map((e) => e.field).sort();
  };

  it('risks: dated versions, an acceptance naming its version, and a material change asking for a new one', async () => {
    const created = await sys.api('/risks', { method: 'POST', json: risk });
    expect(created.status).toBe(201);
    const r1 = await json(created);
    expect(r1).toMatchObject({ id: expect.stringMatching(/^R-\d{4,}$/), band: 'high', acceptanceRequired: true, current: { version: 1, level: 16, owner } });

    expect(await problemFields(await sys.api(`/risks/${r1.id}/acceptances`, { method: 'POST', json: { version: 1, acceptedBy: 'someone@acme.example' } }))).toEqual(['acceptedBy']);
    const accepted = await json(sys.api(`/risks/${r1.id}/acceptances`, { method: 'POST', json: { version: 1, acceptedBy: owner, note: 'Residual risk fine after MFA' } }));
    expect(accepted).toMatchObject({ acceptedVersion: 1, acceptanceRequired: false });

    // Reworded: the acceptance still holds. Likelihood down: the owner must accept again.
    expect(await json(sys.api(`/risks/${r1.id}/versions`, { method: 'POST', json: { ...risk, rationale: 'MFA, named admin accounts, quarterly review' } }))).toMatchObject({
      current: { version: 2 },
      acceptanceRequired: false,
    });
    const v3 = await json(sys.api(`/risks/${r1.id}/versions`, { method: 'POST', json: { ...risk, likelihood: 2 } }));
    expect(v3).toMatchObject({ current: { version: 3, level: 8 }, band: 'medium', acceptedVersion: 1, acceptanceRequired: true });
    expect(v3.versions.map((v: { version: number; assessedBy: string }) => [v.version, v.assessedBy])).toEqual([
      [1, 'test-suite'],
      [2, 'test-suite'],
      [3, 'test-suite'],
    ]);
    expect(await problemFields(await sys.api(`/risks/${r1.id}/acceptances`, { method: 'POST', json: { version: 1, acceptedBy: owner } }))).toEqual(['version']);
    const pending = await json(sys.api(`/risks?owner=${owner}&acceptanceRequired=true`));
    expect(pending.items.map((r: { id: string }) => r.id)).toEqual([r1.id]);

    expect(await problemFields(await sys.api('/risks', { method: 'POST', json: { ...risk, consequence: 6, treatment: 'ignore', controls: ['A.9.9'], owner: 'nobody' } }))).toEqual([
      'consequence',
      'controls',
      'owner',
      'treatment',
    ]);
    expect(await problemFields(await sys.api('/risks', { method: 'POST', json: { ...risk, controls: ['A.8.35'] } }))).toEqual(['controls']);
    expect((await sys.api('/risks/R-99999999')).status).toBe(404);
  });

  it('the Statement of Applicability: 93 controls, a justification for each decision, and the risks each control treats', async () => {
    const soa = await json(sys.api('/soa'));
    expect(soa.total).toBe(93);
    expect(soa.controls[0]).toMatchObject({ controlId: 'A.5.1', title: 'Policies for information security', theme: 'organisational' });
    expect(soa.controls.find((c: { controlId: string }) => c.controlId === 'A.8.5').linkedRisks.length).toBeGreaterThan(0);

    const put = await sys.api('/soa/A.7.4', { method: 'PUT', json: { applicable: false, justification: 'No own premises: fully remote company', implementation: 'not started' } });
    expect(put.status).toBe(200);
    expect(await json(put)).toMatchObject({ controlId: 'A.7.4', applicable: false, updatedBy: 'test-suite' });
    expect(await problemFields(await sys.api('/soa/A.7.4', { method: 'PUT', json: { applicable: false, justification: '', implementation: 'implemented' } }))).toEqual(['justification']);
    expect(await problemFields(await sys.api('/soa/A.7.4', { method: 'PUT', json: { applicable: false, justification: 'Remote', implementation: 'implemented' } }))).toEqual(['implementation']);
    expect((await sys.api('/soa/A.9.1', { method: 'PUT', json: { applicable: true, justification: 'x', implementation: 'partial' } })).status).toBe(404);
  });

  it('documents: versions approved by someone other than the author, old ones archived, acknowledgements of the one in force', async () => {
    const id = `POL-${pid}`;
    expect((await sys.api('/documents', { method: 'POST', json: { id, title: 'Access control policy', kind: 'policy', owner: 'isms@acme.example' } })).status).toBe(201);
    expect((await sys.api('/documents', { method: 'POST', json: { id, title: 'Again', kind: 'policy', owner: 'isms@acme.example' } })).status).toBe(409);
    const version = (v: string, approvedOn: string) => ({ version: v, author: 'isms@acme.example', approver: 'ceo@acme.example', approvedOn, nextReview: '2099-01-01', summary: `Version ${v}` });
    await sys.api(`/documents/${id}/versions`, { method: 'POST', json: version('1.0', '2025-11-01') });
    const doc = await json(sys.api(`/documents/${id}/versions`, { method: 'POST', json: version('1.1', '2026-11-01') }));
    expect(doc.current).toMatchObject({ version: '1.1' });
    expect(doc.versions.map((v: { version: string; archived: boolean }) => [v.version, v.archived])).toEqual([
      ['1.0', true],
      ['1.1', false],
    ]);
    expect((await sys.api(`/documents/${id}/versions`, { method: 'POST', json: version('1.1', '2026-11-02') })).status).toBe(409);
    expect(await problemFields(await sys.api(`/documents/${id}/versions`, { method: 'POST', json: { ...version('1.2', '2026-11-03'), approver: 'isms@acme.example', nextReview: '2026-01-01' } }))).toEqual([
      'approver',
      'nextReview',
    ]);
    const acked = await json(sys.api(`/documents/${id}/acknowledgements`, { method: 'POST', json: { person: 'Alice@acme.example' } }));
    expect(acked.acknowledgements).toMatchObject([{ version: '1.1', person: 'alice@acme.example' }]);
  });

  it('suppliers, with the DORA register of information of the ICT providers', async () => {
    const supplier = { id: `cloudco-${pid}`, name: `CloudCo ${pid}`, services: 'IaaS hosting', criticality: 'critical', ictProvider: true, lei: '5493001KJTIIGC8Y1R12', country: 'IE', contractStart: '2024-01-01', contractEnd: '2027-12-31', lastReview: '2024-06-01', certificates: [{ type: 'ISO/IEC 27001', validUntil: '2025-01-31' }] };
    const created = await json(sys.api('/suppliers', { method: 'POST', json: supplier }));
    expect(created).toMatchObject({ reviewOverdue: true, expiredCertificates: ['ISO/IEC 27001'] });
    const { id: _id, ...rest } = supplier;
    expect(await json(sys.api(`/suppliers/${supplier.id}`, { method: 'PUT', json: { ...rest, lastReview: new Date().toISOString().slice(0, 10) } }))).toMatchObject({ reviewOverdue: false });
    const csv = await (await sys.api('/suppliers/register-of-information.csv')).text();
    expect(csv.split('\n')[0]).toBe('lei,name,country,ict_services,criticality,supports_critical_function,contract_start,contract_end,last_review,certificates');
    expect(csv).toContain(`5493001KJTIIGC8Y1R12,CloudCo ${pid},IE,IaaS hosting,critical,yes,2024-01-01,2027-12-31`);
    expect(await problemFields(await sys.api('/suppliers', { method: 'POST', json: { ...supplier, id: 'x', lei: 'short', criticality: 'vital', contractEnd: 'soon' } }))).toEqual(['contractEnd', 'criticality', 'id', 'lei']);
  });

  it('training records and KPIs, each dated', async () => {
    const person = `trainee-${pid}@acme.example`;
    const records = [{ person, course: 'Awareness 2026', completedOn: '2026-11-20', result: 'passed' }];
    expect(await json(sys.api('/training-records', { method: 'POST', json: { records } }))).toEqual({ received: 1, added: 1 });
    expect(await json(sys.api('/training-records', { method: 'POST', json: { records } }))).toEqual({ received: 1, added: 0 });
    expect((await json(sys.api(`/training-records?person=${person}`))).items).toMatchObject(records);
    expect(await problemFields(await sys.api('/training-records', { method: 'POST', json: { records: [{ person: 'x', course: '', completedOn: '20.11.2026', result: 'ok' }] } }))).toEqual([
      'records.0.completedOn',
      'records.0.course',
      'records.0.person',
      'records.0.result',
    ]);

    const objective = `patch-${pid}`;
    expect((await sys.api('/objectives', { method: 'POST', json: { id: objective, objective: 'Patch quickly', metric: 'Critical CVEs patched in 14 days (%)', owner: 'it@acme.example', target: 95, direction: 'atLeast' } })).status).toBe(201);
    await sys.api(`/objectives/${objective}/measurements`, { method: 'POST', json: { measuredOn: '2026-10-31', value: 91 } });
    const kpi = await json(sys.api(`/objectives/${objective}/measurements`, { method: 'POST', json: { measuredOn: '2026-11-30', value: 97.5 } }));
    expect(kpi).toMatchObject({ latest: { value: 97.5 }, met: true });
    expect(kpi.measurements.map((m: { measuredOn: string }) => m.measuredOn)).toEqual(['2026-10-31', '2026-11-30']);
    expect((await sys.api(`/objectives/${objective}/measurements`, { method: 'POST', json: { measuredOn: '2026-11-30', value: 1 } })).status).toBe(409);
    expect(await problemFields(await sys.api(`/objectives/${objective}/measurements`, { method: 'POST', json: { measuredOn: 'today', value: 'high' } }))).toEqual(['measuredOn', 'value']);
    // The list: each objective with its own measurements only, in date order, and its latest judged.
    const other = `train-${pid}`;
    await sys.api('/objectives', { method: 'POST', json: { id: other, objective: 'Train everyone', metric: 'Staff trained (%)', owner: 'hr@acme.example', target: 90, direction: 'atLeast' } });
    await sys.api(`/objectives/${other}/measurements`, { method: 'POST', json: { measuredOn: '2026-11-15', value: 80 } });
    const listed = (await json(sys.api('/objectives'))).items as Array<{ id: string; met: boolean; measurements: Array<{ measuredOn: string }> }>;
    const view = (id: string) => listed.find((o) => o.id === id)!;
    expect([view(objective).met, view(objective).measurements.map((m) => m.measuredOn)]).toEqual([true, ['2026-10-31', '2026-11-30']]);
    expect([view(other).met, view(other).measurements.map((m) => m.measuredOn)]).toEqual([false, ['2026-11-15']]);
  });

  it('every register write is in the evidence log and the evidence pack, and the chain holds', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const log: Array<{ process: string; kind: string }> = [];
    for (let offset = 0; ; offset += 200) {
      const page = (await json(sys.api(`/evidence?from=${today}&limit=200&offset=${offset}`))).items as Array<{ process: string; kind: string }>;
      log.push(...page);
      if (page.length < 200) break;
    }
    const kinds = new Set(log.map((r) => `${r.process}:${r.kind}`));
    const registerKinds = ['riskRegister:riskIdentified', 'riskRegister:riskReassessed', 'riskRegister:riskAccepted', 'statementOfApplicability:soaDecision', 'documentControl:documentRegistered', 'documentControl:documentApproved', 'documentControl:documentAcknowledged', 'supplierRegister:supplierRecorded', 'training:trainingRecorded', 'objectives:objectiveSet', 'kpiMeasurement:measured'];
    for (const k of registerKinds) expect(kinds).toContain(k);
    const zip = new AdmZip(Buffer.from(await (await sys.api(`/evidence-pack?from=2025-01-01&to=${today}`)).arrayBuffer()));
    const names = zip.getEntries().map((e) => e.entryName);
    for (const n of ['risk-register', 'risk-acceptances', 'statement-of-applicability', 'document-versions', 'suppliers', 'training-records', 'kpi-measurements']) expect(names).toContain(`${n}.csv`);
    // The pack's "when things happened" counts every one of them on its day.
    const timeline = zip.readAsText('timeline.csv');
    for (const k of registerKinds) expect({ k, inTimeline: timeline.includes(`${today},${k.replace(':', ',')},`) }).toEqual({ k, inTimeline: true });
    const soa = JSON.parse(zip.readAsText('statement-of-applicability.json')) as Array<{ control_id: string; applicable: boolean | null }>;
    expect(soa).toHaveLength(93);
    expect(soa.find((c) => c.control_id === 'A.7.4')?.applicable).toBe(false);
    expect((await json(sys.api('/evidence/verify'))).ok).toBe(true);
  });
});

/**
 * "Every register write appends one evidence row" (README), counted on a database of its own so that
 * no other suite's rows are counted: each write exactly one row naming what it wrote, in the same
 * transaction; the same request again, or a refused one, none.
 */
describe('register writes and the evidence log', () => {
  let sys: Awaited<ReturnType<typeof startIsolatedSystem>>;
  beforeAll(async () => {
    sys = await startIsolatedSystem();
  });
  afterAll(() => sys?.close());

  type Row = { process: string; kind: string; reference: string; actor: string };
  let seen = 0;
  /** The rows appended since the last look. */
  async function appended(): Promise<Row[]> {
    const rows = await sys.db.query<Array<Row & { seq: string }>>(`SELECT seq, process, kind, reference, actor FROM evidence_log WHERE seq > $1 ORDER BY seq`, [seen]);
    if (rows.length) seen = Number(rows.at(-1)!.seq);
    return rows.map(({ seq: _seq, ...r }) => r);
  }
  /** `call` answers `status` and appends exactly `rows`. */
  async function write(call: () => Promise<Response>, status: number, rows: Array<Partial<Row>>) {
    await appended();
    const res = await call();
    expect({ status: res.status, body: res.status >= 400 ? await res.text() : '' }).toMatchObject({ status });
    const got = await appended();
    expect(got).toHaveLength(rows.length);
    rows.forEach((r, i) => expect(got[i]).toMatchObject(r));
    return res;
  }
  const post = (path: string, json: unknown) => () => sys.api(path, { method: 'POST', json });
  const put = (path: string, json: unknown) => () => sys.api(path, { method: 'PUT', json });
  const me = 'isolated-suite';

  it('risks: each assessment and each acceptance once', async () => {
    const owner = 'cto@acme.example';
    const risk = { asset: 'CRM', threat: 'Data leak', vulnerability: 'Shared admin account', owner, consequence: 4, likelihood: 4, treatment: 'reduce', rationale: 'MFA' };
    const created = await json(write(post('/risks', risk), 201, [{ process: 'riskRegister', kind: 'riskIdentified', actor: me }]));
    await write(post(`/risks/${created.id}/versions`, { ...risk, likelihood: 2 }), 201, [{ process: 'riskRegister', kind: 'riskReassessed', reference: created.id }]);
    const acceptance = { version: 2, acceptedBy: owner };
    await write(post(`/risks/${created.id}/acceptances`, acceptance), 201, [{ process: 'riskRegister', kind: 'riskAccepted', reference: created.id, actor: owner }]);
    await write(post(`/risks/${created.id}/acceptances`, acceptance), 201, []);
    expect((await json(sys.api(`/risks/${created.id}`))).acceptances).toHaveLength(1);
    await write(post(`/risks/${created.id}/acceptances`, { version: 1, acceptedBy: owner }), 422, []);
    await write(post('/risks', { ...risk, consequence: 9 }), 422, []);
  });

  it('the Statement of Applicability: each decision once, the same decision again none', async () => {
    const decision = { applicable: true, justification: 'Risk R-0001', implementation: 'partial' };
    await write(put('/soa/A.5.7', decision), 200, [{ process: 'statementOfApplicability', kind: 'soaDecision', reference: 'A.5.7', actor: me }]);
    await write(put('/soa/A.5.7', decision), 200, []);
    await write(put('/soa/A.5.7', { ...decision, implementation: 'implemented' }), 200, [{ kind: 'soaDecision', reference: 'A.5.7' }]);
    await write(put('/soa/A.5.7', { ...decision, applicable: false }), 422, []);
    expect(await json(sys.api('/soa/A.5.7', { method: 'PUT', json: decision }))).toMatchObject({ implementation: 'partial', updatedBy: me });
  });

  it('documents: registering, each approved version and each acknowledgement once', async () => {
    const doc = { id: 'POL-01', title: 'Information security policy', kind: 'policy', owner: 'isms@acme.example' };
    await write(post('/documents', doc), 201, [{ process: 'documentControl', kind: 'documentRegistered', reference: 'POL-01', actor: me }]);
    await write(post('/documents', doc), 409, []);
    const version = { version: '1.0', author: 'isms@acme.example', approver: 'ceo@acme.example', approvedOn: '2026-11-01', nextReview: '2027-11-01', summary: 'First' };
    await write(post('/documents/POL-01/versions', version), 201, [{ process: 'documentControl', kind: 'documentApproved', reference: 'POL-01', actor: 'ceo@acme.example' }]);
    await write(post('/documents/POL-01/versions', version), 409, []);
    await write(post('/documents/POL-01/acknowledgements', { person: 'alice@acme.example' }), 201, [{ kind: 'documentAcknowledged', actor: 'alice@acme.example' }]);
    await write(post('/documents/POL-01/acknowledgements', { person: 'alice@acme.example' }), 201, []);
    await write(post('/documents', { ...doc, id: 'POL-02', kind: 'memo' }), 422, []);
  });

  it('suppliers: registering and each change once, the same record again none', async () => {
    const supplier = { id: 'hostco', name: 'HostCo', services: 'Hosting', criticality: 'high', ictProvider: true, certificates: [{ type: 'ISO/IEC 27001', validUntil: '2027-09-30' }] };
    await write(post('/suppliers', supplier), 201, [{ process: 'supplierRegister', kind: 'supplierRecorded', reference: 'hostco', actor: me }]);
    await write(post('/suppliers', supplier), 409, []);
    const { id: _id, ...fields } = supplier;
    await write(put('/suppliers/hostco', { ...fields, lastReview: '2026-11-30' }), 200, [{ kind: 'supplierRecorded', reference: 'hostco' }]);
    await write(put('/suppliers/hostco', { ...fields, lastReview: '2026-11-30' }), 200, []);
    await write(put('/suppliers/hostco', { ...fields, lastReview: '2026-11-30', certificates: [] }), 200, [{ kind: 'supplierRecorded' }]);
    await write(put('/suppliers/hostco', { ...fields, criticality: 'vital' }), 422, []);
  });

  it('training records: one row per record added, none for a record already there', async () => {
    const records = [
      { person: 'bob@acme.example', course: 'Awareness', completedOn: '2026-11-20', result: 'passed' },
      { person: 'carol@acme.example', course: 'Awareness', completedOn: '2026-11-20', result: 'passed' },
    ];
    await write(post('/training-records', { records }), 201, records.map((r) => ({ process: 'training', kind: 'trainingRecorded', reference: r.person })));
    await write(post('/training-records', { records: [...records, { ...records[0], person: 'dave@acme.example' }] }), 201, [{ reference: 'dave@acme.example' }]);
  });

  it('objectives: setting one and each measurement once', async () => {
    const objective = { id: 'mfa-coverage', objective: 'MFA everywhere', metric: 'Accounts with MFA (%)', owner: 'it@acme.example', target: 100, direction: 'atLeast' };
    await write(post('/objectives', objective), 201, [{ process: 'objectives', kind: 'objectiveSet', reference: 'mfa-coverage', actor: me }]);
    await write(post('/objectives', { ...objective, target: 90 }), 409, []);
    await write(post('/objectives/mfa-coverage/measurements', { measuredOn: '2026-11-30', value: 97 }), 201, [{ process: 'kpiMeasurement', kind: 'measured', reference: 'mfa-coverage' }]);
    await write(post('/objectives/mfa-coverage/measurements', { measuredOn: '2026-11-30', value: 97 }), 409, []);
    await write(post('/objectives', { ...objective, id: 'x', target: 'all' }), 422, []);
  });

  it('a write whose evidence row cannot be appended is not written either: the two are one transaction', async () => {
    const owner = new DataSource(dataSourceOptions(sys.adminUrl));
    await owner.initialize();
    try {
      await owner.query(`CREATE FUNCTION refuse_evidence() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'evidence refused for this test'; END $$`);
      await owner.query(`CREATE TRIGGER refuse_evidence BEFORE INSERT ON evidence_log FOR EACH ROW EXECUTE FUNCTION refuse_evidence()`);
      const failed = [
        await sys.api('/documents', { method: 'POST', json: { id: 'POL-09', title: 'Backup policy', kind: 'policy', owner: 'isms@acme.example' } }),
        await sys.api('/objectives', { method: 'POST', json: { id: 'backup-tests', objective: 'Restores work', metric: 'Restore tests passed (%)', owner: 'it@acme.example', target: 100, direction: 'atLeast' } }),
        await sys.api('/suppliers', { method: 'POST', json: { id: 'mailco', name: 'MailCo', services: 'Mail', criticality: 'low', ictProvider: false } }),
        await sys.api('/suppliers/hostco', { method: 'PUT', json: { name: 'HostCo Ltd', services: 'Hosting', criticality: 'high', ictProvider: true } }),
        await sys.api('/soa/A.5.8', { method: 'PUT', json: { applicable: true, justification: 'Projects', implementation: 'partial' } }),
      ];
      expect(failed.map((r) => r.status)).toEqual([500, 500, 500, 500, 500]);
    } finally {
      await owner.query(`DROP TRIGGER IF EXISTS refuse_evidence ON evidence_log`);
      await owner.query(`DROP FUNCTION IF EXISTS refuse_evidence()`);
      await owner.destroy();
    }
    expect((await sys.api('/documents/POL-09')).status).toBe(404);
    expect((await sys.api('/objectives/backup-tests')).status).toBe(404);
    expect((await sys.api('/suppliers/mailco')).status).toBe(404);
    expect(await json(sys.api('/suppliers/hostco'))).toMatchObject({ name: 'HostCo' });
    expect(await json(sys.api('/soa'))).toMatchObject({ controls: expect.arrayContaining([expect.objectContaining({ controlId: 'A.5.8', applicable: null })]) });
    expect((await json(sys.api('/evidence/verify'))).ok).toBe(true);
  });
});
