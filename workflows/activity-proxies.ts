import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** Records and mail: retried until they succeed (each is idempotent), backing off to 5 minutes. */
export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Calls to other systems (ticket webhooks): retried for a while, then given up to a dead letter. */
export const outbound = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 8 },
});
