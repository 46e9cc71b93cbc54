import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const sources = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(ROOT, rel)).isDirectory() ? sources(rel) : /\.tsx?$/.test(rel) ? [rel] : [];
  });
const importsOf = (file: string) => [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);

/** Where each kind of code may reach: the records layer is shared, the worker's activities are not. */
describe('the layers of the codebase', () => {
  it('the API writes and reads records through libs/records, never through the worker\'s activities', () => {
    const offenders = sources('apps/api').flatMap((file) => importsOf(file).filter((i) => /(^|\/)activities(\/|$)/.test(i)).map((i) => `${file}: ${i}`));
    expect(offenders).toEqual([]);
  });

  it('no source file is over 400 lines', () => {
    const long = ['apps', 'libs', 'workflows', 'activities', 'scripts', 'bench']
      .flatMap(sources)
      .map((file) => [file, readFileSync(path.join(ROOT, file), 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 400)
      .map(([file, lines]) => `${file}: ${lines}`);
    expect(long).toEqual([]);
  });
});
