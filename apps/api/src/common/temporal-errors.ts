import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FieldError } from '../../../../libs/domain/src';
import { ProblemException } from './problem';

/**
 * Sends an Update and turns the workflow's refusals into problems a caller can act on: the
 * validator's InvalidInput is a 422 naming the fields; a closed workflow, or one whose state
 * refused it (`conflicts`), is a 409; a stale task link is 410.
 */
export async function sendUpdate<T>(send: () => Promise<T>, closed: string, conflicts: string[] = []): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const failure = err.cause;
      if (failure.type === 'InvalidInput') throw ProblemException.invalid((failure.details ?? []) as FieldError[]);
      if (failure.type === 'StaleLink') throw new ProblemException(410, failure.message);
      if (failure.type && conflicts.includes(failure.type)) throw new ProblemException(409, failure.message);
    }
    if (err instanceof WorkflowNotFoundError) throw new ProblemException(409, closed);
    throw err;
  }
}
