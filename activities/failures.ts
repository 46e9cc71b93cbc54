import { ApplicationFailure, Context } from '@temporalio/activity';

/**
 * SQLSTATEs that say the data itself is wrong (PostgreSQL appendix A): class 22 data exceptions
 * (e.g. a NUL byte, an impossible date), not-null and check violations, and values beyond a limit.
 * Another attempt would fail the same way.
 */
const BAD_DATA_STATES = [/^22/, /^23502$/, /^23514$/, /^54/];
/** After this many attempts a transient failure is logged as an error an operator should look at. */
export const ALERT_AFTER_ATTEMPTS = 10;

/** Why a failure will not mend by retrying, or undefined for one that may (a network, a database outage). */
export function badData(err: unknown): string | undefined {
  if (err instanceof RangeError) return err.message;
  const code = (err as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ?? (err as { code?: unknown })?.code;
  return typeof code === 'string' && BAD_DATA_STATES.some((re) => re.test(code)) ? `${(err as Error).message} (SQLSTATE ${code})` : undefined;
}

/**
 * Every activity through one classifier: bad data becomes a non-retryable `BadData` failure, which
 * the workflow sees at once and handles, instead of a retry loop that wedges it; a transient failure
 * is retried (within the bound the workflow sets) and, once it has failed often, logged as an error.
 */
export function classifyFailures<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        try {
          return await fn(...args);
        } catch (err) {
          if (err instanceof ApplicationFailure) throw err;
          const bad = badData(err);
          if (bad) throw ApplicationFailure.nonRetryable(`${name} refused the data: ${bad}`, 'BadData');
          alertWhenPersistent(name, err);
          throw err;
        }
      },
    ]),
  ) as T;
}

function alertWhenPersistent(name: string, err: unknown): void {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return; // called directly, outside a worker (tests): nothing retries it
  }
  const { attempt } = context.info;
  if (attempt >= ALERT_AFTER_ATTEMPTS && attempt % ALERT_AFTER_ATTEMPTS === 0) {
    context.log.error(`${name} has failed ${attempt} times and is still being retried`, { error: String(err) });
  }
}
