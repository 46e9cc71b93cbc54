import {
  actionsDueBy,
  closingReserveMs,
  DAY_MS,
  deadlineWarningAt,
  DEFAULT_CORRECTIVE_ACTION_POLICY as policy,
  DEFAULT_REMINDER_POLICY,
  effectivenessWaitMs,
  endOfDay,
  formErrors,
  localDate,
  ncForms,
  notificationSchedule,
  stepDueAt,
  tasksPolicyBefore,
  type NcStep,
} from '../../libs/domain/src';
import fc from 'fast-check';

/** DOMAIN.md 3 with a certification body's deadlines: every step, action, escalation and warning ends on or before them. */
const t0 = '2027-03-01T08:00:00.000Z';
const plus = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY_MS).toISOString();
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY_MS;

/** Runs the steps one after the other, each finished exactly at its due date (the slowest owners), and returns their due dates. */
function walk(steps: NcStep[], start: string, deadlines: { planDueAt?: string; closeBy?: string }): string[] {
  const dues: string[] = [];
  let now = start;
  for (const s of steps) {
    now = stepDueAt(s, now, policy, deadlines);
    dues.push(now);
  }
  return dues;
}

describe('NC step due dates with a body deadline', () => {
  it('without a deadline each step takes its configured days', () => {
    expect(stepDueAt('rootCause', t0, policy, {})).toBe(plus(t0, 14));
    expect(stepDueAt('closureApproval', t0, policy, {})).toBe(plus(t0, 7));
  });

  it('with room enough, each step still takes its configured days', () => {
    expect(walk(['correction', 'rootCause', 'actionPlan', 'planApproval'], t0, { planDueAt: plus(t0, 60) }).map((d) => days(t0, d))).toEqual([7, 21, 35, 40]);
  });

  it.each([10, 14, 30, 5])('plan due in %i days (the steps want 40): each plan step gets a real share, the last ends on the plan deadline', (n) => {
    const planDueAt = plus(t0, n);
    const dues = walk(['correction', 'rootCause', 'actionPlan', 'planApproval'], t0, { planDueAt });
    const spans = dues.map((d, i) => days(i ? dues[i - 1] : t0, d));
    expect(Math.min(...spans)).toBeGreaterThanOrEqual(Math.min(1, n / 4) - 1e-9);
    expect(Date.parse(dues.at(-1)!)).toBe(Date.parse(planDueAt));
    // The approval is never due the moment it starts, even when the plan took all the time it was given.
    expect(spans[3]).toBeGreaterThan(0.9);
  });

  it('the plan steps also leave the actions a day and the closing steps their reserve before closeBy', () => {
    const closeBy = plus(t0, 20);
    const approval = walk(['correction', 'rootCause', 'actionPlan', 'planApproval'], t0, { closeBy }).at(-1)!;
    // A day for the actions and at least a day for each of the three closing steps remain.
    expect(days(approval, closeBy)).toBeGreaterThanOrEqual(4);
    expect(Date.parse(approval)).toBeLessThanOrEqual(Date.parse(closeBy) - closingReserveMs(approval, policy, closeBy));
  });

  it('the closing steps share the time to closeBy; the last ends on it', () => {
    const start = plus(t0, 80);
    const closeBy = plus(t0, 90);
    const dues = walk(['effectivenessReview', 'ismsChanges', 'closureApproval'], start, { closeBy });
    expect(dues.at(-1)).toBe(closeBy);
    expect(dues.map((d, i) => days(i ? dues[i - 1] : start, d)).every((s) => s >= 1)).toBe(true);
  });

  it('the effectiveness wait shrinks so the closing steps keep their reserve', () => {
    const closeBy = plus(t0, 50);
    const wait = effectivenessWaitMs(t0, policy, { closeBy });
    expect(wait).toBe(50 * DAY_MS - closingReserveMs(t0, policy, closeBy));
    expect(effectivenessWaitMs(t0, policy, { closeBy: plus(t0, 200) })).toBe(30 * DAY_MS);
  });

  it('the warning falls before closeBy, halfway when the NC started closer to it than the warning days', () => {
    expect(deadlineWarningAt(plus(t0, 90), t0, policy)).toBe(plus(t0, 76));
    expect(deadlineWarningAt(plus(t0, 10), t0, policy)).toBe(plus(t0, 5));
  });

  it('a task due close to closeBy escalates no later than closeBy, and nothing is sent after it', () => {
    const closeBy = plus(t0, 30);
    const due = plus(closeBy, -0.5);
    const p = tasksPolicyBefore(closeBy, due, DEFAULT_REMINDER_POLICY);
    const sent = notificationSchedule(due, p, t0, closeBy);
    expect(sent.filter((n) => n.kind === 'escalation')).toHaveLength(1);
    expect(sent.every((n) => Date.parse(n.at) <= Date.parse(closeBy))).toBe(true);
    expect(tasksPolicyBefore(undefined, due, DEFAULT_REMINDER_POLICY)).toBe(DEFAULT_REMINDER_POLICY);
  });
});

