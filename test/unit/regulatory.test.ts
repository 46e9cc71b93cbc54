import { doraMajorIndicated, nextDeadline, regulatoryDeadlines, reminderTimes, type RegulatoryFacts, type Submission } from '../../libs/domain/src';

/**
 * Worked examples from the texts: GDPR Art. 33(1) and 34(1); NIS2 Art. 23(4)(a), (b), (d), (e);
 * Delegated Regulation (EU) 2025/301 Art. 5(1) and (2). Hours are exact; months are counted on the
 * organisation's calendar (Europe/Berlin here unless said otherwise).
 */
const aware = '2026-03-02T08:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(aware) + hours * 3_600_000).toISOString();
const sent = (...times: string[]): Submission[] => times.map((t) => ({ at: t }));
const base = (extra: Partial<RegulatoryFacts> = {}): RegulatoryFacts => ({ awareAt: aware, timeZone: 'Europe/Berlin', submissions: {}, ...extra });
const due = (facts: RegulatoryFacts, now = aware) => Object.fromEntries(regulatoryDeadlines(facts, now).map((d) => [d.report, d.dueAt]));
const state = (facts: RegulatoryFacts, now: string) => Object.fromEntries(regulatoryDeadlines(facts, now).map((d) => [d.report, d.state]));

describe('GDPR (Art. 33(1), 34(1))', () => {
  it('the supervisory authority within 72 h of awareness; the data subjects too when the risk to them is high', () => {
    expect(due(base({ gdpr: { applies: true } }))).toEqual({ 'gdpr-authority': at(72) });
    expect(due(base({ gdpr: { applies: true, highRiskToPeople: true, subjectsTargetHours: 48 } }))).toEqual({ 'gdpr-authority': at(72), 'gdpr-subjects': at(48) });
    expect(due(base({ gdpr: { applies: false } }))).toEqual({});
  });

  it('72 h are exact hours, also across the night the clocks go forward: 27 March 2026 10:00 Berlin -> 30 March 11:00 Berlin', () => {
    // CET until 29 March 02:00, CEST after: 72 h later the wall clock shows one hour more.
    const facts = base({ awareAt: '2026-03-27T09:00:00.000Z', gdpr: { applies: true } });
    expect(due(facts, facts.awareAt)['gdpr-authority']).toBe('2026-03-30T09:00:00.000Z');
  });

  it('met when submitted in time, missed when not, late when submitted after', () => {
    const facts = base({ gdpr: { applies: true } });
    expect(state(facts, at(71))).toEqual({ 'gdpr-authority': 'open' });
    expect(state(facts, at(73))).toEqual({ 'gdpr-authority': 'missed' });
    expect(state({ ...facts, submissions: { 'gdpr-authority': sent(at(70)) } }, at(100))).toEqual({ 'gdpr-authority': 'submitted' });
    expect(state({ ...facts, submissions: { 'gdpr-authority': sent(at(80)) } }, at(100))).toEqual({ 'gdpr-authority': 'submitted late' });
  });

  it('a later recorded awareness moves every clock with it', () => {
    const later = '2026-03-03T15:30:00.000Z';
    expect(due(base({ awareAt: later, gdpr: { applies: true } }), later)['gdpr-authority']).toBe('2026-03-06T15:30:00.000Z');
  });
});

