import type { Activities } from '../../activities';

/** Fake activities for workflow tests: each call is recorded with the (simulated) time it ran at. */
export function recordingActivities(now: () => Promise<number> | number = () => Date.now()) {
  const calls: { name: keyof Activities; at: number; args: any }[] = [];
  const record = (name: keyof Activities) => async (args: any) => {
    calls.push({ name, at: await now(), args });
    if (name === 'sendTaskMail') return { sent: true };
    if (name === 'similarNonconformities') return '';
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
  } satisfies Record<keyof Activities, unknown> as unknown as Activities;
  return {
    calls,
    activities,
    mails: () => calls.filter((c) => c.name === 'sendTaskMail').map((c) => c.args.key as string),
    callsOf: (name: keyof Activities) => calls.filter((c) => c.name === name),
  };
}
