import { CancellationScope, isCancellation } from '@temporalio/workflow';

/**
 * Work a workflow starts now and waits for later (child workflows, calls to a ticketing system),
 * without `void`: every branch is kept, and the first one to fail rejects `failed`, which the
 * workflow races its main work against, so a failed or terminated child fails the workflow at once.
 */
export function branchSet() {
  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const running: Promise<void>[] = [];
  return {
    failed,
    add: (work: Promise<unknown>): void => {
      running.push(work.then(() => undefined, fail));
    },
    /** Waits for every branch added so far (and any added meanwhile). */
    settled: async (): Promise<void> => {
      for (let done = 0; done < running.length; done = running.length) await Promise.all(running.slice(done));
    },
  };
}

/**
 * The first of `branches` to finish, the others cancelled and waited for (so a cancelled task
 * has closed its record before this returns). A loser failing for another reason than its
 * cancellation fails the race too.
 */
export async function raceScoped<T>(branches: Array<() => Promise<T>>): Promise<T> {
  const scope = new CancellationScope();
  const runs = branches.map((b) => scope.run(b));
  try {
    return await Promise.race(runs);
  } finally {
    scope.cancel();
    for (const r of await Promise.allSettled(runs)) if (r.status === 'rejected' && !isCancellation(r.reason)) throw r.reason;
  }
}