describe('NIS2 (Art. 23(4))', () => {
  const nis2 = (extra: Partial<RegulatoryFacts> = {}) => base({ nis2: { applies: true }, ...extra });

  it('early warning 24 h and notification 72 h after awareness (24 h for a trust service provider)', () => {
    expect(due(nis2())).toEqual({ 'nis2-early-warning': at(24), 'nis2-notification': at(72), 'nis2-final': undefined });
    expect(due(base({ nis2: { applies: true, trustServiceProvider: true } }))['nis2-notification']).toBe(at(24));
  });

  it('resolved within the month: the final report one month after the notification, on the Berlin calendar', () => {
    // Notified 31 January 2027 00:30 Berlin (30 January 23:30 UTC): due 28 February 00:30 Berlin, not 1 March as on the UTC calendar... nor 28 Feb 23:30 UTC.
    const notified = '2027-01-30T23:30:00.000Z';
    const facts = nis2({ awareAt: '2027-01-29T08:00:00.000Z', resolvedAt: '2027-02-10T12:00:00.000Z', submissions: { 'nis2-notification': sent(notified) } });
    expect(due(facts, '2027-02-11T00:00:00.000Z')['nis2-final']).toBe('2027-02-27T23:30:00.000Z');
  });

  it('a leap year: notified 31 January 2028 -> final due 29 February 2028, same wall-clock time', () => {
    const facts = nis2({ awareAt: '2028-01-29T08:00:00.000Z', resolvedAt: '2028-02-01T00:00:00.000Z', submissions: { 'nis2-notification': sent('2028-01-31T09:15:00.000Z') } });
    expect(due(facts, '2028-02-02T00:00:00.000Z')['nis2-final']).toBe('2028-02-29T09:15:00.000Z');
  });

  it('still being handled: the report due a month after the notification is a progress report, the final a month after handling ends', () => {
    const notified = at(60); // 4 March 2026 20:00 UTC = 21:00 Berlin (CET)
    const facts = nis2({ submissions: { 'nis2-early-warning': sent(at(20)), 'nis2-notification': sent(notified) } });
    // 4 April 2026 21:00 Berlin is CEST: 19:00 UTC, not the 20:00 UTC that adding a month on the UTC calendar gives.
    const monthLater = '2026-04-04T19:00:00.000Z';
    expect(due(facts, at(61))).toEqual({ 'nis2-early-warning': at(24), 'nis2-notification': at(72), 'nis2-progress': monthLater, 'nis2-final': undefined });
    expect(state(facts, '2026-04-05T00:00:00.000Z')['nis2-progress']).toBe('missed');
    // A report submitted while the incident is ongoing is the progress report, never the final.
    const progressSent = { ...facts, submissions: { ...facts.submissions, 'nis2-progress': sent('2026-04-01T10:00:00.000Z') } };
    expect(state(progressSent, '2026-04-05T00:00:00.000Z')).toMatchObject({ 'nis2-progress': 'submitted', 'nis2-final': 'not started' });
    // Handling ends 20 May 2026 23:30 Berlin: the final is due 20 June 23:30 Berlin.
    const resolved = { ...progressSent, resolvedAt: '2026-05-20T21:30:00.000Z' };
    expect(due(resolved, '2026-05-21T00:00:00.000Z')).toMatchObject({ 'nis2-progress': monthLater, 'nis2-final': '2026-06-20T21:30:00.000Z' });
  });

  it('resolved before the progress report was due: the final report replaces it, still due a month after the notification', () => {
    const facts = nis2({ resolvedAt: at(200), submissions: { 'nis2-notification': sent(at(60)) } });
    expect(due(facts, at(201))).toEqual({ 'nis2-early-warning': at(24), 'nis2-notification': at(72), 'nis2-final': '2026-04-04T19:00:00.000Z' });
  });

  it('resolved after the month without a progress report: the progress report was missed, the final counts from the end of handling', () => {
    const facts = nis2({ resolvedAt: '2026-04-10T10:00:00.000Z', submissions: { 'nis2-notification': sent(at(60)) } });
    expect(regulatoryDeadlines(facts, '2026-04-11T00:00:00.000Z').filter((d) => d.report !== 'nis2-early-warning' && d.report !== 'nis2-notification').map((d) => [d.report, d.dueAt, d.state])).toEqual([
      ['nis2-progress', '2026-04-04T19:00:00.000Z', 'missed'],
      ['nis2-final', '2026-05-10T10:00:00.000Z', 'open'],
    ]);
  });
});

