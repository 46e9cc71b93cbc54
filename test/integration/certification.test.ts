import { addDays, localDate } from '../../libs/domain/src';
import { json, linkIn, mailbox, startSystem } from '../support/system';

/** A zone where it is daytime now, so the programme's 08:00 starts have passed today. */
function daytimeZone(): string {
  const zones = ['Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu', 'Asia/Tokyo', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Auckland'];
  const hour = (tz: string) => Number(new Date().toLocaleString('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }));
  return zones.find((tz) => hour(tz) >= 9 && hour(tz) <= 21)!;
}

describe('certification cycles over HTTP, with the real worker, Temporal, PostgreSQL and SMTP', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  const pid = process.pid;
  const org = `cyc-${pid}`;
  const manager = `isms-${pid}@acme.example`;
  const riskOwner = `risk-${pid}@acme.example`;
  const timeZone = daytimeZone();
  const today = localDate(Date.now(), timeZone);
  const decisionDate = addDays(today, -30);
  const cycleId = `${org}:${decisionDate}`;
  const path = `/certification-cycles/${cycleId}`;
  const request = { organisationId: org, decisionDate, owners: { riskAssessment: riskOwner }, cadences: { readinessDays: 30 } };

  const fields = async (res: Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    return ((await json(res)).errors as Array<{ field: string }>).map((e) => e.field).sort();
  };

  /** Waits (in real time) until the cycle, as the API shows it, satisfies `done`. */
  async function cycleWhere(done: (c: any) => boolean, what: string): Promise<any> {
    let last: any;
    for (let i = 0; i < 300; i++) {
      last = await json(sys.api(path));
      if (done(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the cycle never showed ${what}: ${JSON.stringify(last?.waitingFor)}`);
  }

  /** `assignee` opens the task link in their newest matching mail and submits the page, as people do. */
  async function complete(assignee: string, subject: RegExp, data: Record<string, string | string[] | Array<Record<string, string>>>) {
    const link = linkIn(await mailbox.waitFor(assignee, subject, 30_000));
    const form = new URLSearchParams({ outcome: 'done' });
    for (const [name, value] of Object.entries(data)) {
      if (typeof value === 'string') form.set(`data.${name}`, value);
      else if (value.every((v) => typeof v === 'string')) form.set(`data.${name}`, value.join('\n'));
      else value.forEach((row, i) => Object.entries(row).forEach(([k, v]) => form.set(`data.${name}.${i}.${k}`, v)));
    }
    const res = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect({ status: res.status, page: res.status === 200 ? '' : await res.text() }).toEqual({ status: 200, page: '' });
  }

  it('sets up an organisation and its cycle once; the same request again is the same cycle', async () => {
    const created = await sys.api('/organisations', {
      method: 'POST',
      json: {
        id: org,
        name: `ACME ${pid}`,
        ismsManager: manager,
        topManagement: [`ceo-${pid}@acme.example`],
        certificationBody: { name: 'Example Cert', planDueDays: 21, majorCloseDays: 60 },
        scope: 'The ACME platform',
        timeZone,
        workingDays: [0, 1, 2, 3, 4, 5, 6],
      },
    });
    expect(created.status).toBe(201);

    const res = await sys.api('/certification-cycles', { method: 'POST', json: request });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toContain(`/certification-cycles/${encodeURIComponent(cycleId)}`);
    expect(await json(res)).toMatchObject({ id: cycleId, organisationId: org, decisionDate, status: 'running', links: { temporalUi: expect.stringContaining('cert-cycle') } });
    expect((await sys.api('/certification-cycles', { method: 'POST', json: request })).status).toBe(200);
    expect(await fields(await sys.api('/certification-cycles', { method: 'POST', json: { ...request, cadences: { readinessDays: 45 } } }), 409)).toEqual(['decisionDate']);

    const cycle = await cycleWhere((c) => c.activities?.length > 0, 'its plan');
    expect(cycle.audits.map((a: { kind: string }) => a.kind)).toEqual(['surveillance1', 'surveillance2', 'recertification']);
    expect(cycle.nextAudit).toMatchObject({ kind: 'surveillance1', status: 'planned' });
    expect(cycle.expiry).toBe(addDays(decisionDate, 0).replace(/^\d{4}/, (y) => String(Number(y) + 3)));
    // The ISMS manager owns what no one else was named for.
    expect(cycle.activities.find((a: { kind: string }) => a.kind === 'policyReview').owner).toBe(manager);
    expect(cycle.activities.find((a: { kind: string }) => a.kind === 'riskAssessment').owner).toBe(riskOwner);
    expect((await json(sys.api(`/certification-cycles?organisationId=${org}`))).items.map((c: { id: string }) => c.id)).toEqual([cycleId]);
  });

  it('refuses bad input with the field named, and starts nothing', async () => {
    expect(await fields(await sys.api('/certification-cycles', { method: 'POST', json: {} }), 422)).toEqual(['organisationId']);
    expect(await fields(await sys.api('/certification-cycles', { method: 'POST', json: { organisationId: org } }), 422)).toEqual(['decisionDate']);
    expect(await fields(await sys.api('/certification-cycles', { method: 'POST', json: { organisationId: 'nobody-here', decisionDate } }), 422)).toEqual(['organisationId']);
    expect(await fields(await sys.api('/certification-cycles', { method: 'POST', json: { organisationId: org, decisionDate: addDays(today, 5) } }), 422)).toEqual(['decisionDate']);
    expect(await fields(await sys.api('/certification-cycles', { method: 'POST', json: { organisationId: org, decisionDate: '2026-02-30' } }), 422)).toEqual(['decisionDate']);
    expect(await fields(await sys.api('/certification-cycles', { method: 'POST', json: { organisationId: org, decisionDate: '2020-01-06' } }), 422)).toEqual(['decisionDate']);
    expect(
      await fields(
        await sys.api('/certification-cycles', {
          method: 'POST',
          json: { organisationId: org, firstCertification: { stage1: addDays(today, 60), stage2: addDays(today, 30) }, cadences: { readinessDays: 1 }, owners: { accessReview: 'nope' }, extra: 1 },
        }),
        422,
      ),
    ).toEqual(['cadences.readinessDays', 'extra', 'owners.accessReview']);
    expect(await fields(await sys.api('/certification-cycles', { method: 'POST', json: { organisationId: org, firstCertification: { stage1: addDays(today, 60), stage2: addDays(today, 30) } } }), 422)).toEqual([
      'firstCertification.stage2',
    ]);
    expect((await json(sys.api(`/certification-cycles?organisationId=${org}`))).items).toHaveLength(1);
    expect((await sys.api('/certification-cycles/acme:yesterday')).status).toBe(404);
  });

  it('shows readiness for the next audit and the plan as a calendar feed behind its link', async () => {
    const readiness = await json(sys.api(`${path}/readiness`));
    expect(readiness).toMatchObject({ cycleId, audit: { kind: 'surveillance1' }, today, bunched: false });
    expect(readiness.done).toEqual([]);
    // Activities due before the cycle was set up are not held against it.
    expect(readiness.overdue).toEqual([]);

    const cycle = await json(sys.api(path));
    const ics = await fetch(cycle.links.calendar);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const text = (await ics.text()).replace(/\r\n[ \t]/g, '');
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(3 + cycle.activities.length);
    expect(text).toContain(`UID:${cycleId}:surveillance1-riskAssessment-1@ismsflow`);
    expect((await fetch(`${sys.baseUrl}${path}/calendar.ics`)).status).toBe(403);
    expect((await fetch(`${sys.baseUrl}${path}/calendar.ics?token=forged`)).status).toBe(403);
  });

  it('a significant change starts a risk assessment now; its owner and the ISMS manager complete it from their mail', async () => {
    const res = await sys.api(`${path}/changes`, { method: 'POST', json: { kind: 'newSystem', description: `Customer data moves to a new CRM (${pid})`, landsOn: addDays(today, 10) } });
    expect(res.status).toBe(200);
    const after = await json(res);
    const change = after.activities.filter((a: { change?: number }) => a.change === 1);
    expect(change.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([['change1-riskAssessment', 'open']]); // a new system: no policy review unless asked
    expect(await fields(await sys.api(`${path}/changes`, { method: 'POST', json: { kind: 'merger', description: '' } }), 422)).toEqual(['description', 'kind']);

    await complete(riskOwner, /assess the information security risks/, {
      risks: [{ asset: 'CRM', threat: 'Data leak', vulnerability: 'Shared admin account', owner: riskOwner, consequence: '4', likelihood: '4', treatment: 'reduce', rationale: 'SSO and MFA' }],
      evidence: ['https://grc.acme.example/risks/crm'],
    });
    await complete(manager, /approve the risk treatment plan/, { decision: 'approve' });

    const cycle = await cycleWhere((c) => c.activities.find((a: { id: string }) => a.id === 'change1-riskAssessment')?.status === 'completed', 'the change risk assessment completed');
    const done = cycle.activities.find((a: { id: string }) => a.id === 'change1-riskAssessment');
    expect(done).toMatchObject({ completedOn: today, summary: '1 risk(s), 1 high; treatment approved' });
    // The record an auditor samples: what the owner assessed, who approved, when.
    expect(done.record).toMatchObject({ assessment: { by: riskOwner, data: { risks: [{ asset: 'CRM', treatment: 'reduce' }] } }, approval: { by: manager, data: { decision: 'approve' } } });
    // The approved risks are in the register, as a version whose source is the activity.
    const [inRegister] = (await json(sys.api(`/risks?owner=${encodeURIComponent(riskOwner)}`))).items;
    expect(inRegister).toMatchObject({ current: { asset: 'CRM', level: 16, treatment: 'reduce', source: `cert-cycle:${cycleId}/change1-riskAssessment`, assessedBy: riskOwner }, acceptanceRequired: true });
  });

  it('a date booked by the body re-plans the cycle; the readiness report goes to the ISMS manager before the audit', async () => {
    expect((await sys.api(`${path}/audits/stage1/booking`, { method: 'POST', json: { date: addDays(today, 40) } })).status).toBe(422);
    expect(await fields(await sys.api(`${path}/audits/surveillance1/booking`, { method: 'POST', json: { date: addDays(today, -1) } }), 422)).toEqual(['date']);
    expect((await sys.api(`${path}/audits/audit9/booking`, { method: 'POST', json: { date: addDays(today, 40) } })).status).toBe(404);

    // Booked 30 days ahead: the readiness check falls due today.
    const res = await sys.api(`${path}/audits/surveillance1/booking`, { method: 'POST', json: { date: addDays(today, 30) } });
    expect(res.status).toBe(200);
    expect((await json(res)).nextAudit).toMatchObject({ kind: 'surveillance1', date: addDays(today, 30), status: 'booked', booked: true });

    const report = await mailbox.waitFor(manager, /readiness for the surveillance audit 1/, 30_000);
    expect(report.Text).toContain('Done (1):\n- Risk assessment');
    expect(report.Text).toContain('Evidence is spread across the year');
    const cycle = await cycleWhere((c) => c.activities.find((a: { kind: string; forAudit: string }) => a.kind === 'readinessCheck' && a.forAudit === 'surveillance1')?.status === 'completed', 'the readiness check done');
    expect(cycle.nextAudit.date).toBe(addDays(today, 30));

    // Results come for the audit the cycle waits for, never from the future.
    expect(await fields(await sys.api(`${path}/audits/surveillance2/result`, { method: 'POST', json: { date: today, auditors: ['a'], recommended: true, findings: [] } }), 422)).toEqual(['kind']);
    expect(await fields(await sys.api(`${path}/audits/surveillance1/result`, { method: 'POST', json: { date: addDays(today, 30), auditors: ['a'], recommended: true, findings: [] } }), 422)).toEqual(['date']);
    expect(await fields(await sys.api(`${path}/audits/surveillance1/result`, { method: 'POST', json: { date: today, auditors: [], recommended: 'yes', findings: [{ type: 'severe' }] } }), 422)).toEqual([
      'auditors',
      'findings.0.description',
      'findings.0.requirement',
      'findings.0.type',
      'recommended',
    ]);
  });
});
