import { isGrpcDeadlineError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FieldError } from '../../../../libs/domain/src';
import { ProblemException } from './problem';

/**
 * How long a caller waits for an Update. A person completing a task is answered within this even when
 * no worker is running or the records are down: the workflow gives up recording after a minute
 * (`whilePersonWaits`), and past this the answer is a 503 to try again, never a request that hangs.
 */
export const UPDATE_DEADLINE_MS = 90_000;

/**
 * Sends an Update and turns the workflow's refusals into problems a caller can act on: the
 * validator's InvalidInput is a 422 naming the fields; a closed workflow, or one whose state
 * refused it (`conflicts`), is a 409; a stale task link is 410; an Update the workflow could not
 * complete for now (`Unavailable`), or one not answered in time, is a 503.
 */
export async function sendUpdate<T>(client: Client, send: () => Promise<T>, closed: string, conflicts: string[] = []): Promise<T> {
  try {
    return await client.connection.withDeadline(Date.now() + UPDATE_DEADLINE_MS, send);
  } catch (err) {
    if (isGrpcDeadlineError(err)) {
      throw new ProblemException(503, 'The process did not answer in time: it may still apply this. Look again in a minute before sending it again.');
    }
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const failure = err.cause;
      if (failure.type === 'InvalidInput') throw ProblemException.invalid((failure.details ?? []) as FieldError[]);
      if (failure.type === 'StaleLink') throw new ProblemException(410, failure.message);
      if (failure.type === 'Unavailable') throw new ProblemException(503, failure.message);
      if (failure.type && conflicts.includes(failure.type)) throw new ProblemException(409, failure.message);
    }
    if (err instanceof WorkflowNotFoundError) throw new ProblemException(409, closed);
    throw err;
  }
}