describe('DORA (RTS 2025/301 Art. 5)', () => {
  const dora = (classifiedMajorAt?: string, extra: Partial<RegulatoryFacts> = {}) => base({ dora: { applies: true, classifiedMajorAt }, ...extra });

  it('initial 4 h after classification as major, intermediate 72 h after the initial was submitted, final a month after the intermediate', () => {
    expect(due(dora(at(2)))).toEqual({ 'dora-initial': at(6), 'dora-intermediate': undefined, 'dora-final': undefined });
    expect(due(dora(at(2), { submissions: { 'dora-initial': sent(at(5)) } }))['dora-intermediate']).toBe(at(77));
    // Chained: each clock starts from the previous submission, not from its deadline. 4 March 2026 11:00 Berlin (CET) -> 4 April 11:00 Berlin (CEST) = 09:00 UTC.
    const chained = dora(at(2), { submissions: { 'dora-initial': sent(at(5)), 'dora-intermediate': sent(at(50)) } });
    expect(due(chained)).toEqual({ 'dora-initial': at(6), 'dora-intermediate': at(77), 'dora-final': '2026-04-04T09:00:00.000Z' });
  });

  it('classified within the 24 h: never later than 24 h after awareness', () => {
    expect(due(dora(at(22)))['dora-initial']).toBe(at(24));
    expect(due(dora(at(20)))['dora-initial']).toBe(at(24));
    expect(due(dora(at(19)))['dora-initial']).toBe(at(23));
  });

  it('classified as major only after the 24 h (Art. 5(2)): 4 h after that classification, not missed the moment it is classified', () => {
    const late = dora(at(30));
    expect(due(late)['dora-initial']).toBe(at(34));
    expect(state(late, at(30))['dora-initial']).toBe('open');
    expect(state(late, at(35))['dora-initial']).toBe('missed');
  });

  it('classified at the 24th hour exactly is not "within 24 h": 4 h after it, never 0 h', () => {
    expect(due(dora(at(24)))['dora-initial']).toBe(at(28));
    expect(state(dora(at(24)), at(24))['dora-initial']).toBe('open');
    // A minute before, the 24 h bound still holds: a minute to notify, as the rule says.
    expect(due(dora('2026-03-03T07:59:00.000Z'))['dora-initial']).toBe(at(24));
  });

  it('not classified as major: no clock runs', () => {
    expect(state(dora(), at(100))).toEqual({ 'dora-initial': 'not started', 'dora-intermediate': 'not started', 'dora-final': 'not started' });
  });

  it('regular activities recovered after the intermediate: an updated intermediate is owed, and the final moves to a month after it', () => {
    const facts = dora(at(2), {
      submissions: { 'dora-initial': sent(at(5)), 'dora-intermediate': sent(at(50)) },
      statusChanges: [{ at: at(100), what: 'regular activities recovered' }],
    });
    expect(regulatoryDeadlines(facts, at(101)).filter((d) => d.report !== 'dora-initial').map((d) => [d.report, d.dueAt, d.state])).toEqual([
      ['dora-intermediate', at(124), 'open'],
      ['dora-final', '2026-04-04T09:00:00.000Z', 'open'],
    ]);
    const updated = { ...facts, submissions: { ...facts.submissions, 'dora-intermediate': sent(at(50), at(110)) } };
    const after = regulatoryDeadlines(updated, at(111));
    expect(after.find((d) => d.report === 'dora-intermediate')).toMatchObject({ state: 'submitted', submissions: [{ at: at(50) }, { at: at(110) }] });
    // The latest updated intermediate: 6 March 2026 22:00 UTC = 23:00 Berlin -> 6 April 23:00 Berlin (CEST) = 21:00 UTC.
    expect(after.find((d) => d.report === 'dora-final')?.dueAt).toBe('2026-04-06T21:00:00.000Z');
  });

  it('a change after the final report is in asks for no updated intermediate, and the final stays submitted', () => {
    const facts = dora(at(2), {
      submissions: { 'dora-initial': sent(at(5)), 'dora-intermediate': sent(at(50)), 'dora-final': sent(at(300)) },
      statusChanges: [{ at: at(400), what: 'severity now low' }],
    });
    const states = state(facts, at(500));
    expect(states).toEqual({ 'dora-initial': 'submitted', 'dora-intermediate': 'submitted', 'dora-final': 'submitted' });
    // One that came between the intermediate and the final still asked for its update.
    const between = { ...facts, statusChanges: [{ at: at(100), what: 'regular activities recovered' }] };
    expect(state(between, at(500))['dora-intermediate']).toBe('missed');
  });

  it('a status change before the first intermediate asks for nothing more than the intermediate itself', () => {
    const facts = dora(at(2), { submissions: { 'dora-initial': sent(at(5)) }, statusChanges: [{ at: at(20), what: 'regular activities recovered' }] });
    expect(due(facts)['dora-intermediate']).toBe(at(77));
  });

  it('reclassification re-plans: a later classification moves the initial deadline with it', () => {
    expect([due(dora(at(1)))['dora-initial'], due(dora(at(10)))['dora-initial']]).toEqual([at(5), at(14)]);
  });
});

describe('months in a zone far from UTC, at midnight', () => {
  it('a final report due a month after 00:15 on 1 March in Tokyo falls on 1 April in Tokyo', () => {
    const facts = base({ timeZone: 'Asia/Tokyo', awareAt: '2026-02-26T00:00:00.000Z', nis2: { applies: true }, resolvedAt: '2026-03-05T00:00:00.000Z', submissions: { 'nis2-notification': sent('2026-02-28T15:15:00.000Z') } });
    expect(due(facts, '2026-03-06T00:00:00.000Z')['nis2-final']).toBe('2026-03-31T15:15:00.000Z');
  });

  it('New York, the night the clocks go back: one month after 1 October 01:30 EDT is 1 November 01:30 EDT (the first of the two)', () => {
    const facts = base({ timeZone: 'America/New_York', awareAt: '2026-09-28T00:00:00.000Z', dora: { applies: true, classifiedMajorAt: '2026-09-28T01:00:00.000Z' }, submissions: { 'dora-initial': sent('2026-09-28T03:00:00.000Z'), 'dora-intermediate': sent('2026-10-01T05:30:00.000Z') } });
    expect(due(facts)['dora-final']).toBe('2026-11-01T05:30:00.000Z');
  });
});

