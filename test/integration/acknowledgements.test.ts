import { createTransport } from 'nodemailer';
import { createActivities } from '../../activities';
import { loadConfig } from '../../libs/config/src';
import { addDays, localDate } from '../../libs/domain/src';
import { connectClient } from '../../libs/temporal/src';
import { processStarts } from '../../libs/temporal/src/processes';
import { startProcess } from '../../libs/temporal/src/start-process';
import { json, mailbox, startSystem, until, type MailMessage } from '../support/system';

/** Policy acknowledgement with the real API, worker, PostgreSQL and SMTP: from approval to coverage. */
describe('policy acknowledgement', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(() => sys?.close());

  const pid = process.pid;
  const dept = `Ops-${pid}`;
  const at = (name: string) => `${name}.ack${pid}@acme.example`;
  const today = localDate(Date.now(), loadConfig().timeZone);
  const doc = `POL-ACK-${pid}`;
  const owner = at('isms');
  const put = (email: string, body: unknown) => sys.api(`/people/${encodeURIComponent(email)}`, { method: 'PUT', json: body });
  const approve = (version: string, extra: Record<string, unknown> = {}) =>
    sys.api(`/documents/${doc}/versions`, { method: 'POST', json: { version, author: owner, approver: at('ceo'), approvedOn: today, nextReview: addDays(today, 365), summary: `Version ${version}: MFA everywhere`, link: 'https://intranet.acme.example/policies/access', ...extra } });
  const ackLink = (mail: MailMessage) => /(https?:\/\/\S+\/ack\/[A-Za-z0-9._-]+)/.exec(mail.Text)![1];
  const coverage = async () => ((await json(sys.api('/acknowledgements/coverage'))).items as Array<{ documentId: string }>).find((c) => c.documentId === doc);
  const round = (major: string) => json(sys.api(`/acknowledgements/rounds/${encodeURIComponent(`${doc}@${major}`)}`));
  const fields = async (res: Response) => {
    expect({ status: res.status, type: res.headers.get('content-type')?.split(';')[0] }).toEqual({ status: 422, type: 'application/problem+json' });
    return ((await json(res)).errors as Array<{ field: string }>).map((e) => e.field);
  };

  it('approving a major version asks its audience, each person acknowledges from their own mail, coverage counts them; leavers drop out; a minor version asks nobody, the next major asks again', async () => {
    const entry = (extra: Record<string, unknown> = {}) => ({ name: 'Someone', department: dept, startDate: '2025-01-06', ...extra });
    const people = {
      alice: entry({ name: 'Alice', manager: at('bob') }),
      bob: entry({ name: 'Bob' }),
      carol: entry({ name: 'Carol', manager: at('bob') }),
      dave: entry({ name: 'Dave', leaveDate: addDays(today, -1) }), // left yesterday
      erin: entry({ name: 'Erin', startDate: addDays(today, 7) }), // starts next week
      frank: { ...entry({ name: 'Frank' }), department: `Sales-${pid}` }, // not in the audience
    };
    for (const [name, body] of Object.entries(people)) expect((await put(at(name), body)).status).toBe(201);

    // Bad input changes nothing: an unknown audience, a due day already past.
    expect((await sys.api('/documents', { method: 'POST', json: { id: doc, title: 'Access policy', kind: 'policy', owner, audience: 'team:ops' } })).status).toBe(422);
    expect((await sys.api('/documents', { method: 'POST', json: { id: doc, title: 'Access policy', kind: 'policy', owner, audience: `department:${dept}` } })).status).toBe(201);
    expect(await fields(await sys.api(`/documents/${doc}/audience`, { method: 'PUT', json: { audience: 'department' } }))).toEqual(['audience']);
    expect(await fields(await approve('1.0', { acknowledgeBy: today }))).toEqual(['acknowledgeBy']);
    expect((await json(sys.api(`/documents/${doc}`))).versions).toEqual([]);

    expect((await approve('1.0', { acknowledgeBy: addDays(today, 14) })).status).toBe(201);
    const asked = await Promise.all(['alice', 'bob', 'carol'].map((p) => mailbox.waitFor(at(p), /Please read: Access policy 1\.0/)));
    expect(asked[0].Text).toContain('Dear Alice');
    expect(asked[0].Text).toContain('https://intranet.acme.example/policies/access');
    // One link each, each their own.
    expect(new Set(asked.map(ackLink)).size).toBe(3);
    await until('the round holds its three people', async () => ((await round('1')).requests?.open === 3 ? true : undefined));
    for (const p of ['dave', 'erin', 'frank']) expect(await mailbox.to(at(p))).toEqual([]);

    // Alice opens her link and acknowledges; again changes nothing.
    const alice = ackLink(asked[0]);
    const page = await fetch(alice);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toContain('I acknowledge');
    const done = await fetch(alice, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Thank you, Alice');
    expect((await fetch(alice, { method: 'POST' })).status).toBe(200);
    const evidence = (await json(sys.api(`/evidence?reference=${doc}&from=${today}`))).items as Array<{ kind: string; actor: string }>;
    expect(evidence.filter((e) => e.kind === 'documentAcknowledged')).toEqual([expect.objectContaining({ actor: at('alice') })]);
    expect(await coverage()).toEqual({ documentId: doc, title: 'Access policy', version: '1.0', people: 3, acknowledged: 1, departments: [{ department: dept, people: 3, acknowledged: 1 }] });

    // A link altered to name someone else is refused.
    const [, expiry, signature] = alice.split('/ack/')[1].split('.');
    const forged = Buffer.from(JSON.stringify([`${doc}@1`, at('bob')])).toString('base64url');
    expect((await fetch(`${sys.baseUrl}/ack/${forged}.${expiry}.${signature}`)).status).toBe(404);
    // Garbage is not a link (404); a control character is refused before anything reads it (422).
    const garbage: Array<[string, number]> = [['x', 404], ['a.b.c', 404], [`${'A'.repeat(5000)}.1.${'B'.repeat(43)}`, 404], [encodeURIComponent('<script>.1.x'), 404], ['%00', 422]];
    for (const [token, status] of garbage) {
      for (const method of ['GET', 'POST']) expect({ token, method, status: (await fetch(`${sys.baseUrl}/ack/${token}`, { method })).status }).toEqual({ token, method, status });
    }

    // Carol leaves: her request closes, her link stops working, coverage no longer counts her.
    expect((await sys.api(`/people/${encodeURIComponent(at('carol'))}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(ackLink(asked[2]))).status).toBe(410);
    expect(await round('1')).toMatchObject({ requests: { open: 1, acknowledged: 1, closed: 1 } });
    expect(await coverage()).toMatchObject({ people: 2, acknowledged: 1 });
    expect((await json(sys.api(`/acknowledgements?person=${encodeURIComponent(at('carol'))}`))).items).toEqual([expect.objectContaining({ status: 'closed', closedReason: 'left' })]);

    // Bob has not answered by the due time: his manager-less overdue is told to the policy's owner;
    // Alice's manager would be told of her, but she has acknowledged. The mail names people, with no one's link.
    const config = sys.config;
    const mailer = createTransport(config.smtp.url);
    try {
      const acts = createActivities({ db: sys.db, mailer, config });
      expect(await acts.escalateAcknowledgements({ roundId: `${doc}@1`, batchKey: `${doc}@1/1` })).toBe(1);
      expect(await acts.escalateAcknowledgements({ roundId: `${doc}@1`, batchKey: `${doc}@1/1` })).toBe(1);
    } finally {
      mailer.close();
    }
    const escalation = await mailbox.waitFor(owner, /Not acknowledged: Access policy/);
    expect(escalation.Text).toContain(at('bob'));
    expect(escalation.Text).not.toMatch(/\/ack\/|\/t\/|\/my\//);
    expect((await mailbox.to(owner)).filter((m) => /Not acknowledged/.test(m.Subject))).toHaveLength(1);

    // A minor version is acknowledged under the round there is: nobody is asked again.
    expect((await approve('1.1')).status).toBe(201);
    expect(await coverage()).toMatchObject({ version: '1.1', people: 2, acknowledged: 1 });
    expect((await sys.api(`/acknowledgements/rounds/${encodeURIComponent(`${doc}@1.1`)}`)).status).toBe(404);

    // A new major version asks again, and the round before it is over.
    expect((await approve('2.0')).status).toBe(201);
    await mailbox.waitFor(at('alice'), /Please read: Access policy 2\.0/);
    await mailbox.waitFor(at('bob'), /Please read: Access policy 2\.0/);
    expect(await round('1')).toMatchObject({ supersededAt: expect.any(String), requests: { open: 0, acknowledged: 1, closed: 2 } });
    expect((await fetch(ackLink(asked[1]))).status).toBe(410);
    expect(await coverage()).toMatchObject({ version: '2.0', people: 2, acknowledged: 0 });
    expect((await mailbox.to(at('bob'))).filter((m) => /Please read/.test(m.Subject))).toHaveLength(2);
  });

  it('a policy review approved in the programme puts its versions in the register and asks the audience; its retry records nothing twice and still hands over the round', async () => {
    const reviewed = `POL-REV-${pid}`;
    const title = `Review policy ${pid}`;
    const reader = at('grace');
    expect((await put(reader, { name: 'Grace', department: `Review-${pid}`, startDate: '2025-01-06' })).status).toBe(201);
    expect((await sys.api('/documents', { method: 'POST', json: { id: reviewed, title, kind: 'policy', owner, audience: `department:Review-${pid}` } })).status).toBe(201);
    const v1 = { version: '1.0', author: owner, approver: at('ceo'), approvedOn: today, nextReview: addDays(today, 365), summary: 'First issue', link: 'https://intranet.acme.example/policies/review' };
    expect((await sys.api(`/documents/${reviewed}/versions`, { method: 'POST', json: v1 })).status).toBe(201);
    await mailbox.waitFor(reader, new RegExp(`Please read: ${title} 1\\.0`));

    const review = {
      reviewer: owner,
      approver: at('ceo'),
      approvedOn: today,
      policies: [
        { policy: `${reviewed.toLowerCase()}: ${title}`, version: '2.0', changes: 'Passkeys replace passwords', nextReview: addDays(today, 365) },
        { policy: title.toUpperCase(), version: 'two point oh!', changes: 'none', nextReview: addDays(today, 365) },
        { policy: 'A policy nobody registered', version: '1.0', changes: 'none', nextReview: addDays(today, 365) },
        { policy: reviewed, version: '2.1', changes: 'none', nextReview: today },
      ],
    };
    const mailer = createTransport(sys.config.smtp.url);
    const client = await connectClient(sys.config);
    try {
      const acts = createActivities({ db: sys.db, mailer, config: sys.config });
      const first = await acts.recordApprovedPolicies(review);
      expect(first).toMatchObject({ recorded: [`${reviewed} 2.0`], unchanged: [], rounds: [{ input: { roundId: `${reviewed}@2`, documentId: reviewed, version: '2.0' }, owner }] });
      expect(first.skipped.map((s) => [s.policy, s.reason])).toEqual([
        [title.toUpperCase(), expect.stringMatching(/version/)],
        ['A policy nobody registered', expect.stringMatching(/no document/)],
        [reviewed, expect.stringMatching(/next review/)],
      ]);
      // The first attempt's answer was lost: the retry adds no version, counts it as this approval's, and still hands over the round.
      const retry = await acts.recordApprovedPolicies(review);
      expect(retry).toMatchObject({ recorded: [`${reviewed} 2.0`], unchanged: [], rounds: first.rounds });
      // A later review that keeps 1.0 as it is adds nothing; one approved by its own author is refused.
      expect(await acts.recordApprovedPolicies({ ...review, approvedOn: addDays(today, 1), policies: [{ ...review.policies[0], version: '1.0' }] })).toMatchObject({ recorded: [], unchanged: [`${reviewed} 1.0`] });
      expect((await acts.recordApprovedPolicies({ ...review, approver: owner })).skipped.map((s) => s.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/approver must not be the author/)]));

      const versions = (await json(sys.api(`/documents/${reviewed}`))).versions as Array<Record<string, unknown>>;
      expect(versions.map((v) => [v.version, v.author, v.approver, v.link])).toEqual([
        ['1.0', owner, at('ceo'), v1.link],
        ['2.0', owner, at('ceo'), v1.link],
      ]);
      // The policy review workflow starts the round as a child; here, the same start by hand.
      for (const r of retry.rounds) await startProcess(client, sys.config.temporal.taskQueue, processStarts.acknowledgementRound(r.input, r.owner));
      const mail = await mailbox.waitFor(reader, new RegExp(`Please read: ${title} 2\\.0`));
      expect(mail.Text).toContain(v1.link);
      await until('the round has begun', async () => ((await acts.recordApprovedPolicies(review)).rounds.length === 0 ? true : undefined));
      expect(await json(sys.api(`/acknowledgements/rounds/${encodeURIComponent(`${reviewed}@1`)}`))).toMatchObject({ supersededAt: expect.any(String) });
    } finally {
      mailer.close();
      await client.connection.close();
    }
  });
});
