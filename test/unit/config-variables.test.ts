import { readdirSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APP_VARIABLES, ConfigError, loadConfig, readEnv, VARIABLE_NAMES, VARIABLES, type EnvVariable, type VariableName } from '../../libs/config/src';
import { configurationTable, TABLE_END, TABLE_START } from '../../libs/config/src/readme-table';
import { anyText, debugList } from '../../libs/config/src/types';

/**
 * Every variable of the schema (libs/config/src/variables.ts), each with its own cases: unset (its
 * default), each malformed example (refused, naming it), its valid example (read, and from its file
 * when it may come from one). A variable added to the schema is tested here without a line more,
 * and cannot be added without examples.
 */
const ROOT = path.resolve(__dirname, '../..');
const base = { DATABASE_URL: 'postgres://x@localhost/db', TASK_LINK_SECRET: 's'.repeat(32) };
const REQUIRED_BY_THE_APP: VariableName[] = ['DATABASE_URL', 'TASK_LINK_SECRET'];
const dir = mkdtempSync(path.join(tmpdir(), 'cfg-vars-'));
const spec = (name: VariableName): EnvVariable => VARIABLES[name];
const appReads = (name: VariableName) => (APP_VARIABLES as readonly string[]).includes(name);

function refusal(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('it was accepted');
}

describe.each(VARIABLE_NAMES)('%s', (name) => {
  const v = spec(name);
  const { valid, invalid, with: companions = {} } = v.examples;
  const value = (env: Record<string, string>) => (readEnv([name], env) as Record<string, unknown>)[name];

  it('has a description, a valid example that is not its default, and malformed examples unless it takes any text', () => {
    expect(v.description.length).toBeGreaterThan(5);
    expect(valid).not.toBe(v.default);
    expect(invalid.length > 0 || v.type === anyText || v.type === debugList).toBe(true);
  });

  it('unset: takes its default', () => {
    expect(value({})).toEqual(v.default === undefined ? undefined : v.type.schema.parse(v.default));
    expect(value({ [name]: '' })).toEqual(value({})); // an empty variable is an unset one
    if (!appReads(name)) return;
    if (REQUIRED_BY_THE_APP.includes(name)) {
      const { [name]: _, ...rest } = base as Record<string, string>;
      expect(refusal(() => loadConfig(rest)).problems).toEqual([{ variable: name, message: `${name} (or ${name}_FILE) must be set` }]);
    } else {
      expect(loadConfig({ ...base, [name]: '' })).toEqual(loadConfig(base));
    }
  });

  it('valid: read, and used by the API and the worker when they read it', () => {
    expect(value({ ...companions, [name]: valid })).not.toEqual(value({}));
    if (!appReads(name)) return;
    // Without it, its companions alone may be incomplete (a client certificate without its key): then compare with neither.
    const without = (() => {
      try {
        return loadConfig({ ...base, ...companions });
      } catch {
        return loadConfig(base);
      }
    })();
    expect(loadConfig({ ...base, ...companions, [name]: valid })).not.toEqual(without);
  });

  it.each(invalid.length ? invalid : ['(takes any text)'])('malformed: %j is refused, naming the variable', (bad) => {
    if (!invalid.length) return;
    const error = refusal(() => readEnv([name], { ...companions, [name]: bad }));
    expect(error.problems.every((p) => p.variable === name && p.message.startsWith(name))).toBe(true);
    if (v.secret) expect(error.message).not.toContain(bad);
    else expect(error.message).toContain(`got ${JSON.stringify(bad)}`);
    if (appReads(name)) expect(refusal(() => loadConfig({ ...base, ...companions, [name]: bad })).variable).toBe(name);
  });

  it(v.secret || v.file ? 'from a file: <NAME>_FILE gives the same value' : 'from a file: refused (not a secret)', () => {
    const fileEnv = { ...companions, [`${name}_FILE`]: path.join(dir, name) };
    writeFileSync(path.join(dir, name), `${valid}\n`);
    if (v.secret || v.file) expect(value(fileEnv)).toEqual(value({ ...companions, [name]: valid.trim() }));
    else expect(refusal(() => readEnv([name], fileEnv)).message).toContain(`${name}_FILE is not read`);
  });
});

describe('the schema and the rest of the code', () => {
  it('lists every variable the API and the worker read', () => {
    for (const name of APP_VARIABLES) expect(VARIABLE_NAMES).toContain(name);
  });

  it("README.md's configuration table is the one generated from it (`npm run docs:config` rewrites it)", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + TABLE_START.length, end).trim()).toBe(configurationTable());
    for (const name of VARIABLE_NAMES) expect(readme).toContain(`| \`${name}\``);
  });

  /** What reads process.env itself instead of through the schema, and why that is right. */
  const OWN_READS: Record<string, RegExp> = {
    // System variables handed to the embedded PostgreSQL, not settings of ismsflow.
    'libs/devstack/src/postgres.ts': /^(PATH|TZ)$/,
    // The benchmark's own sizes and switches (README, Performance).
    'bench/run.ts': /^BENCH_\w+$|^\[name\]$/,
    'bench/stack.ts': /^BENCH_\w+$/,
    // Runs on `npm install`, before anything can be compiled; documented in the schema.
    'scripts/install-temporal.js': /^ISMSFLOW_SKIP_TEMPORAL_INSTALL$/,
  };

  it('is how every setting is read: outside libs/config nothing reads process.env for one', () => {
    const files = (folder: string): string[] =>
      readdirSync(path.join(ROOT, folder), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? (e.name === 'node_modules' ? [] : files(path.join(folder, e.name))) : /\.(ts|js)$/.test(e.name) ? [path.join(folder, e.name)] : [],
      );
    const reads = ['apps', 'libs', 'activities', 'workflows', 'scripts', 'bench']
      .flatMap(files)
      .filter((f) => !f.startsWith('libs/config/'))
      .flatMap((f) => [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/process\.env(?:\.(\w+)|(\[[^\]]*\]))/g)].map((m) => ({ file: f, read: m[1] ?? m[2] })));
    expect(reads.length).toBeGreaterThan(0); // the scan sees the reads that are allowed
    const stray = reads.filter(({ file, read }) => !OWN_READS[file]?.test(read));
    expect(stray).toEqual([]);
    const declared = reads.filter(({ read }) => read in VARIABLES && read !== 'ISMSFLOW_SKIP_TEMPORAL_INSTALL');
    expect(declared).toEqual([]);
  });
});
