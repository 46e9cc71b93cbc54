import {
  addMonths,
  certificateExpiry,
  daysBetween,
  DEFAULT_PROGRAMME_RULES,
  plannedAudits,
  planProgramme,
  readiness,
  weekOf,
  workingDayOnOrBefore,
  type CalendarDate,
} from '../../libs/domain/src';

const dayOfWeek = (d: CalendarDate) => new Date(`${d}T00:00:00Z`).getUTCDay();
const byKind = (audits: ReturnType<typeof plannedAudits>) => Object.fromEntries(audits.map((a) => [a.kind, a]));

describe('calendar arithmetic', () => {
  it('adds months on the same day, or the last day of a shorter month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });

  it('moves a date off the weekend to the Friday before', () => {
    expect(workingDayOnOrBefore('2026-11-28')).toBe('2026-11-27'); // Saturday
    expect(workingDayOnOrBefore('2026-11-29')).toBe('2026-11-27'); // Sunday
    expect(workingDayOnOrBefore('2026-11-29', [0, 1, 2, 3, 4])).toBe('2026-11-29'); // Sunday-to-Thursday week
  });
});

describe('the certification cycle (ISO/IEC 17021-1)', () => {
  it('runs three years from the decision date, not from the stage 2 audit', () => {
    expect(certificateExpiry('2026-03-15')).toBe('2029-03-15');
    expect(certificateExpiry('2028-02-29')).toBe('2031-02-28');
  });

  it('plans surveillance 1 within 12 months, surveillance 2 in the next calendar year, recertification before expiry', () => {
    const a = byKind(plannedAudits('2026-03-16'));
    expect(a.surveillance1).toMatchObject({ latest: '2027-03-16', outsideRules: false });
    expect(daysBetween(a.surveillance1.date, '2027-03-16')).toBeGreaterThanOrEqual(30);
    expect(a.surveillance2.date.startsWith('2028-')).toBe(true);
    expect(a.recertification.date <= '2028-12-15').toBe(true); // 3 months before the 2029-03-16 expiry
    expect(a.recertification.latest).toBe('2029-03-15');
    for (const audit of Object.values(a)) expect([1, 2, 3, 4, 5]).toContain(dayOfWeek(audit.date));
  });

  it('across a year boundary: a December decision still gets surveillance 2 in the following calendar year', () => {
    const a = byKind(plannedAudits('2026-12-20'));
    expect(a.surveillance1.date.startsWith('2027-')).toBe(true);
    expect(a.surveillance2.date.startsWith('2028-')).toBe(true);
    expect(a.surveillance2.date < a.recertification.date).toBe(true);
  });

  it('a January decision with surveillance 1 in December: surveillance 2 never drifts past its calendar year', () => {
    const a = byKind(plannedAudits('2027-01-10', { surveillance1: '2027-12-01' }));
    expect(a.surveillance2.date.startsWith('2028-')).toBe(true);
    expect(a.surveillance2.outsideRules).toBe(false);
  });

  it('dates the body books replace the plan and move what follows; a booked date against the rules is flagged', () => {
    const planned = byKind(plannedAudits('2026-03-16'));
    const moved = byKind(plannedAudits('2026-03-16', { surveillance1: '2027-01-11' }));
    expect(moved.surveillance1).toMatchObject({ date: '2027-01-11', booked: true, outsideRules: false });
    expect(moved.surveillance2.date < planned.surveillance2.date).toBe(true);
    expect(byKind(plannedAudits('2026-03-16', { surveillance1: '2027-04-01' })).surveillance1.outsideRules).toBe(true);
    expect(byKind(plannedAudits('2026-03-16', { recertification: '2029-03-20' })).recertification.outsideRules).toBe(true);
  });
});

describe('the annual programme before an external audit', () => {
  const from = '2026-03-16';
  const audit = { kind: 'surveillance1' as const, date: '2027-02-15' };
  const plan = planProgramme(from, audit);
  const heavy = plan.filter((a) => a.heavy);
  const due = (kind: string) => plan.find((a) => a.kind === kind)!.due;

  it('holds every activity DOMAIN.md section 2 asks for, on working days', () => {
    expect(heavy.map((a) => a.kind).sort()).toEqual(['internalAudit', 'managementReview', 'policyReview', 'riskAssessment', 'supplierReview', 'trainingCampaign']);
    expect(plan.filter((a) => a.kind === 'accessReview')).toHaveLength(4);
    expect(plan.filter((a) => a.kind === 'kpiMeasurement')).toHaveLength(12);
    for (const a of plan) expect([1, 2, 3, 4, 5]).toContain(dayOfWeek(a.due));
  });

  it('spreads the heavy activities across the year, never two in one week', () => {
    expect(new Set(heavy.map((a) => weekOf(a.due))).size).toBe(heavy.length);
    const spread = daysBetween(heavy[0].due, heavy.at(-1)!.due);
    expect(spread).toBeGreaterThan(200);
  });

  it('puts the management review after the internal audit, both before the audit', () => {
    expect(daysBetween(due('internalAudit'), due('managementReview'))).toBeGreaterThanOrEqual(DEFAULT_PROGRAMME_RULES.reviewAfterAuditDays);
    expect(due('managementReview') < audit.date).toBe(true);
  });

  it('leaves the last weeks before the audit to the readiness check alone', () => {
    const quietFrom = '2027-01-18'; // 28 days before
    expect(plan.filter((a) => a.due >= quietFrom).map((a) => a.kind)).toEqual([]);
    expect(due('readinessCheck')).toBe('2027-01-15'); // 30 days before, a Friday
    expect(plan.every((a) => a.due > from)).toBe(true);
  });

  it('works over a leap day and a short year, and refuses a window too short for a programme', () => {
    const leap = planProgramme('2027-06-01', { kind: 'surveillance2', date: '2028-03-01' });
    expect(new Set(leap.filter((a) => a.heavy).map((a) => weekOf(a.due))).size).toBe(6);
    const short = planProgramme('2027-06-01', { kind: 'surveillance2', date: '2027-11-01' });
    expect(new Set(short.filter((a) => a.heavy).map((a) => weekOf(a.due))).size).toBe(6);
    expect(() => planProgramme('2027-06-01', { kind: 'surveillance2', date: '2027-08-01' })).toThrow('too short');
  });
});

describe('readiness before an external audit', () => {
  const audit = '2027-02-15';
  const act = (kind: any, due: string, status: any, completedOn?: string) => ({ kind, due, heavy: kind !== 'accessReview', status, completedOn });

  it('says what is done, open and overdue', () => {
    const r = readiness(
      [act('riskAssessment', '2026-06-19', 'completed', '2026-06-15'), act('internalAudit', '2026-10-23', 'open'), act('managementReview', '2027-01-20', 'planned'), act('policyReview', '2026-08-05', 'cancelled')],
      audit,
      '2026-12-01',
    );
    expect([r.done.length, r.open.length, r.overdue.map((a) => a.kind)]).toEqual([1, 2, ['internalAudit']]);
    expect(r.bunched).toBe(false);
  });

  it('flags evidence bunched just before the audit', () => {
    const spread = readiness([act('riskAssessment', '2026-06-19', 'completed', '2026-06-18'), act('policyReview', '2026-08-05', 'completed', '2026-08-04'), act('internalAudit', '2026-10-23', 'completed', '2026-10-20')], audit, '2027-01-15');
    expect(spread).toMatchObject({ bunched: false, lateShare: 0 });
    const bunched = readiness([act('riskAssessment', '2026-06-19', 'completed', '2027-01-10'), act('policyReview', '2026-08-05', 'completed', '2027-01-12'), act('internalAudit', '2026-10-23', 'completed', '2026-10-20')], audit, '2027-01-15');
    expect(bunched.bunched).toBe(true);
    expect(bunched.lateShare).toBeCloseTo(2 / 3);
  });
});
