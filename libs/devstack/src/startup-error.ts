import { ConfigError, readEnv } from '../../config/src';

/**
 * The one place a failure to start a part of ismsflow is put into words: which part, what went
 * wrong, what to do. A stack trace only with DEBUG=ismsflow: people starting the system need the
 * remedy, not the call chain.
 */
export class StartupError extends Error {
  constructor(
    /** The part that could not start, as a person knows it: "the API", "the Temporal dev server". */
    readonly part: string,
    /** What went wrong, in words. */
    readonly reason: string,
    /** What to do about it. */
    readonly remedy: string,
    options?: { cause?: unknown },
  ) {
    super(`could not start ${part}: ${reason}`, options);
    this.name = 'StartupError';
  }
}

/** DEBUG=ismsflow (or a list naming it, or `*`) asks for stack traces. Never throws: it runs while a failure is told. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    return readEnv(['DEBUG'], env).DEBUG ?? false;
  } catch {
    return false;
  }
}

/** Errors from system calls (spawn, listen, open) in words; anything else by its message. */
export function asStartupError(part: string, err: unknown): StartupError {
  if (err instanceof StartupError) return err;
  if (err instanceof ConfigError) {
    const variables = [...new Set(err.problems.map((p) => p.variable))].join(', ');
    return new StartupError(part, err.message, `fix ${variables} (README.md, Configuration, lists each variable, its values and default)`);
  }
  const e = err as NodeJS.ErrnoException & { path?: string; spawnargs?: string[] };
  const file = e?.path ?? '';
  switch (e?.code) {
    case 'EACCES':
      return new StartupError(part, `permission denied${file ? ` on ${file}` : ''}`, `make ${file || 'it'} readable (and executable, for a program) by the user that runs it, or reinstall with \`npm ci\``, { cause: err });
    case 'ENOENT':
      return new StartupError(part, `${file || 'a file it needs'} does not exist`, 'reinstall with `npm ci` (it also installs the Temporal CLI into .tools/)', { cause: err });
    default:
      return new StartupError(part, firstLine(err), 'fix what the message says, or run again with DEBUG=ismsflow to see where it failed', { cause: err });
  }
}

/** What a person reads when `part` could not start (each error of an AggregateError in turn). */
export function describeStartupFailure(err: unknown, part = 'ismsflow', debug = debugEnabled()): string {
  const errors = err instanceof AggregateError ? err.errors : [err];
  const text = errors
    .map((e) => {
      const s = asStartupError(part, e);
      return `could not start ${s.part}: ${s.reason}\n  what to do: ${s.remedy}`;
    })
    .join('\n');
  if (debug) return `${text}\n\n${stacks(err)}`;
  // A StartupError of our own with no cause, or a ConfigError, has said everything; anything else has a stack worth asking for.
  const more = errors.some((e) => (e instanceof StartupError ? e.cause !== undefined : !(e instanceof ConfigError)));
  return more ? `${text}\n  (DEBUG=ismsflow shows the stack trace)` : text;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].trim() || 'an unknown error';
}

function stacks(err: unknown): string {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown) => {
    if (!e || seen.has(e)) return;
    seen.add(e);
    out.push(e instanceof Error ? (e.stack ?? e.message) : JSON.stringify(e));
    if (e instanceof AggregateError) e.errors.forEach(walk);
    if (e instanceof Error && e.cause) walk(e.cause);
  };
  walk(err);
  return out.join('\ncaused by: ');
}
