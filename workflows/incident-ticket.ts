import { ActivityFailure, CancellationScope } from '@temporalio/workflow';
import { acts, outbound } from './activity-proxies';

/**
 * Tells an incident's ticketing system, without holding up the process: a system that stays down
 * gets a dead letter, never a stuck incident. Calls run outside any cancellation (a re-planned
 * report still tells what happened); `add` keeps each one so the workflow waits for it.
 */
export function ticketTeller(t: { system: string; incidentId: string; add: (call: Promise<unknown>) => void; state: () => Record<string, unknown> }) {
  return (key: string, event: string, data: Record<string, unknown> = {}) => {
    const payload = { incidentId: t.incidentId, event, ...t.state(), at: new Date().toISOString(), ...data };
    const delivery = `${t.incidentId}:${key}`;
    t.add(
      CancellationScope.nonCancellable(() =>
        outbound.notifyTicket({ system: t.system, key: delivery, payload }).then(
          () => undefined,
          async (err: unknown) => {
            if (!(err instanceof ActivityFailure)) throw err;
            await acts.recordDeadLetter({ system: t.system, key: delivery, payload, error: err.cause?.message ?? err.message });
          },
        ),
      ),
    );
  };
}
