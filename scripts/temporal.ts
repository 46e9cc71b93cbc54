/** `npm run temporal -- <args>`: the Temporal CLI (from .tools/ or PATH), pointed at the dev server. */
import { spawn } from 'node:child_process';
import { temporalCliPath } from '../libs/devstack/src/binaries';

const child = spawn(temporalCliPath(), process.argv.slice(2), {
  stdio: 'inherit',
  env: { TEMPORAL_ADDRESS: '127.0.0.1:7233', ...process.env },
});
child.on('exit', (code) => process.exit(code ?? 1));
