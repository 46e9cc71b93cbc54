import AdmZip from 'adm-zip';
import { createTransport } from 'nodemailer';
import { createActivities } from '../../activities';
import { addDays, localDate } from '../../libs/domain/src';
import { createApiKey } from '../../libs/security/src';
import { json, startSystem } from '../support/system';

/** The improvements register (ISO 27001 10.1) with the real API and PostgreSQL: raised, owned, decided once, dated evidence. */
describe('the improvements register', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  const pid = process.pid;
  const owner = `ofi-owner.${pid}@acme.example`;
  const today = localDate(Date.now(), 'UTC');
  const raise = (body: Record<string, unknown>, key?: string) => sys.api('/improvements', { method: 'POST', json: body, key });
  const decide = (id: string, body: Record<string, unknown>, key?: string) => sys.api(`/improvements/${id}/decision`, { method: 'PUT', json: body, key });
  const fields = async (res: Response, status = 422) => {
    expect({ status: res.status, type: res.headers.get('content-type')?.split(';')[0] }).toEqual({ status, type: 'application/problem+json' });
    return ((await json(res)).errors as Array<{ field: string }>).map((e) => e.field);
  };

  it('raises an improvement once per source, decides it once, and keeps every step as evidence', async () => {
    const { key: registers, name: keyName } = await createApiKey(sys.db, `ofi-registers-${pid}`, 'integration', ['read', 'registers:write']);
    const { key: onBehalf, name: recorder } = await createApiKey(sys.db, `ofi-grc-${pid}`, 'integration', ['read', 'registers:write', 'on-behalf']);
    const body = { title: 'Offer passkeys to all staff', description: 'The phishing drill showed password reuse.\nPasskeys would end it.', source: 'managementReview', sourceRef: `MR-${pid}/4`, owner, dueOn: addDays(today, 90) };

    // Bad input changes nothing, and names the field.
    expect(await fields(await raise({ ...body, source: 'gut feeling' }))).toEqual(['source']);
    expect(await fields(await raise({ ...body, dueOn: '2027-02-31' }))).toEqual(['dueOn']);
    expect(await fields(await raise({ ...body, owner: 'not an address' }))).toEqual(['owner']);
    expect(await fields(await raise({ ...body, title: 'A\u0000B' }))).toEqual(['title']);
    // An internal audit raises its own: its references are predictable, so no one may take one first.
    expect(await fields(await raise({ ...body, source: 'internalAudit', sourceRef: `acme:${pid}/internalAudit-1/1` }))).toEqual(['source']);
    expect((await json(sys.api(`/improvements?owner=${encodeURIComponent(owner)}`))).total).toBe(0);

    const first = await raise(body, registers);
    expect(first.status).toBe(201);
    const improvement = await json(first);
    expect(improvement).toMatchObject({ id: expect.stringMatching(/^OFI-\d{4}-\d{4,}$/), status: 'open', owner, raisedBy: keyName, outcome: null });
    expect(first.headers.get('location')).toBe(`/improvements/${improvement.id}`);
    // The same source again is the same improvement; the same source saying something else is a conflict.
    const again = await raise(body);
    expect({ status: again.status, id: (await json(again)).id }).toEqual({ status: 200, id: improvement.id });
    expect(await fields(await raise({ ...body, title: 'Something else' }), 409)).toEqual(['sourceRef']);
    // Without a source reference, an Idempotency-Key makes the retry of a lost answer the same improvement.
    const { sourceRef: _ref, ...manual } = body;
    const keyed = (key: string) => sys.api('/improvements', { method: 'POST', json: manual, headers: { 'idempotency-key': key } });
    const once = await keyed(`ofi-${pid}`);
    const twice = await keyed(`ofi-${pid}`);
    expect([once.status, twice.status]).toEqual([201, 200]);
    expect((await json(twice)).id).toBe((await json(once)).id);
    expect((await json(sys.api(`/improvements?status=open&source=managementReview&owner=${encodeURIComponent(owner)}`))).total).toBe(2);
    expect(await fields(await sys.api('/improvements?status=maybe'))).toEqual(['status']);

    // A decision: not in the future, not before it was raised (days in the organisation's zone), the decider from the credential.
    const day = localDate(Date.now(), sys.config.timeZone);
    const done = { outcome: 'done', summary: 'Passkeys enabled in the IdP for everyone', decidedOn: day };
    expect(await fields(await decide(improvement.id, { ...done, decidedOn: addDays(day, 1) }))).toEqual(['decidedOn']);
    expect(await fields(await decide(improvement.id, { ...done, decidedOn: addDays(day, -1) }))).toEqual(['decidedOn']);
    expect(await fields(await decide(improvement.id, { ...done, outcome: 'maybe' }))).toEqual(['outcome']);
    expect(await fields(await decide(improvement.id, { ...done, decidedBy: owner }, registers), 403)).toEqual(['decidedBy']);
    expect((await json(sys.api(`/improvements/${improvement.id}`))).status).toBe('open');
    const decided = await decide(improvement.id, { ...done, decidedBy: owner }, onBehalf);
    expect(decided.status).toBe(200);
    expect(await json(decided)).toMatchObject({ status: 'done', outcome: done.summary, decidedOn: day, decidedBy: owner, recordedBy: recorder });
    // Never overwritten.
    expect(await fields(await decide(improvement.id, { ...done, outcome: 'rejected', summary: 'Changed our mind' }), 409)).toEqual(['outcome']);
    expect((await sys.api('/improvements/OFI-1999-0001')).status).toBe(404);
    expect((await sys.api('/improvements/not-an-id')).status).toBe(404);

    const evidence = (await json(sys.api(`/evidence?reference=${improvement.id}&from=${addDays(today, -1)}`))).items as Array<{ process: string; kind: string; actor: string }>;
    expect(evidence.map((e) => [e.process, e.kind, e.actor])).toEqual([
      ['improvements', 'improvementRaised', keyName],
      ['improvements', 'improvementDecided', owner],
    ]);
    const zip = new AdmZip(Buffer.from(await (await sys.api(`/evidence-pack?from=${today}&to=${today}`)).arrayBuffer()));
    expect(zip.readAsText('improvements.csv')).toContain(improvement.id);
  });

  it("an internal audit's opportunity for improvement raised by its activity is one improvement however often the activity runs", async () => {
    const mailer = createTransport(sys.config.smtp.url);
    try {
      const acts = createActivities({ db: sys.db, mailer, config: sys.config });
      const finding = { title: 'A.5.17: Passkeys', description: 'Passkeys would end password reuse', source: 'internalAudit' as const, sourceRef: `acme:${pid}/internalAudit-1/1`, owner, raisedBy: `auditor.${pid}@acme.example` };
      const first = await acts.raiseImprovement(finding);
      // A retry after its first answer was lost.
      expect(await acts.raiseImprovement(finding)).toEqual(first);
      expect(await json(sys.api(`/improvements/${first.id}`))).toMatchObject({ source: 'internalAudit', sourceRef: finding.sourceRef, owner, raisedBy: finding.raisedBy, status: 'open' });
      expect((await json(sys.api(`/improvements?source=internalAudit&owner=${encodeURIComponent(owner)}`))).total).toBe(1);
    } finally {
      mailer.close();
    }
  });
});
