import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { sendUpdate, UPDATE_DEADLINE_MS } from '../../apps/api/src/common/temporal-errors';
import { ProblemException } from '../../apps/api/src/common/problem';

/** A client whose connection runs the call under the deadline it is given, as Connection.withDeadline does. */
function client(): { client: Client; deadlines: number[] } {
  const deadlines: number[] = [];
  const connection = { withDeadline: <T>(deadline: number, fn: () => Promise<T>) => (deadlines.push(deadline), fn()) };
  return { client: { connection } as unknown as Client, deadlines };
}
const refused = (type: string, message = 'refused', details?: unknown) =>
  new WorkflowUpdateFailedError('update failed', ApplicationFailure.nonRetryable(message, type, ...(details ? [details] : [])));
const statusOf = (p: Promise<unknown>) => p.then(() => 200, (e) => (e instanceof ProblemException ? e.problem.status : `not a problem: ${e}`));

describe('sendUpdate: every way an Update can end is an answer the caller can act on', () => {
  it('sends under a deadline, so no caller waits without end', async () => {
    const { client: c, deadlines } = client();
    const before = Date.now();
    expect(await sendUpdate(c, () => Promise.resolve('done'), 'closed')).toBe('done');
    expect(deadlines[0]).toBeGreaterThanOrEqual(before + UPDATE_DEADLINE_MS);
    expect(deadlines[0]).toBeLessThanOrEqual(Date.now() + UPDATE_DEADLINE_MS);
  });

  it.each([
    ['the validator refused fields', refused('InvalidInput', 'bad', { field: 'outcome', message: 'bad' }), 422],
    ['a link from before a reassignment', refused('StaleLink'), 410],
    ['the records unavailable for now', refused('Unavailable'), 503],
    ['a state the caller named as a conflict', refused('TaskClosed'), 409],
    ['the workflow has closed', new WorkflowNotFoundError('gone', 'task:x', undefined), 409],
    ['no answer within the deadline', Object.assign(new Error('Deadline exceeded'), { code: 4, details: 'Deadline exceeded', metadata: {} }), 503],
    ['the deadline, wrapped by the SDK', new Error('update call failed', { cause: Object.assign(new Error('Deadline exceeded'), { code: 4, details: 'x', metadata: {} }) }), 503],
  ])('%s', async (_, error, status) => {
    expect(await statusOf(sendUpdate(client().client, () => Promise.reject(error), 'closed', ['TaskClosed']))).toBe(status);
  });

  it('anything else is not dressed up as an answer: it stays the error it was (a 500, logged)', async () => {
    const bug = new TypeError('x is undefined');
    await expect(sendUpdate(client().client, () => Promise.reject(bug), 'closed')).rejects.toBe(bug);
  });
});