describe('what to show and when to remind', () => {
  it('the next deadline is the earliest one still open or missed', () => {
    const facts = base({ gdpr: { applies: true }, nis2: { applies: true }, dora: { applies: true, classifiedMajorAt: at(21) }, submissions: { 'nis2-early-warning': sent(at(3)) } });
    expect(nextDeadline(regulatoryDeadlines(facts, at(25)))).toMatchObject({ report: 'dora-initial', dueAt: at(24), state: 'missed' });
    const initialSent = { ...facts, submissions: { ...facts.submissions, 'dora-initial': sent(at(25)) } };
    expect(nextDeadline(regulatoryDeadlines(initialSent, at(26)))).toMatchObject({ report: 'gdpr-authority', dueAt: at(72) });
  });

  it('reminders fall at fixed fractions of the time left', () => {
    expect(reminderTimes(aware, at(72))).toEqual([at(36), at(54), at(64.8)]);
  });
});

describe('DORA major, as the triage indicates it (RTS 2024/1772)', () => {
  const t = { isIncident: true, category: 'outage', severity: 'high' as const, personalData: false, financialEntity: true, criticalServicesAffected: true };
  it.each([
    [{ ...t, maliciousAccess: true }, true],
    [{ ...t, doraThresholdsMet: 2 }, true],
    [{ ...t, doraThresholdsMet: 1 }, false],
    [{ ...t, criticalServicesAffected: false, maliciousAccess: true }, false],
    [{ ...t, financialEntity: false, doraThresholdsMet: 3 }, false],
  ])('%o -> %s', (triage, major) => expect(doraMajorIndicated(triage)).toBe(major));
});

describe('DORA weekend and bank holiday relief (RTS 2025/301 Art. 5(4), (5))', () => {
  // Berlin, Monday to Friday, with Christmas Day and Boxing Day as bank holidays.
  const relief = { workingDays: [1, 2, 3, 4, 5], bankHolidays: ['2026-12-25', '2026-12-26'] };
  const christmas = (extra: Partial<RegulatoryFacts> = {}, withRelief = true) =>
    base({ awareAt: '2026-12-24T19:00:00.000Z', dora: { applies: true, classifiedMajorAt: '2026-12-24T21:00:00.000Z', ...(withRelief ? { relief } : {}) }, ...extra });

  it('an initial notification due on a bank holiday may come by 12:00 on the next working day: Christmas Eve 22:00 + 4 h (Christmas Day) -> Monday 28 December 12:00', () => {
    expect(due(christmas())['dora-initial']).toBe('2026-12-28T11:00:00.000Z');
    expect(regulatoryDeadlines(christmas(), '2026-12-24T22:00:00.000Z')[0].basis).toMatch(/12:00 on the next working day \(Art\. 5\(4\)\)/);
    // Without the relief (Art. 5(5) entities, or not configured): the stricter time.
    expect(due(christmas({}, false))['dora-initial']).toBe('2026-12-25T01:00:00.000Z');
  });

  it('a report due on a working day keeps its time, to the minute', () => {
    const wednesday = base({ awareAt: '2026-12-23T07:00:00.000Z', dora: { applies: true, classifiedMajorAt: '2026-12-23T08:00:00.000Z', relief } });
    expect(due(wednesday)['dora-initial']).toBe('2026-12-23T12:00:00.000Z');
  });

  it('the intermediate and the final report move too: 72 h into a Saturday, one month onto a Sunday', () => {
    // Initial submitted Wednesday 30 December 10:00 Berlin: 72 h is Saturday 2 January -> Monday 4 January 12:00.
    const submitted = christmas({ submissions: { 'dora-initial': sent('2026-12-30T09:00:00.000Z') } });
    expect(due(submitted)['dora-intermediate']).toBe('2027-01-04T11:00:00.000Z');
    // The intermediate submitted Thursday 28 January 09:00 Berlin: a month on is Sunday 28 February -> Monday 1 March 12:00.
    const final = christmas({ submissions: { 'dora-initial': sent('2026-12-30T09:00:00.000Z'), 'dora-intermediate': sent('2027-01-28T08:00:00.000Z') } });
    expect(due(final)['dora-final']).toBe('2027-03-01T11:00:00.000Z');
  });

  it('an updated intermediate keeps its internal target ("without undue delay" has no time limit to move), and GDPR and NIS2 never move', () => {
    const recovered = christmas({
      submissions: { 'dora-initial': sent('2026-12-25T00:30:00.000Z'), 'dora-intermediate': sent('2026-12-25T01:00:00.000Z') },
      statusChanges: [{ at: '2026-12-25T10:00:00.000Z', what: 'regular activities recovered' }],
      gdpr: { applies: true },
      nis2: { applies: true },
    });
    const d = due(recovered);
    expect(d['dora-intermediate']).toBe('2026-12-26T10:00:00.000Z');
    expect(d['gdpr-authority']).toBe('2026-12-27T19:00:00.000Z');
    expect(d['nis2-early-warning']).toBe('2026-12-25T19:00:00.000Z');
  });
});
