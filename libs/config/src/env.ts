import { readFileSync } from 'node:fs';
import type { ValueType } from './types';
import { VARIABLES, type EnvVariable, type VariableName } from './variables';

export type Env = Record<string, string | undefined>;

/** A variable that is wrong or missing, named, with what it must be. `problems`: each one found. */
export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'ConfigError';
  }

  /** The variable of the first problem. */
  get variable(): string {
    return this.problems[0].variable;
  }
}

type Spec = typeof VARIABLES;
type ValueOf<N extends VariableName> = Spec[N]['type'] extends ValueType<infer T> ? T : never;
type Defaulted<N extends VariableName> = Spec[N] extends { default: string } ? N : never;

/** What readEnv returns: each variable's value; `undefined` for one unset that has no default and is not required. */
export type EnvValues<K extends VariableName, R extends K = never> = {
  [N in K]: N extends R | Defaulted<N> ? ValueOf<N> : ValueOf<N> | undefined;
};

const entry = (name: VariableName): EnvVariable => VARIABLES[name];
const mayComeFromFile = (v: EnvVariable) => !!(v.secret || v.file);

/** The variable's text: from `<NAME>_FILE` when that is set (trimmed), else its own value; '' counts as unset. */
function rawValue(env: Env, name: VariableName): { text?: string; from: string; problem?: string } {
  const fileVariable = `${name}_FILE`;
  const file = env[fileVariable];
  if (file) {
    if (!mayComeFromFile(entry(name))) return { from: fileVariable, problem: `${fileVariable} is not read: only secrets and certificates come from files; set ${name} itself` };
    try {
      return { text: readFileSync(file, 'utf8').trim(), from: fileVariable };
    } catch (err) {
      return { from: fileVariable, problem: `${fileVariable}=${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
    }
  }
  const value = env[name];
  return { text: value === '' ? undefined : value, from: name };
}

/**
 * Reads and checks variables through their schema (libs/config/src/variables.ts), all at once:
 * every malformed, unreadable or (in `required`) missing one is named in a single ConfigError.
 * Unset variables take their default.
 */
export function readEnv<const K extends VariableName, const R extends K = never>(names: readonly K[], env: Env = process.env, options: { required?: readonly R[] } = {}): EnvValues<K, R> {
  return read(names, env, { ...options, defaults: true }) as EnvValues<K, R>;
}

/** Like readEnv, but without defaults: the variables that are set (checked), for `npm start` and the benchmark to use those servers instead of starting their own. */
export function givenEnv<const K extends VariableName>(names: readonly K[], env: Env = process.env): { [N in K]?: ValueOf<N> } {
  return read(names, env, { defaults: false }) as { [N in K]?: ValueOf<N> };
}

function read(names: readonly VariableName[], env: Env, options: { required?: readonly VariableName[]; defaults: boolean }): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const problems: ConfigError['problems'] = [];
  for (const name of names) {
    const variable = entry(name);
    const raw = rawValue(env, name);
    if (raw.problem) {
      problems.push({ variable: name, message: raw.problem });
      continue;
    }
    const text = raw.text ?? (options.defaults ? variable.default : undefined);
    if (text === undefined) {
      if (options.required?.includes(name)) problems.push({ variable: name, message: `${name} (or ${name}_FILE) must be set` });
      continue;
    }
    const parsed = variable.type.schema.safeParse(text);
    if (parsed.success) {
      values[name] = parsed.data;
      continue;
    }
    for (const issue of parsed.error.issues) {
      const where = [name, ...issue.path.map(String)].join('.') + (raw.from === name ? '' : ` (from ${raw.from})`);
      const shown = variable.secret || issue.path.length || raw.text === undefined ? '' : `, got ${JSON.stringify(text)}`;
      problems.push({ variable: name, message: `${where} ${issue.message}${shown}` });
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return values;
}
