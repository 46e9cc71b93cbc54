import type { Activities } from '../../activities';

/** Fake activities for workflow tests: each call is recorded with the (simulated) time it ran at. */
export function recordingActivities(now: () => Promise<number> | number = () => Date.now()) {
  const calls: { name: keyof Activities; at: number; args: any }[] = [];
  /** Answers a test sets for one activity (the worker keeps the functions it was given). */
  const answers: Partial<Record<keyof Activities, (args: any) => unknown>> = {};
  const record = (name: keyof Activities) => async (args: any) => {
    calls.push({ name, at: await now(), args });
    if (answers[name]) return answers[name](args);
    if (name === 'sendTaskMail') return { sent: true };
    if (name === 'similarNonconformities') return '';
    if (name === 'notifyTicket') return { delivered: true };
    if (name === 'mailAcknowledgements') return { next: null, sent: 0 };
    if (name === 'openAcknowledgementBatch') return { people: 0, superseded: false };
    if (name === 'escalateAcknowledgements') return 0;
    if (name === 'recordApprovedPolicies') return { recorded: [], unchanged: [], skipped: [], rounds: [] };
    if (name === 'raiseImprovement') return { id: `OFI-2099-${String(calls.length).padStart(4, '0')}` };
    if (name === 'raiseNonconformity') return { ncNumber: `NC-2099-${String(calls.length).padStart(4, '0')}` };
    return undefined;
  };
  const activities = {
    openTask: record('openTask'),
    sendTaskMail: record('sendTaskMail'),
    reassignTask: record('reassignTask'),
    completeTask: record('completeTask'),
    cancelTask: record('cancelTask'),
    recordNcProgress: record('recordNcProgress'),
    similarNonconformities: record('similarNonconformities'),
    notifyNc: record('notifyNc'),
    recordIncidentProgress: record('recordIncidentProgress'),
    recordIncidentEntry: record('recordIncidentEntry'),
    notifyTicket: record('notifyTicket'),
    recordDeadLetter: record('recordDeadLetter'),
    raiseNonconformity: record('raiseNonconformity'),
    saveCycle: record('saveCycle'),
    recordProgrammeActivity: record('recordProgrammeActivity'),
    notifyCycle: record('notifyCycle'),
    recordRisks: record('recordRisks'),
    openAcknowledgementBatch: record('openAcknowledgementBatch'),
    mailAcknowledgements: record('mailAcknowledgements'),
    escalateAcknowledgements: record('escalateAcknowledgements'),
    recordApprovedPolicies: record('recordApprovedPolicies'),
    raiseImprovement: record('raiseImprovement'),
  } satisfies Record<keyof Activities, unknown> as unknown as Activities;
  return {
    calls,
    activities,
    answers,
    mails: () => calls.filter((c) => c.name === 'sendTaskMail').map((c) => c.args.key as string),
    callsOf: (name: keyof Activities) => calls.filter((c) => c.name === name),
  };
}