describe('the action plan knows the body deadline', () => {
  // closeBy: the end of 30 April 2027 in Berlin (21:59 UTC, CEST).
  const closeBy = endOfDay('2027-04-30', 'Europe/Berlin');
  const now = '2027-03-10T09:00:00.000Z';
  const by = actionsDueBy(now, policy, closeBy, 'Europe/Berlin');
  const form = ncForms.actionPlan({ actionsDueBy: by, closeBy, timeZone: 'Europe/Berlin' });
  const plan = (due: string) => ({ actions: [{ description: 'Quarterly restore tests', owner: 'it@example.com', due }] });

  it('actions may be due up to the last day that leaves the closing steps their reserve (their 35 days, at most half the time left)', () => {
    // 51.54 days left: the closing steps keep half of them, so the actions end by 4 April (Berlin).
    expect(closingReserveMs(now, policy, closeBy) / DAY_MS).toBeCloseTo(days(now, closeBy) / 2, 6);
    expect(by).toBe('2027-04-04');
    expect(Date.parse(endOfDay(by, 'Europe/Berlin'))).toBeLessThanOrEqual(Date.parse(closeBy) - closingReserveMs(now, policy, closeBy));
    expect(formErrors(form, plan(by), now)).toEqual([]);
  });

  it('an action due later is refused with a message naming the deadline', () => {
    const errors = formErrors(form, plan('2027-04-05'), now);
    expect(errors).toEqual([{ field: 'data.actions.0.due', message: expect.stringContaining('2027-04-30') }]);
    expect(errors[0].message).toContain('must be done by 2027-04-04');
  });

  it('a plan that cannot fit at all is refused naming the deadline', () => {
    const late = '2027-04-28T09:00:00.000Z';
    const tight = ncForms.actionPlan({ actionsDueBy: actionsDueBy(late, policy, closeBy, 'Europe/Berlin'), closeBy, timeZone: 'Europe/Berlin' });
    expect(formErrors(tight, plan('2027-04-29'), late)).toEqual([{ field: 'data.actions', message: expect.stringMatching(/No action plan can fit before the certification body's closure deadline \(2027-04-30/) }]);
  });

  it('"after today" is today in the organisation zone: 00:30 in Berlin is already the next day', () => {
    const justAfterMidnight = '2027-03-10T23:30:00.000Z'; // 11 March 00:30 Berlin
    expect(formErrors(form, plan('2027-03-11'), justAfterMidnight)).toEqual([{ field: 'data.actions.0.due', message: 'Action 1: the due date must be after today' }]);
    expect(formErrors(ncForms.actionPlan(), plan('2027-03-11'), justAfterMidnight)).toEqual([]);
  });
});

describe('deadline arithmetic at any instant (a workflow computes these: one throw fails every workflow task)', () => {
  const STEPS: NcStep[] = ['correction', 'rootCause', 'actionPlan', 'planApproval', 'effectivenessReview', 'ismsChanges', 'closureApproval'];
  const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') });
  it('a closeBy only hours or days away still gives every step, run in turn, a real share, each ending by closeBy', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2 * 3_600_000, max: 10 * DAY_MS }), (toClose) => {
        const closeBy = new Date(Date.parse(t0) + toClose).toISOString();
        // Each step starts when the one before it is due (the slowest path), the actions between the plan and the review.
        let now = t0;
        for (const step of ['correction', 'rootCause', 'actionPlan', 'planApproval'] as const) {
          const due = stepDueAt(step, now, policy, { closeBy });
          expect({ step, share: Date.parse(due) - Date.parse(now) > 0 }).toEqual({ step, share: true });
          now = due;
        }
        now = new Date(Date.parse(closeBy) - closingReserveMs(now, policy, closeBy)).toISOString();
        for (const step of ['effectivenessReview', 'ismsChanges', 'closureApproval'] as const) {
          const due = stepDueAt(step, now, policy, { closeBy });
          expect({ step, share: Date.parse(due) - Date.parse(now) > 0, inTime: due <= closeBy }).toEqual({ step, share: true, inTime: true });
          now = due;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives whole milliseconds and real dates for any now, start and closeBy, however odd their milliseconds', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 120 * DAY_MS }), fc.integer({ min: 0, max: 60 * DAY_MS }), fc.constantFrom('Europe/Berlin', 'UTC', 'America/New_York', 'Asia/Kolkata'), (nowMs, toClose, toPlan, tz) => {
        const now = new Date(nowMs).toISOString();
        const closeBy = new Date(nowMs + toClose).toISOString();
        const planDueAt = new Date(nowMs + Math.min(toPlan, toClose)).toISOString();
        expect(Number.isInteger(closingReserveMs(now, policy, closeBy))).toBe(true);
        expect(Number.isInteger(effectivenessWaitMs(now, policy, { closeBy }))).toBe(true);
        expect(actionsDueBy(now, policy, closeBy, tz)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(Number.isNaN(Date.parse(deadlineWarningAt(closeBy, now, policy)))).toBe(false);
        for (const s of STEPS) expect(Number.isNaN(Date.parse(stepDueAt(s, now, policy, { planDueAt, closeBy })))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('NC days are days on the organisation calendar, across a change of summer time', () => {
  const tz = 'Europe/Berlin';
  // 23:30 in Berlin on 20 March 2027 (CET, UTC+1); summer time (CEST, UTC+2) begins on 28 March.
  const lateEvening = '2027-03-20T22:30:00.000Z';

  it('a step of 14 days ends at 23:30 on 3 April in Berlin, where 14 x 24 hours would end at 00:30 on the 4th', () => {
    const due = stepDueAt('rootCause', lateEvening, policy, {}, tz);
    expect(due).toBe('2027-04-03T21:30:00.000Z');
    expect(localDate(due, tz)).toBe('2027-04-03');
    // With a deadline that leaves room, the step still takes its 14 calendar days.
    expect(stepDueAt('rootCause', lateEvening, policy, { planDueAt: '2027-06-30T21:59:00.000Z' }, tz)).toBe('2027-04-03T21:30:00.000Z');
  });

  it('the effectiveness wait is its days on the calendar (one hour short of 30 x 24 hours here)', () => {
    expect(policy.effectivenessWaitDays).toBe(30);
    expect(effectivenessWaitMs(lateEvening, policy, {}, tz)).toBe(30 * DAY_MS - 60 * 60 * 1000);
  });

  it('the warning comes its days before the deadline on the calendar, at the same wall-clock time', () => {
    const closeBy = endOfDay('2027-04-05', tz); // 23:59 CEST
    expect(policy.deadlineWarningDays).toBe(14);
    const warning = deadlineWarningAt(closeBy, '2027-01-04T08:00:00.000Z', policy, tz);
    expect(warning).toBe(endOfDay('2027-03-22', tz)); // 23:59 CET
  });
});
