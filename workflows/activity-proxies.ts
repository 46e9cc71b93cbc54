import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * Records and mail: each is idempotent, so retried, backing off to 5 minutes, through any outage a
 * day can hold (a database restart, a relay down overnight; the activity logs an error after its 10th
 * attempt). Past a day it fails, and so does the step: visibly, for an admin to mend and reset,
 * rather than a process that waits forever. Bad data fails at once (BadData, never retried).
 */
export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: ['BadData'] },
});

/**
 * A write a person is waiting for (their answer to a task): tried for a minute, then given up, so the
 * person is told to send it again rather than left waiting while the records are down.
 */
export const whilePersonWaits = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', nonRetryableErrorTypes: ['BadData'] },
});

/** Calls to other systems (ticket webhooks): retried for a while, then given up to a dead letter. */
export const outbound = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 8 },
});
