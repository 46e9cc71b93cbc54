import path from 'node:path';
import { ConfigError, readEnv, VARIABLES } from '../../config/src';
import { PROJECT_ROOT } from './binaries';
import type { WantedPort } from './ports';
import { embeddedDatabaseUrl } from './postgres';
import { POSTGRES_PART } from './postgres-files';
import { StartupError } from './startup-error';

/** Where `npm start` keeps its state, so the admin scripts can find it. */
export const DEV_DATA_DIR = path.resolve(readEnv(['ISMSFLOW_DATA_DIR']).ISMSFLOW_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'));
export const DEV_POSTGRES_DIR = path.join(DEV_DATA_DIR, 'postgres');

type PortVariable = 'PORT' | 'EMBEDDED_POSTGRES_PORT' | 'TEMPORAL_DEV_PORT' | 'TEMPORAL_DEV_UI_PORT' | 'SMTP_CATCHER_PORT' | 'MAILBOX_PORT';

/** Each port `npm start` listens on: which part, and the variable that moves it (README, Configuration). */
export function devPorts(env: NodeJS.ProcessEnv = process.env) {
  const port = (part: string, variable: PortVariable, host = '127.0.0.1'): WantedPort => {
    try {
      return { part, variable, port: readEnv([variable], env)[variable], host };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      throw new StartupError(part, `${variable}=${env[variable]} is not a port number`, `set ${variable} to a whole number from 1 to 65535, or unset it for ${VARIABLES[variable].default}`);
    }
  };
  return {
    // apps/api listens on HOST (all addresses by default).
    api: port('the API', 'PORT', readEnv(['HOST'], env).HOST),
    postgres: port(POSTGRES_PART, 'EMBEDDED_POSTGRES_PORT'),
    temporal: port('the Temporal dev server', 'TEMPORAL_DEV_PORT'),
    temporalUi: port('the Temporal UI', 'TEMPORAL_DEV_UI_PORT'),
    smtp: port('the SMTP catcher', 'SMTP_CATCHER_PORT'),
    mailbox: port('the mailbox page', 'MAILBOX_PORT'),
  };
}

/** DATABASE_URL, else the embedded database `npm start` runs. */
export function devDatabaseUrl(): string {
  const url = readEnv(['DATABASE_URL']).DATABASE_URL ?? embeddedDatabaseUrl(DEV_POSTGRES_DIR, devPorts().postgres.port);
  if (!url) throw new Error('Set DATABASE_URL, or run `npm start` once so the embedded database exists');
  return url;
}
