import AdmZip from 'adm-zip';
import { json, startSystem } from '../support/system';

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
    for (const k of ['riskRegister:riskIdentified', 'riskRegister:riskReassessed', 'riskRegister:riskAccepted', 'statementOfApplicability:soaDecision', 'documentControl:documentApproved', 'documentControl:documentAcknowledged', 'supplierRegister:supplierRecorded', 'training:trainingRecorded', 'kpiMeasurement:measured']) {
      expect(kinds).toContain(k);
    }
    const zip = new AdmZip(Buffer.from(await (await sys.api(`/evidence-pack?from=2025-01-01&to=${today}`)).arrayBuffer()));
    const names = zip.getEntries().map((e) => e.entryName);
    for (const n of ['risk-register', 'risk-acceptances', 'statement-of-applicability', 'document-versions', 'suppliers', 'training-records', 'kpi-measurements']) expect(names).toContain(`${n}.csv`);
    const soa = JSON.parse(zip.readAsText('statement-of-applicability.json')) as Array<{ control_id: string; applicable: boolean | null }>;
    expect(soa).toHaveLength(93);
    expect(soa.find((c) => c.control_id === 'A.7.4')?.applicable).toBe(false);
    expect((await json(sys.api('/evidence/verify'))).ok).toBe(true);
  });
});
