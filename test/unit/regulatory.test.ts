import { addMonth, doraMajorIndicated, nextDeadline, regulatoryDeadlines, reminderTimes, type RegulatoryFacts } from '../../libs/domain/src';

const aware = '2026-03-02T08:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(aware) + hours * 3_600_000).toISOString();
const due = (facts: RegulatoryFacts, now = aware) => Object.fromEntries(regulatoryDeadlines(facts, now).map((d) => [d.report, d.dueAt]));
const state = (facts: RegulatoryFacts, now: string) => Object.fromEntries(regulatoryDeadlines(facts, now).map((d) => [d.report, d.state]));

describe('calendar months', () => {
  it.each([
    ['2026-01-15T10:00:00.000Z', '2026-02-15T10:00:00.000Z'],
    ['2026-01-31T10:00:00.000Z', '2026-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00.000Z', '2028-02-29T10:00:00.000Z'],
    ['2026-12-31T23:30:00.000Z', '2027-01-31T23:30:00.000Z'],
  ])('%s + 1 month = %s', (from, to) => expect(addMonth(from)).toBe(to));
});

describe('GDPR', () => {
  it('the supervisory authority within 72 h of awareness; data subjects too when the risk to them is high', () => {
    expect(due({ awareAt: aware, gdpr: { applies: true }, submitted: {} })).toEqual({ 'gdpr-authority': at(72) });
    expect(due({ awareAt: aware, gdpr: { applies: true, highRiskToPeople: true }, submitted: {} })).toEqual({ 'gdpr-authority': at(72), 'gdpr-subjects': at(72) });
    expect(due({ awareAt: aware, gdpr: { applies: false }, submitted: {} })).toEqual({});
  });

  it('is met when submitted in time, missed when not, and late when submitted after', () => {
    const facts: RegulatoryFacts = { awareAt: aware, gdpr: { applies: true }, submitted: {} };
    expect(state(facts, at(71))).toEqual({ 'gdpr-authority': 'open' });
    expect(state(facts, at(73))).toEqual({ 'gdpr-authority': 'missed' });
    expect(state({ ...facts, submitted: { 'gdpr-authority': at(70) } }, at(100))).toEqual({ 'gdpr-authority': 'submitted' });
    expect(state({ ...facts, submitted: { 'gdpr-authority': at(80) } }, at(100))).toEqual({ 'gdpr-authority': 'submitted late' });
  });
});

describe('NIS2', () => {
  it('early warning 24 h and notification 72 h after awareness; the final report a month after the notification', () => {
    const facts: RegulatoryFacts = { awareAt: aware, nis2: { applies: true }, submitted: {} };
    expect(due(facts)).toEqual({ 'nis2-early-warning': at(24), 'nis2-notification': at(72), 'nis2-final': undefined });
    const notified = { ...facts, submitted: { 'nis2-early-warning': at(20), 'nis2-notification': at(60) } };
    expect(due(notified, at(61))['nis2-final']).toBe(addMonth(at(60)));
  });

  it('a trust service provider notifies within 24 h', () => {
    expect(due({ awareAt: aware, nis2: { applies: true, trustServiceProvider: true }, submitted: {} })['nis2-notification']).toBe(at(24));
  });

  it('still ongoing a month after the notification: a progress report then, the final a month after handling ends', () => {
    const notifiedAt = at(60);
    const facts: RegulatoryFacts = { awareAt: aware, nis2: { applies: true }, submitted: { 'nis2-early-warning': at(20), 'nis2-notification': notifiedAt } };
    const monthLater = addMonth(notifiedAt);
    const after = new Date(Date.parse(monthLater) + 3_600_000).toISOString();
    expect(due(facts, after)).toMatchObject({ 'nis2-progress': monthLater, 'nis2-final': undefined });
    const resolved = new Date(Date.parse(monthLater) + 10 * 86_400_000).toISOString();
    expect(due({ ...facts, resolvedAt: resolved, submitted: { ...facts.submitted, 'nis2-progress': monthLater } }, resolved)).toMatchObject({
      'nis2-progress': monthLater,
      'nis2-final': addMonth(resolved),
    });
  });

  it('resolved before the month is out: the final report is simply due a month after the notification', () => {
    const facts: RegulatoryFacts = { awareAt: aware, nis2: { applies: true }, resolvedAt: at(200), submitted: { 'nis2-notification': at(60) } };
    expect(due(facts, at(2000))).toEqual({ 'nis2-early-warning': at(24), 'nis2-notification': at(72), 'nis2-final': addMonth(at(60)) });
  });
});

