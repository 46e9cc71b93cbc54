import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DAY_MS, HOUR_MS, addDays, addMonthsInZone, localDate, zonedInstant, type FormData, type TicketEvent } from '../../libs/domain/src';

const addMonth = (iso: string) => addMonthsInZone(iso, 1, 'UTC');
import { incidentStateQuery, SearchAttr, ticketEventSignal } from '../../libs/temporal/src/definitions';
import { incidentResponse } from '../../workflows';
import { recordingActivities } from '../support/fake-activities';
import { assessment, incidentInput } from '../support/incident-input';
import { ncInput } from '../support/nc-input';
import { backgroundWorker, createTimeSkippingEnv, completeTaskNow } from '../support/temporal-env';

const triaged = { isIncident: true, category: 'data leak', severity: 'high' as const, personalData: true };

describe('incidentResponse on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let stop: () => Promise<void>;
  const fake = recordingActivities(() => env.currentTimeMs());
  // A fresh server per test: a long-lived time-skipping server has been seen to drop Updates.
  beforeEach(async () => {
    env = await createTimeSkippingEnv();
    ({ stop } = await backgroundWorker(env, { taskQueue: 'inc', workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! }, activities: fake.activities }));
  });
  afterEach(() => stop?.());

  let seq = 0;
  async function report(overrides: Parameters<typeof incidentInput>[2] = {}) {
    const ticket = `SEC-${++seq}`;
    const t0 = await env.currentTimeMs();
    const input = incidentInput(ticket, t0, { triage: triaged, ...overrides });
    const handle = await env.client.workflow.start(incidentResponse, { args: [input], taskQueue: 'inc', workflowId: `incident:${input.incidentId}` });
    const slug = input.incidentId.toLowerCase().replace(/[^a-z0-9]/g, '');
    const at = async (hours: number) => env.sleep(t0 + hours * HOUR_MS - (await env.currentTimeMs()));
    const event = (eventId: string, type: TicketEvent['type'], extra: Partial<TicketEvent> = {}) =>
      handle.signal(ticketEventSignal, { eventId, type, at: new Date().toISOString(), ...extra });
    return { handle, input, slug, t0, at, event, id: input.incidentId };
  }

  async function taskStarted(taskId: string) {
    for (let i = 0; i < 300; i++) {
      try {
        return await env.client.workflow.getHandle(`task:${taskId}`).describe();
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    throw new Error(`task ${taskId} never started`);
  }
  async function complete(taskId: string, data: FormData, by = 'someone@example.com') {
    await taskStarted(taskId);
    await completeTaskNow(env, taskId, { outcome: 'done', completedBy: by, via: 'api', data });
  }
  async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`never: ${what}`);
  }
  /** The input a task was opened with, once its first activity ran. */
  const opened = (taskId: string) => until(`task ${taskId} opened`, () => fake.callsOf('openTask').find((c) => c.args.taskId === taskId)?.args);
  /** Timeline entries, from the incident and from its report children. */
  const entries = (id: string) =>
    fake.calls.filter((c) => (c.name === 'recordIncidentProgress' || c.name === 'recordIncidentEntry') && c.args.incidentId === id && c.args.entry).map((c) => c.args.entry);
  const kinds = (id: string) => entries(id).map((e) => e.kind as string);
  const report_ = (extra: Record<string, string> = {}) => ({ reference: 'CASE-1', evidence: ['https://portal.example.com/receipt'], ...extra }) as unknown as FormData;

  async function resolveAndClose(h: Awaited<ReturnType<typeof report>>, round = 1) {
    await h.event(`resolve-${round}`, 'resolved');
    await complete(`${h.slug}review${round}`, { method: '5 Whys', rootCause: 'Bucket policy not reviewed', lessons: 'Review storage policies monthly', controlFailed: 'no' });
    await complete(`${h.slug}close${round}`, { decision: 'approve' }, 'ciso@example.com');
    return h.handle.result();
  }

  it('a personal-data breach: the authority notified in time, the data subjects late, both recorded', async () => {
    const h = await report();
    await complete(`${h.slug}assess`, assessment(true, false, false, { gdprHighRisk: 'yes' }), 'ciso@example.com');
    const view = await until('clocks running', async () => {
      const v = await h.handle.query(incidentStateQuery);
      return v.deadlines.length === 2 ? v : undefined;
    });
    expect(view.deadlines.map((d) => [d.report, d.dueAt])).toEqual([
      ['gdpr-authority', new Date(h.t0 + 72 * HOUR_MS).toISOString()],
      ['gdpr-subjects', new Date(h.t0 + 72 * HOUR_MS).toISOString()],
    ]);
    expect((await h.handle.describe()).typedSearchAttributes.get(SearchAttr.dueAt)?.getTime()).toBe(h.t0 + 72 * HOUR_MS);
    await h.at(40);
    await complete(`${h.slug}gdprauthorit1`, report_(), 'dpo@example.com');
    await h.at(80);
    expect(kinds(h.id)).toContain('deadlineMissed');
    expect(entries(h.id).find((e) => e.kind === 'deadlineMissed').data.report).toBe('gdpr-subjects');
    // Submitted late, with the reason the form insists on (the check itself: test/unit/forms.test.ts).
    await complete(`${h.slug}gdprsubjects1`, report_({ lateReason: 'Contact details had to be rebuilt from backups' }), 'dpo@example.com');
    const states = await until('both submitted', async () => {
      const v = await h.handle.query(incidentStateQuery);
      return v.deadlines.every((d) => d.submittedAt) ? v.deadlines.map((d) => [d.report, d.state]) : undefined;
    });
    expect(states).toEqual([
      ['gdpr-authority', 'submitted'],
      ['gdpr-subjects', 'submitted late'],
    ]);
    expect(await resolveAndClose(h)).toMatchObject({ step: 'closed', regimes: ['gdpr'] });
    expect(await opened(`${h.slug}gdprauthorit1`)).toMatchObject({ assignee: 'dpo@example.com', escalateTo: 'isms@example.com' });
  });

  it('a significant NIS2 incident goes through early warning, notification and final report; closure waits for the last', async () => {
    const h = await report({ triage: { ...triaged, personalData: false } });
    await complete(`${h.slug}assess`, assessment(false, true, false), 'ciso@example.com');
    await h.at(10);
    await complete(`${h.slug}nisearlywarn1`, report_(), 'ciso@example.com');
    await h.at(50);
    await complete(`${h.slug}nisnotificat1`, report_(), 'ciso@example.com');
    const notifiedAt = await until('notification recorded', () => entries(h.id).find((e) => e.kind === 'reportSubmitted' && e.data.report === 'nis2-notification')?.at as string | undefined);
    await h.event('res', 'resolved');
    await complete(`${h.slug}review1`, { method: '5 Whys', rootCause: 'x', lessons: 'y', controlFailed: 'no' });
    // The final report is due a month after the notification; closure is not offered before it is in.
    const final = await taskStarted(`${h.slug}nisfinal1`);
    expect(final).toBeDefined();
    // Reviewed: what it waits for now is the report, and it says so.
    const waiting = await until('reporting', async () => {
      const v = await h.handle.query(incidentStateQuery);
      return v.step === 'reporting' ? v : undefined;
    });
    expect(waiting.waitingFor).toContain('reports still owed to the authorities');
    expect(fake.callsOf('recordIncidentProgress').some((c) => c.args.incidentId === h.id && c.args.step === 'reporting')).toBe(true);
    const finalDue = (await opened(`${h.slug}nisfinal1`)).dueAt;
    expect(finalDue).toBe(addMonth(notifiedAt));
    await env.sleep(20 * DAY_MS);
    await complete(`${h.slug}nisfinal1`, report_(), 'ciso@example.com');
    await complete(`${h.slug}close1`, { decision: 'approve' }, 'ciso@example.com');
    expect(await h.handle.result()).toMatchObject({ step: 'closed', regimes: ['nis2'] });
    expect(entries(h.id).filter((e) => e.kind === 'reportSubmitted').map((e) => e.data.report)).toEqual(['nis2-early-warning', 'nis2-notification', 'nis2-final']);
    expect(kinds(h.id)).not.toContain('deadlineMissed');
  });

  it('a DORA incident classified as major only after 24 h: the initial is due 4 h after the classification, then the chain runs from each submission', async () => {
    const h = await report({ triage: { ...triaged, personalData: false, financialEntity: true, criticalServicesAffected: true, doraThresholdsMet: 2 } });
    expect((await opened(`${h.slug}assess`)).instructions).toContain('The triage indicates a DORA major incident');
    await h.at(30);
    await complete(`${h.slug}assess`, assessment(false, false, true), 'ciso@example.com');
    const classifiedAt = Date.parse(await until('assessment recorded', () => entries(h.id).find((e) => e.key === 'assessment')?.at as string | undefined));
    expect((await opened(`${h.slug}dorainitial1`)).dueAt).toBe(new Date(classifiedAt + 4 * HOUR_MS).toISOString());
    await env.sleep(HOUR_MS);
    await complete(`${h.slug}dorainitial1`, report_(), 'ciso@example.com');
    const initialAt = await until('initial recorded', () => entries(h.id).find((e) => e.kind === 'reportSubmitted' && e.data.report === 'dora-initial')?.at as string | undefined);
    expect((await opened(`${h.slug}doraintermed1`)).dueAt).toBe(new Date(Date.parse(initialAt) + 72 * HOUR_MS).toISOString());
    await h.at(60);
    await complete(`${h.slug}doraintermed1`, report_(), 'ciso@example.com');
    const intermediateAt = await until('intermediate recorded', () => entries(h.id).find((e) => e.kind === 'reportSubmitted' && e.data.report === 'dora-intermediate')?.at as string | undefined);
    expect((await opened(`${h.slug}dorafinal1`)).dueAt).toBe(addMonth(intermediateAt));
    expect(kinds(h.id)).not.toContain('deadlineMissed');
    expect((await h.handle.query(incidentStateQuery)).deadlines.find((d) => d.report === 'dora-initial')?.state).toBe('submitted');
    await complete(`${h.slug}dorafinal1`, report_(), 'ciso@example.com');
    expect(await resolveAndClose(h)).toMatchObject({ step: 'closed', regimes: ['dora'] });
  });

  it("a DORA report due on the organisation's bank holiday is due at 12:00 on its next working day (RTS 2025/301 Art. 5(4))", async () => {
    const tz = 'Europe/Berlin';
    // Every weekday works; the day the initial notification falls due is a bank holiday.
    const holiday = localDate((await env.currentTimeMs()) + 4 * HOUR_MS, tz);
    const h = await report({ timeZone: tz, doraRelief: { workingDays: [0, 1, 2, 3, 4, 5, 6], bankHolidays: [holiday] }, triage: { ...triaged, personalData: false } });
    await complete(`${h.slug}assess`, assessment(false, false, true), 'ciso@example.com');
    const classifiedAt = Date.parse(await until('assessment recorded', () => entries(h.id).find((e) => e.key === 'assessment')?.at as string | undefined));
    expect(localDate(classifiedAt + 4 * HOUR_MS, tz)).toBe(holiday);
    expect((await opened(`${h.slug}dorainitial1`)).dueAt).toBe(zonedInstant(addDays(holiday, 1), 12, 0, tz));
    const initial = (await h.handle.query(incidentStateQuery)).deadlines.find((d) => d.report === 'dora-initial');
    expect(initial?.basis).toMatch(/Art\. 5\(4\)/);
    await env.client.workflow.getHandle(h.handle.workflowId).terminate('test done');
  });

  it('a report submitted in time but recorded after its deadline, with the time it was submitted, is on time, and the next clock counts from it', async () => {
    const h = await report({ triage: { ...triaged, personalData: false } });
    await complete(`${h.slug}assess`, assessment(false, false, true), 'ciso@example.com');
    const due = (await opened(`${h.slug}dorainitial1`)).dueAt as string;
    // Sent on the authority's portal an hour before the deadline, recorded in ismsflow three hours after it.
    const submittedAt = new Date(Date.parse(due) - HOUR_MS).toISOString();
    await env.sleep(Date.parse(due) + 3 * HOUR_MS - (await env.currentTimeMs()));
    await complete(`${h.slug}dorainitial1`, report_({ submittedAt }), 'ciso@example.com');
    await until('initial recorded', () => entries(h.id).find((e) => e.kind === 'reportSubmitted' && e.data.report === 'dora-initial'));
    const initial = await until('the incident has the submission', async () => (await h.handle.query(incidentStateQuery)).deadlines.find((d) => d.report === 'dora-initial' && d.state !== 'missed'));
    expect(initial).toMatchObject({ state: 'submitted', submittedAt });
    expect((await opened(`${h.slug}doraintermed1`)).dueAt).toBe(new Date(Date.parse(submittedAt) + 72 * HOUR_MS).toISOString());
    await complete(`${h.slug}doraintermed1`, report_(), 'ciso@example.com');
    await complete(`${h.slug}dorafinal1`, report_(), 'ciso@example.com');
    expect(await resolveAndClose(h)).toMatchObject({ step: 'closed' });
  });

  it('an updated intermediate report after recovery moves the final report to a month after it, on the Berlin calendar across the spring DST change', async () => {
    // Early March 2027: a month later Berlin is on summer time, so the final is due an hour earlier in UTC than on the UTC calendar.
    const march = Date.parse('2027-03-10T09:00:00.000Z');
    if ((await env.currentTimeMs()) < march) await env.sleep(march - (await env.currentTimeMs()));
    const h = await report({ timeZone: 'Europe/Berlin', triage: { ...triaged, personalData: false } });
    await complete(`${h.slug}assess`, assessment(false, false, true), 'ciso@example.com');
    await complete(`${h.slug}dorainitial1`, report_(), 'ciso@example.com');
    await h.at(40);
    await complete(`${h.slug}doraintermed1`, report_(), 'ciso@example.com');
    const first = await until('intermediate recorded', () => entries(h.id).find((e) => e.kind === 'reportSubmitted' && e.data.report === 'dora-intermediate')?.at as string | undefined);
    expect((await opened(`${h.slug}dorafinal1`)).dueAt).toBe(addMonthsInZone(first, 1, 'Europe/Berlin'));
    expect(Date.parse(addMonthsInZone(first, 1, 'Europe/Berlin'))).toBe(Date.parse(addMonth(first)) - HOUR_MS);
    await h.at(100);
    await h.event('rec', 'recovered', { at: new Date(h.t0 + 100 * HOUR_MS).toISOString() });
    // An updated intermediate is owed without undue delay (internal target 24 h): a second report child.
    expect((await opened(`${h.slug}doraintermed2`)).dueAt).toBe(new Date(h.t0 + 124 * HOUR_MS).toISOString());
    await h.at(110);
    await complete(`${h.slug}doraintermed2`, report_({ reference: 'CASE-1-UPD' }), 'ciso@example.com');
    const updated = await until('update recorded', () => entries(h.id).find((e) => e.key === 'report:dora-intermediate:2')?.at as string | undefined);
    // The final report's child is re-planned: its task is replaced by one due a month after the update, on the Berlin calendar.
    expect((await opened(`${h.slug}dorafinal1r2`)).dueAt).toBe(addMonthsInZone(updated, 1, 'Europe/Berlin'));
    await until('first final task cancelled', () => fake.callsOf('cancelTask').some((c) => c.args.taskId === `${h.slug}dorafinal1`));
    const view = await h.handle.query(incidentStateQuery);
    expect(view.deadlines.find((d) => d.report === 'dora-intermediate')?.submissions.map((x) => x.reference)).toEqual(['CASE-1', 'CASE-1-UPD']);
    await complete(`${h.slug}dorafinal1r2`, report_(), 'ciso@example.com');
    expect(await resolveAndClose(h)).toMatchObject({ step: 'closed' });
  });

  it('a DORA deadline that will not be met: the owner is asked to announce the delay to the authority before it passes', async () => {
    const h = await report({ triage: { ...triaged, personalData: false } });
    await h.at(1);
    await complete(`${h.slug}assess`, assessment(false, false, true), 'ciso@example.com');
    const initial = await opened(`${h.slug}dorainitial1`);
    const dueAt = Date.parse(initial.dueAt);
    // At 3/4 of its 4 hours, with the report still not in: the announcement task, due at the deadline.
    await env.sleep(dueAt - HOUR_MS / 2 - (await env.currentTimeMs()));
    const announce = await opened(`${h.slug}dorainitial1delay`);
    expect(announce).toMatchObject({ dueAt: initial.dueAt, assignee: 'ciso@example.com' });
    expect(announce.instructions).toContain('Art. 5(3)');
    await complete(`${h.slug}dorainitial1delay`, { reasons: 'Payments team still collecting the figures', reference: 'Portal message 7781', expectedOn: '2030-01-01' }, 'ciso@example.com');
    const announced = await until('delay announced', () => entries(h.id).find((e) => e.kind === 'delayAnnounced'));
    expect(Date.parse(announced.at)).toBeLessThan(dueAt);
    await env.sleep(HOUR_MS);
    await until('missed recorded', () => entries(h.id).find((e) => e.kind === 'deadlineMissed' && e.data.report === 'dora-initial'));
    await until('the incident shows it missed', () => fake.callsOf('recordIncidentProgress').some((c) => c.args.incidentId === h.id && c.args.deadlines.some((d: { report: string; state: string }) => d.report === 'dora-initial' && d.state === 'missed')) || undefined);
    await complete(`${h.slug}dorainitial1`, report_({ lateReason: 'Announced: figures were late' }), 'ciso@example.com');
    const sent = await until('late initial recorded', () => entries(h.id).find((e) => e.key === 'report:dora-initial:1'));
    expect(sent.data).toMatchObject({ late: true, lateReason: 'Announced: figures were late' });
    await until('shown submitted late', async () => ((await h.handle.query(incidentStateQuery)).deadlines.find((d) => d.report === 'dora-initial')?.state === 'submitted late' ? true : undefined));
    await env.client.workflow.getHandle(h.handle.workflowId).terminate('test done');
  });

  it('NIS2, still being handled a month after the notification: a progress report then, the final a month after handling ends', async () => {
    const h = await report({ timeZone: 'Europe/Berlin', triage: { ...triaged, personalData: false } });
    await complete(`${h.slug}assess`, assessment(false, true, false), 'ciso@example.com');
    await complete(`${h.slug}nisearlywarn1`, report_(), 'ciso@example.com');
    await h.at(30);
    await complete(`${h.slug}nisnotificat1`, report_(), 'ciso@example.com');
    const notifiedAt = await until('notification recorded', () => entries(h.id).find((e) => e.kind === 'reportSubmitted' && e.data.report === 'nis2-notification')?.at as string | undefined);
    const progress = await opened(`${h.slug}nisprogress1`);
    expect(progress.dueAt).toBe(addMonthsInZone(notifiedAt, 1, 'Europe/Berlin'));
    await env.sleep(Date.parse(progress.dueAt) - DAY_MS - (await env.currentTimeMs()));
    await complete(`${h.slug}nisprogress1`, report_({ reference: 'CSIRT-PROGRESS' }), 'ciso@example.com');
    await until('progress recorded', () => entries(h.id).find((e) => e.kind === 'reportSubmitted' && e.data.report === 'nis2-progress'));
    await env.sleep(10 * DAY_MS);
    expect(fake.callsOf('openTask').some((c) => c.args.taskId.startsWith(`${h.slug}nisfinal`))).toBe(false);
    const resolvedAt = new Date(await env.currentTimeMs()).toISOString();
    await h.event('res', 'resolved', { at: resolvedAt });
    expect((await opened(`${h.slug}nisfinal1`)).dueAt).toBe(addMonthsInZone(resolvedAt, 1, 'Europe/Berlin'));
    await complete(`${h.slug}review1`, { method: '5 Whys', rootCause: 'x', lessons: 'y', controlFailed: 'no' });
    await complete(`${h.slug}nisfinal1`, report_(), 'ciso@example.com');
    await complete(`${h.slug}close1`, { decision: 'approve' }, 'ciso@example.com');
    const done = await h.handle.result();
    expect(done.deadlines.map((d) => [d.report, d.state])).toEqual([
      ['nis2-early-warning', 'submitted'],
      ['nis2-notification', 'submitted'],
      ['nis2-progress', 'submitted'],
      ['nis2-final', 'submitted'],
    ]);
    expect(kinds(h.id)).not.toContain('deadlineMissed');
  });

  it('triage records a later awareness with its reason: the record keeps both, the clocks count from the later one', async () => {
    const h = await report({ triage: undefined });
    const later = new Date(h.t0 + 3 * HOUR_MS).toISOString();
    // Half an hour after the later awareness, and before the triage falls due at 4 h (its reminder and the answer would race).
    await h.at(3.5);
    const triage = { isIncident: 'incident', category: 'data leak', severity: 'high', personalData: 'yes', entity: 'neither', financialEntity: 'no', criticalServicesAffected: 'no', maliciousAccess: 'no', doraThresholdsMet: '0' };
    await complete(`${h.slug}triage`, { ...triage, awareAt: later, awarenessReason: 'Logs had to be checked to confirm exfiltration' }, 'handler@example.com');
    await complete(`${h.slug}assess`, assessment(true, false, false), 'ciso@example.com');
    expect((await opened(`${h.slug}gdprauthorit1`)).dueAt).toBe(new Date(h.t0 + 75 * HOUR_MS).toISOString());
    const view = await h.handle.query(incidentStateQuery);
    expect(view.awareness).toEqual({ fromTicket: h.input.awareAt, recorded: later, reason: 'Logs had to be checked to confirm exfiltration' });
    expect(fake.callsOf('recordIncidentProgress').find((c) => c.args.incidentId === h.id && c.args.awareness)?.args.awareness).toEqual({ recorded: later, reason: 'Logs had to be checked to confirm exfiltration' });
    await env.client.workflow.getHandle(h.handle.workflowId).terminate('test done');
  });

  it('a long incident continues as new while it waits for the ticket, and carries its state', async () => {
    const h = await report({ triage: { ...triaged, personalData: false }, policy: { continueAsNewAfterEvents: 60 } });
    await complete(`${h.slug}assess`, assessment(false, false, false), 'ciso@example.com');
    for (let i = 0; i < 12; i++) await h.event(`c${i}`, 'comment', { comment: `note ${i}` });
    const first = h.handle.workflowId;
    await until('continued as new', async () => ((await env.client.workflow.getHandle(first).describe()).runId !== h.handle.firstExecutionRunId ? true : undefined));
    await h.event('c0', 'comment', { comment: 'a repeat' });
    await h.event('c-last', 'comment', { comment: 'after' });
    await until('last comment recorded', () => kinds(h.id).filter((k) => k === 'ticket:comment').length === 13 || undefined);
    const latest = env.client.workflow.getHandle(first);
    await latest.signal(ticketEventSignal, { eventId: 'resolve-1', type: 'resolved', at: new Date().toISOString() });
    await complete(`${h.slug}review1`, { method: '5 Whys', rootCause: 'x', lessons: 'y', controlFailed: 'no' });
    await complete(`${h.slug}close1`, { decision: 'approve' }, 'ciso@example.com');
    expect(await latest.result()).toMatchObject({ step: 'closed', handling: 'resolved' });
  });

  it('repeated webhooks deliver an event once; the ticket is told of every step', async () => {
    const h = await report({ triage: { ...triaged, personalData: false } });
    await complete(`${h.slug}assess`, assessment(false, false, false), 'ciso@example.com');
    for (let i = 0; i < 3; i++) await h.event('evt-contained', 'contained', { by: 'sd-agent' });
    await h.event('evt-sev', 'severity', { severity: 'critical' });
    await until('events recorded', () => kinds(h.id).includes('ticket:severity'));
    expect(kinds(h.id).filter((k) => k === 'ticket:contained')).toHaveLength(1);
    expect(await h.handle.query(incidentStateQuery)).toMatchObject({ handling: 'contained', severity: 'critical' });
    await resolveAndClose(h);
    const told = fake.callsOf('notifyTicket').filter((c) => c.args.payload.incidentId === h.id).map((c) => c.args.payload.event);
    expect(told).toEqual(expect.arrayContaining(['step', 'closed']));
    expect(new Set(fake.callsOf('notifyTicket').filter((c) => c.args.payload.incidentId === h.id).map((c) => c.args.key)).size).toBe(told.length);
  });

  it('an event the records would refuse is set aside on receipt, recorded without its data; the ticket is still followed', async () => {
    const h = await report({ triage: { ...triaged, personalData: false } });
    await complete(`${h.slug}assess`, assessment(false, false, false), 'ciso@example.com');
    // Straight to the workflow, past the API's checks, as an admin's CLI or another client could.
    await h.event('bad-1', 'comment', { comment: 'police\u0000report' });
    await h.event('bad-2', 'contained', { at: '2027-02-31T10:00:00Z' });
    await h.event('good-1', 'contained', { by: 'sd-agent' });
    await until('the good event applied', () => kinds(h.id).includes('ticket:contained'));
    await until('both refusals recorded', () => kinds(h.id).filter((k) => k === 'ticket:refused').length === 2);
    const refusals = entries(h.id).filter((e) => e.kind === 'ticket:refused');
    expect(refusals.map((e) => e.data.reason)).toEqual(['comment must be text of at most 10,000 characters', 'at must be a date-time']);
    expect(JSON.stringify(refusals)).not.toContain('\u0000');
    expect(await h.handle.query(incidentStateQuery)).toMatchObject({ handling: 'contained' });
    expect(await resolveAndClose(h)).toMatchObject({ step: 'closed' });
  });

  it('a reopened ticket cancels the review under way; the next resolution starts a new one', async () => {
    const h = await report({ triage: { ...triaged, personalData: false } });
    await complete(`${h.slug}assess`, assessment(false, false, false), 'ciso@example.com');
    await h.event('r1', 'resolved');
    await until('review mailed', () => fake.callsOf('sendTaskMail').some((c) => c.args.taskId === `${h.slug}review1`));
    await h.event('o1', 'reopened');
    await until('review cancelled', () => fake.callsOf('cancelTask').some((c) => c.args.taskId === `${h.slug}review1`));
    await until('back to handling', async () => ((await h.handle.query(incidentStateQuery)).step === 'handling' ? true : undefined));
    expect(await resolveAndClose(h, 2)).toMatchObject({ step: 'closed' });
  });

  it('a failed control raises a nonconformity and starts its corrective action, linked to the incident', async () => {
    const t = await env.currentTimeMs();
    fake.answers.raiseNonconformity = (req: { sourceRef: string }) => ({
      ncNumber: 'NC-2026-0777',
      start: ncInput('NC-2026-0777', t, { source: 'incident', sourceRef: req.sourceRef }),
    });
    const h = await report({ timeZone: 'Asia/Tokyo', triage: { ...triaged, personalData: false } });
    await complete(`${h.slug}assess`, assessment(false, false, false), 'ciso@example.com');
    await h.event('r', 'resolved');
    await complete(`${h.slug}review1`, { method: 'timeline analysis', rootCause: 'EDR was not deployed on the new servers', lessons: 'Gate server builds on EDR', controlFailed: 'yes', failedControl: 'A.8.7 Protection against malware' });
    const nc = await until('NC workflow started', async () => {
      try {
        return await env.client.workflow.getHandle('nc:NC-2026-0777').describe();
      } catch {
        return undefined;
      }
    });
    expect(nc.status.name).toBe('RUNNING');
    // The NC's days are counted on the incident's calendar, its organisation's zone.
    expect(fake.callsOf('raiseNonconformity').at(-1)?.args).toMatchObject({ source: 'incident', sourceRef: h.id, requirement: 'A.8.7 Protection against malware', timeZone: 'Asia/Tokyo' });
    await complete(`${h.slug}close1`, { decision: 'approve' }, 'ciso@example.com');
    expect(await h.handle.result()).toMatchObject({ step: 'closed', ncNumber: 'NC-2026-0777' });
    // The corrective action outlives the incident.
    expect((await env.client.workflow.getHandle('nc:NC-2026-0777').describe()).status.name).toBe('RUNNING');
    await env.client.workflow.getHandle('nc:NC-2026-0777').cancel();
  });

  it('reclassified in the ticket: a new assessment makes it a DORA major incident and its clock starts', async () => {
    const h = await report({ triage: { ...triaged, personalData: false } });
    await complete(`${h.slug}assess`, assessment(false, false, false), 'ciso@example.com');
    await h.at(5);
    await h.event('rc1', 'reclassified', { comment: 'Payments platform down for 3 h: critical service affected' });
    const reassessment = await opened(`${h.slug}assess2`);
    expect(reassessment.instructions).toContain('Reassess because: Payments platform down for 3 h');
    await complete(`${h.slug}assess2`, assessment(false, false, true), 'ciso@example.com');
    const initial = await opened(`${h.slug}dorainitial1`);
    const classifiedAt = Date.parse(entries(h.id).find((e) => e.key === 'assessment-2').at);
    expect(Date.parse(initial.dueAt)).toBe(Math.min(classifiedAt + 4 * HOUR_MS, h.t0 + 24 * HOUR_MS));
    expect((await h.handle.describe()).typedSearchAttributes.get(SearchAttr.regimes)).toEqual(['dora']);
    await complete(`${h.slug}dorainitial1`, report_(), 'ciso@example.com');
    await complete(`${h.slug}doraintermed1`, report_(), 'ciso@example.com');
    await complete(`${h.slug}dorafinal1`, report_(), 'ciso@example.com');
    expect(await resolveAndClose(h)).toMatchObject({ step: 'closed', regimes: ['dora'] });
  });

  it('a ticketing system that stays down gets a dead letter, and the incident goes on', async () => {
    fake.answers.notifyTicket = () => {
      throw ApplicationFailure.nonRetryable('jira webhook answered 410', 'WebhookRejected');
    };
    try {
      const h = await report({ triage: { ...triaged, personalData: false } });
      await complete(`${h.slug}assess`, assessment(false, false, false), 'ciso@example.com');
      await until('dead letters', () => (fake.callsOf('recordDeadLetter').some((c) => c.args.key === `${h.id}:assessment`) ? true : undefined));
      const letter = fake.callsOf('recordDeadLetter').find((c) => c.args.key === `${h.id}:assessment`)!.args;
      expect(letter).toMatchObject({ system: 'jira', error: 'jira webhook answered 410', payload: { incidentId: h.id, step: 'assessment' } });
      expect(fake.callsOf('notifyTicket').filter((c) => c.args.key === `${h.id}:assessment`)).toHaveLength(1);
      expect(await resolveAndClose(h)).toMatchObject({ step: 'closed' });
    } finally {
      delete fake.answers.notifyTicket;
    }
  });

  it('an event, not an incident, is closed after triage with nothing owed', async () => {
    const h = await report({ triage: undefined });
    await complete(
      `${h.slug}triage`,
      { isIncident: 'event', category: 'false positive', severity: 'low', personalData: 'no', entity: 'neither', financialEntity: 'no', criticalServicesAffected: 'no', maliciousAccess: 'no', doraThresholdsMet: '0' },
      'handler@example.com',
    );
    expect(await h.handle.result()).toMatchObject({ step: 'notAnIncident', regimes: [] });
  });
});

export type { WorkflowHandle };
