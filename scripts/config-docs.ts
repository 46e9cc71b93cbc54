/** `npm run docs:config`: rewrites README.md's Configuration table from the schema (libs/config/src/variables.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withConfigurationTable } from '../libs/config/src/readme-table';
import { PROJECT_ROOT } from '../libs/devstack/src/binaries';

const readme = path.join(PROJECT_ROOT, 'README.md');
const before = readFileSync(readme, 'utf8');
const after = withConfigurationTable(before);
if (after === before) console.log('README.md: the configuration table is up to date');
else {
  writeFileSync(readme, after);
  console.log('README.md: configuration table rewritten from libs/config/src/variables.ts');
}
