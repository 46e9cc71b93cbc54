/** `npm run temporal -- <args>`: the Temporal CLI (from .tools/ or PATH), pointed at TEMPORAL_ADDRESS, else at `npm start`'s dev server. */
import { spawn } from 'node:child_process';
import { givenEnv } from '../libs/config/src';
import { temporalCliPath } from '../libs/devstack/src/binaries';
import { devPorts } from '../libs/devstack/src/dev-paths';

const { TEMPORAL_ADDRESS } = givenEnv(['TEMPORAL_ADDRESS']);
const child = spawn(temporalCliPath(), process.argv.slice(2), {
  stdio: 'inherit',
  env: { ...process.env, TEMPORAL_ADDRESS: TEMPORAL_ADDRESS ?? `127.0.0.1:${devPorts().temporal.port}` },
});
child.on('exit', (code) => process.exit(code ?? 1));
