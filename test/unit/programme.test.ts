import {
  changeActivities,
  cycleAudits,
  cycleReadiness,
  cycleView,
  findingDeadlines,
  formErrors,
  initialCycleState,
  internalAuditScope,
  localDate,
  planActivities,
  planProgramme,
  programmeForms,
  readinessText,
  weekOf,
  zonedInstant,
  type CycleState,
  type CycleActivity,
  type CycleView,
  cycleSave,
  mergeCycleSave,
} from '../../libs/domain/src';
import { ACME, cycleInput } from '../support/cycle-input';

const body = ACME.certificationBody;

describe('dates in the organisation\'s time zone', () => {
  it('finds the local calendar day and the instant of a local time, across daylight saving time', () => {
    expect(localDate(Date.parse('2026-11-24T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-25');
    expect(localDate(Date.parse('2026-11-24T23:30:00Z'), 'America/New_York')).toBe('2026-11-24');
    expect(zonedInstant('2027-01-15', 23, 59, 'Europe/Berlin')).toBe('2027-01-15T22:59:00.000Z'); // CET
    expect(zonedInstant('2027-07-15', 23, 59, 'Europe/Berlin')).toBe('2027-07-15T21:59:00.000Z'); // CEST
    expect(zonedInstant('2027-03-28', 8, 0, 'Europe/Berlin')).toBe('2027-03-28T06:00:00.000Z'); // the day the clocks go forward
    expect(zonedInstant('2027-06-01', 8, 0, 'Asia/Kolkata')).toBe('2027-06-01T02:30:00.000Z');
  });
});

describe('a cycle\'s plan', () => {
  const input = cycleInput('2026-03-16', { startedOn: '2026-03-16' });
  const state = initialCycleState(input);

  it('holds the three audits and, before each, its programme with owners and start dates', () => {
    expect(cycleAudits(input, state).map((a) => [a.kind, a.status])).toEqual([
      ['surveillance1', 'planned'],
      ['surveillance2', 'planned'],
      ['recertification', 'planned'],
    ]);
    const s1 = state.activities.filter((a) => a.forAudit === 'surveillance1');
    expect(s1).toHaveLength(6 + 4 + 12 + 1);
    const risk = s1.find((a) => a.kind === 'riskAssessment')!;
    expect(risk).toMatchObject({ id: 'surveillance1-riskAssessment-1', owner: 'riskassessment@acme.example', status: 'planned' });
    expect(risk.startOn < risk.due).toBe(true);
    expect(s1.find((a) => a.kind === 'readinessCheck')).toMatchObject({ owner: ACME.ismsManager, startOn: s1.find((a) => a.kind === 'readinessCheck')!.due });
  });

  it('does not track what fell before ismsflow took the cycle over', () => {
    const late = cycleInput('2026-03-16', { startedOn: '2027-06-01' });
    const s = initialCycleState(late);
    expect(cycleAudits(late, s)[0]).toMatchObject({ kind: 'surveillance1', status: 'notTracked' });
    expect(s.activities.filter((a) => a.forAudit === 'surveillance1').every((a) => a.status === 'notTracked')).toBe(true);
    expect(s.activities.filter((a) => a.forAudit === 'surveillance2' && a.due >= '2027-06-01').every((a) => a.status === 'planned')).toBe(true);
  });

  it('re-plans around a booked date, keeping what has started or finished', () => {
    const started: CycleState = {
      ...state,
      activities: state.activities.map((a) => (a.id === 'surveillance1-trainingCampaign-1' ? { ...a, status: 'completed', completedOn: a.due } : a)),
    };
    const booked = { ...started, booked: { surveillance1: '2026-12-07' } };
    const moved = planActivities(input, booked);
    expect(moved.find((a) => a.id === 'surveillance1-trainingCampaign-1')).toEqual(started.activities.find((a) => a.id === 'surveillance1-trainingCampaign-1'));
    const s1 = moved.filter((a) => a.forAudit === 'surveillance1');
    expect(s1.filter((a) => a.kind !== 'readinessCheck').every((a) => a.due < '2026-11-09')).toBe(true); // out of the quiet weeks before the new date
    expect(s1.find((a) => a.kind === 'readinessCheck')?.due).toBe('2026-11-06');
    const heavyWeeks = s1.filter((a) => a.heavy && a.status === 'planned').map((a) => weekOf(a.due));
    expect(new Set(heavyWeeks).size).toBe(heavyWeeks.length);
    expect(cycleAudits(input, booked).find((a) => a.kind === 'surveillance1')).toMatchObject({ date: '2026-12-07', status: 'booked' });
  });

  it('a first certification plans the programme before stage 1, and the cycle from the decision', () => {
    const first = cycleInput('x', { cycleId: 'acme:initial', decisionDate: undefined, startedOn: '2026-11-24', firstCertification: { stage1: '2027-04-12', stage2: '2027-06-14' } });
    const s = initialCycleState(first);
    expect(cycleAudits(first, s).map((a) => a.kind)).toEqual(['stage1', 'stage2']);
    expect(s.activities.filter((a) => a.forAudit === 'stage1' && a.heavy).map((a) => a.kind)).toContain('managementReview');
    // Stage 1 to stage 2 is too short for a programme: only the readiness check.
    expect(s.activities.filter((a) => a.forAudit === 'stage2').map((a) => a.kind)).toEqual(['readinessCheck']);
    const certified: CycleState = { ...s, decisionDate: '2027-06-30', results: { stage1: result('2027-04-12'), stage2: result('2027-06-14', '2027-06-30') } };
    const audits = cycleAudits(first, certified);
    expect(audits.map((a) => [a.kind, a.status])).toEqual([
      ['stage1', 'done'],
      ['stage2', 'done'],
      ['surveillance1', 'planned'],
      ['surveillance2', 'planned'],
      ['recertification', 'planned'],
    ]);
    expect(audits[2].latest).toBe('2028-06-30');
    expect(planActivities(first, certified).some((a) => a.forAudit === 'surveillance1' && a.kind === 'internalAudit')).toBe(true);
  });

  it('two internal audits a year: both before the management review, in different weeks', () => {
    const twice = initialCycleState(cycleInput('2026-03-16', { cadences: { ...input.cadences, internalAuditsPerYear: 2 } }));
    const s1 = twice.activities.filter((a) => a.forAudit === 'surveillance1');
    const audits = s1.filter((a) => a.kind === 'internalAudit');
    expect(audits.map((a) => a.id)).toEqual(['surveillance1-internalAudit-1', 'surveillance1-internalAudit-2']);
    expect(audits.every((a) => a.due < s1.find((x) => x.kind === 'managementReview')!.due)).toBe(true);
  });

  it('the readiness of the programme, and its report', () => {
    const view = cycleView(input, state, 'x');
    const s1 = view.audits[0];
    const r = cycleReadiness(view, s1, s1.date);
    expect(r.overdue.map((a) => a.kind)).toContain('managementReview'); // nothing was done
    expect(r.done).toEqual([]);
    const text = readinessText('ACME', s1, r);
    expect(text).toContain(`ACME: readiness for the surveillance audit 1 on ${s1.date}.`);
    expect(text).toMatch(/Overdue \(22\):\n- KPI measurement, due 2026-04-17\n- Awareness training campaign, due 2026-05-07/);
  });
});

describe('audit findings and the certification body\'s deadlines', () => {
  const next = { auditDate: '2028-02-14', expiry: '2029-03-16', timeZone: 'Europe/Berlin' };

  it('a major: the plan within planDueDays, closed within majorCloseDays, at the end of the local day', () => {
    expect(findingDeadlines('major', '2027-02-15', body, next)).toEqual({ planDueAt: '2027-03-17T22:59:00.000Z', closeBy: '2027-05-16T21:59:00.000Z' });
  });

  it('a major never later than the certificate\'s expiry', () => {
    expect(findingDeadlines('major', '2029-01-10', body, next)?.closeBy).toBe('2029-03-15T22:59:00.000Z');
  });

  it('a minor by the next audit, or within minorCloseDays when the body says so; an OFI raises nothing', () => {
    expect(findingDeadlines('minor', '2027-02-15', body, next)?.closeBy).toBe('2028-02-14T22:59:00.000Z');
    expect(findingDeadlines('minor', '2027-02-15', { ...body, minorCloseBy: 'days', minorCloseDays: 60 }, next)?.closeBy).toBe('2027-04-16T21:59:00.000Z');
    expect(findingDeadlines('ofi', '2027-02-15', body, next)).toBeUndefined();
  });
});

describe('internal audit scope across the cycle', () => {
  const areas = ['Clauses 4-10', 'A.5', 'A.6', 'A.7', 'A.8'];

  it('covers the management system every time and every Annex A theme over the cycle', () => {
    const scopes = [0, 1, 2].map((i) => internalAuditScope(areas, i, 3));
    expect(scopes.every((s) => s[0] === 'Clauses 4-10')).toBe(true);
    expect(new Set(scopes.flat())).toEqual(new Set(areas));
    expect(scopes.map((s) => s.length)).toEqual([3, 2, 2]);
  });
});

describe('a significant change', () => {
  const input = cycleInput('2026-03-16');
  const change = { number: 1, kind: 'newSystem' as const, description: 'New CRM', policyReview: true, recordedBy: 'isms', recordedOn: '2026-05-04' };

  it('asks for a risk assessment before the change lands, two weeks at most, and a policy review', () => {
    const acts = changeActivities({ ...change, landsOn: '2026-05-11' }, input, 'surveillance1', '2026-05-04');
    expect(acts.map((a) => [a.id, a.due, a.startOn])).toEqual([
      ['change1-riskAssessment', '2026-05-08', '2026-05-04'],
      ['change1-policyReview', '2026-05-08', '2026-05-04'],
    ]);
    expect(changeActivities({ ...change, policyReview: false }, input, 'surveillance1', '2026-05-04').map((a) => [a.kind, a.due])).toEqual([['riskAssessment', '2026-05-18']]);
  });
});

describe('the programme\'s forms', () => {
  const now = '2026-05-04T10:00:00Z';

  it('an internal audit needs an impartial auditor (9.2.2)', () => {
    const form = programmeForms.auditPlan(['A.5']);
    const plan = { scope: 'A.5', criteria: 'ISO 27001', auditor: 'a@acme.example', plannedOn: '2026-06-01' };
    expect(formErrors(form, { ...plan, impartial: 'no' }, now)).toEqual([{ field: 'data.impartial', message: expect.stringContaining('own work') }]);
    expect(formErrors(form, { ...plan, impartial: 'yes' }, now)).toEqual([]);
  });

  it('top management attends the management review (9.3)', () => {
    const form = programmeForms.reviewMeeting(['ceo@acme.example']);
    const meeting = { heldOn: '2026-06-01', decisions: 'Keep going', actions: [], evidence: ['https://docs.acme.example/mr'] };
    expect(formErrors(form, { ...meeting, attendees: 'isms@acme.example' }, now)[0]).toMatchObject({ field: 'data.attendees' });
    expect(formErrors(form, { ...meeting, attendees: 'CEO@acme.example, isms@acme.example' }, now)).toEqual([]);
  });

  it('a training campaign counts people in whole numbers', () => {
    const form = programmeForms.trainingCampaign();
    const campaign = { course: 'Awareness 2026', evidence: ['https://lms.acme.example/report'] };
    expect(formErrors(form, { ...campaign, staffInScope: '40', completed: '41' }, now)[0]).toMatchObject({ field: 'data.completed' });
    expect(formErrors(form, { ...campaign, staffInScope: 'forty', completed: '3' }, now)[0]).toMatchObject({ field: 'data.staffInScope' });
    expect(formErrors(form, { ...campaign, staffInScope: '40', completed: '38' }, now)).toEqual([]);
  });
});

function result(date: string, certificateDecision?: string) {
  return { date, auditors: ['a'], recommended: true, findings: [], certificateDecision, recordedBy: 'isms', recordedAt: `${date}T12:00:00Z` };
}

// The plan used above is the same planProgramme the workflow uses.
it('uses the unit-tested programme for each audit', () => {
  const input = cycleInput('2026-03-16');
  const s1 = cycleAudits(input, initialCycleState(input))[0];
  expect(initialCycleState(input).activities.filter((a) => a.forAudit === 'surveillance1').map((a) => a.id).sort()).toEqual(planProgramme('2026-03-16', s1).map((a) => a.id).sort());
});

describe('a cycle saves only what changed (its record is the whole view again)', () => {
  const activity = (id: string, status: CycleActivity['status'] = 'planned'): CycleActivity =>
    ({ id, kind: 'policyReview', due: '2027-03-01', startOn: '2027-02-01', status, owner: 'o@example.com', heavy: false, forAudit: 'surveillance1' }) as unknown as CycleActivity;
  const view = (activities: CycleActivity[], waitingFor = 'the programme'): CycleView =>
    ({ cycleId: 'acme:2026-12-07', workflowId: 'cert-cycle:acme:2026-12-07', organisation: { id: 'acme', name: 'Acme', timeZone: 'UTC' }, status: 'running', audits: [], activities, changes: [], waitingFor });

  it('sends the changed activities only, and the merge gives back each whole view, a dropped activity dropped', () => {
    const sent = new Map<string, string>();
    let stored: CycleView | undefined;
    const steps = [
      view([activity('a'), activity('b'), activity('c')]),
      view([activity('a', 'open'), activity('b'), activity('c')], 'a'),
      view([activity('a', 'open'), activity('b'), activity('c')], 'a again'),
      view([activity('a', 'completed'), activity('c')], 'c'),
    ];
    const changedIds: string[][] = [];
    for (const v of steps) {
      const { save, written } = cycleSave(v, sent);
      changedIds.push(save.changed.map((a) => a.id));
      stored = mergeCycleSave(stored, save);
      written();
      expect(stored).toEqual(v);
    }
    expect(changedIds).toEqual([['a', 'b', 'c'], ['a'], [], ['a']]);
  });

  it('a save that was not written is sent again whole next time; a record missing an activity is an error, not a loss', () => {
    const sent = new Map<string, string>();
    const first = cycleSave(view([activity('a')]), sent);
    // Not written (the activity failed): the next save still carries it.
    expect(cycleSave(view([activity('a')]), sent).save.changed.map((a) => a.id)).toEqual(['a']);
    first.written();
    expect(() => mergeCycleSave(undefined, cycleSave(view([activity('a')]), sent).save)).toThrow(/lacks activities a/);
    // A whole view (sent by a workflow started before saves were split) is taken as it is.
    expect(mergeCycleSave(undefined, view([activity('x')]))).toEqual(view([activity('x')]));
  });
});