describe('DORA', () => {
  it('initial 4 h after classification as major, intermediate 72 h after the initial, final a month after the intermediate', () => {
    const facts: RegulatoryFacts = { awareAt: aware, dora: { applies: true, classifiedMajorAt: at(2) }, submitted: {} };
    expect(due(facts)).toEqual({ 'dora-initial': at(6), 'dora-intermediate': undefined, 'dora-final': undefined });
    const initial = { ...facts, submitted: { 'dora-initial': at(5) } };
    expect(due(initial)['dora-intermediate']).toBe(at(77));
    // Chained: each clock starts from the previous submission, not from its deadline.
    const intermediate = { ...facts, submitted: { 'dora-initial': at(5), 'dora-intermediate': at(50) } };
    expect(due(intermediate)).toEqual({ 'dora-initial': at(6), 'dora-intermediate': at(77), 'dora-final': addMonth(at(50)) });
  });

  it('classified late: the initial is still due at most 24 h after awareness', () => {
    expect(due({ awareAt: aware, dora: { applies: true, classifiedMajorAt: at(22) }, submitted: {} })['dora-initial']).toBe(at(24));
    const tooLate = { awareAt: aware, dora: { applies: true, classifiedMajorAt: at(30) }, submitted: {} };
    expect(due(tooLate)['dora-initial']).toBe(at(24));
    expect(state(tooLate, at(30))['dora-initial']).toBe('missed');
  });

  it('not classified as major yet: no clock runs', () => {
    expect(state({ awareAt: aware, dora: { applies: true }, submitted: {} }, at(100))).toEqual({
      'dora-initial': 'not started',
      'dora-intermediate': 'not started',
      'dora-final': 'not started',
    });
  });

  it('reclassification re-plans: a later classification moves the initial deadline with it', () => {
    const before = due({ awareAt: aware, dora: { applies: true, classifiedMajorAt: at(1) }, submitted: {} });
    const after = due({ awareAt: aware, dora: { applies: true, classifiedMajorAt: at(10) }, submitted: {} });
    expect([before['dora-initial'], after['dora-initial']]).toEqual([at(5), at(14)]);
  });
});

describe('what to show and when to remind', () => {
  it('the next deadline is the earliest one still open or missed', () => {
    const facts: RegulatoryFacts = { awareAt: aware, gdpr: { applies: true }, nis2: { applies: true }, dora: { applies: true, classifiedMajorAt: at(30) }, submitted: { 'nis2-early-warning': at(3) } };
    expect(nextDeadline(regulatoryDeadlines(facts, at(31)))).toMatchObject({ report: 'dora-initial', dueAt: at(24), state: 'missed' });
    const initialSent = { ...facts, submitted: { ...facts.submitted, 'dora-initial': at(31) } };
    expect(nextDeadline(regulatoryDeadlines(initialSent, at(32)))).toMatchObject({ report: 'gdpr-authority', dueAt: at(72) });
  });

  it('reminders fall at fixed fractions of the time left', () => {
    expect(reminderTimes(aware, at(72))).toEqual([at(36), at(54), at(64.8)]);
  });
});

describe('DORA major, as the triage indicates it (RTS 2024/1772)', () => {
  const base = { isIncident: true, category: 'outage', severity: 'high' as const, personalData: false, financialEntity: true, criticalServicesAffected: true };
  it.each([
    [{ ...base, maliciousAccess: true }, true],
    [{ ...base, doraThresholdsMet: 2 }, true],
    [{ ...base, doraThresholdsMet: 1 }, false],
    [{ ...base, criticalServicesAffected: false, maliciousAccess: true }, false],
    [{ ...base, financialEntity: false, doraThresholdsMet: 3 }, false],
  ])('%o -> %s', (triage, major) => expect(doraMajorIndicated(triage)).toBe(major));
});
