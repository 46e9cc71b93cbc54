import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const sources = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(ROOT, rel)).isDirectory() ? sources(rel) : rel.endsWith('.ts') ? [rel] : [];
  });

/**
 * A process started past the start helpers would miss the policy that keeps a finished process from
 * ever starting again. Only the helpers call Temporal's start; a human task (runHumanTask) and a
 * regulatory report (incident-reports.ts) are steps of their process, not processes of their own.
 */
describe('every process starts through the one start policy', () => {
  const allowed: Record<string, RegExp> = {
    'libs/temporal/src/start-process.ts': /\.workflow\.start\(/,
    'workflows/start-process.ts': /\bstartChild\(/,
    'workflows/human-task.ts': /\bexecuteChild\(/,
    // A report owed is a step of its incident, started and awaited by it.
    'workflows/incident-reports.ts': /\bstartChild\(/,
  };
  it('no other file starts a workflow', () => {
    const offenders = ['apps', 'workflows', 'activities', 'libs', 'scripts', 'bench'].flatMap(sources).flatMap((file) => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      return [/\.workflow\.start\(/, /\.workflow\.signalWithStart\(/, /\bstartChild\(/, /\bexecuteChild\(/, /\.workflow\.execute\(/]
        .filter((re) => re.test(text) && allowed[file]?.source !== re.source)
        .map((re) => `${file}: ${re.source}`);
    });
    expect(offenders).toEqual([]);
    // The helpers themselves are where the check looks.
    expect(Object.keys(allowed).every((file) => allowed[file].test(readFileSync(path.join(ROOT, file), 'utf8')))).toBe(true);
  });
});
