import path from 'node:path';
import { ConfigError, readEnv, VARIABLES } from '../../config/src';
import { PROJECT_ROOT } from './binaries';
import type { WantedPort } from './ports';
import { embeddedDatabaseUrl } from './postgres';
import { POSTGRES_PART } from './postgres-files';
import { StartupError } from './startup-error';

/** Where `npm start` keeps its state, so the admin scripts can find it. Read when asked: a bad value is then a ConfigError its caller words, not a crash at import. */
export function devDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(readEnv(['ISMSFLOW_DATA_DIR'], env).ISMSFLOW_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'));
}
export const devPostgresDir = (env: NodeJS.ProcessEnv = process.env): string => path.join(devDataDir(env), 'postgres');

type PortVariable = 'PORT' | 'METRICS_PORT' | 'EMBEDDED_POSTGRES_PORT' | 'TEMPORAL_DEV_PORT' | 'TEMPORAL_DEV_UI_PORT' | 'SMTP_CATCHER_PORT' | 'MAILBOX_PORT';

/** Each port `npm start` listens on: which part, and the variable that moves it (README, Configuration). */
export function devPorts(env: NodeJS.ProcessEnv = process.env) {
  const port = (part: string, variable: PortVariable, host = '127.0.0.1'): WantedPort => {
    try {
      const value = readEnv([variable], env)[variable];
      if (value === undefined) throw new ConfigError([{ variable, message: 'is required' }]);
      return { part, variable, port: value, host };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      throw new StartupError(part, `${variable}=${env[variable]} is not a port number`, `set ${variable} to a whole number from 1 to 65535, or unset it${'default' in VARIABLES[variable] ? ` for ${String(VARIABLES[variable].default)}` : ''}`);
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
    // METRICS_PORT, when set: the API's metrics there and the worker's on the next port (one variable, two processes).
    metrics: env.METRICS_PORT ? metricsPorts(port("the API's metrics endpoint", 'METRICS_PORT', readEnv(['HOST'], env).HOST)) : undefined,
  };
}

function metricsPorts(api: WantedPort) {
  if (api.port === 65535) throw new StartupError("the worker's metrics endpoint", 'it listens on the port after METRICS_PORT, and 65535 is the last', 'set METRICS_PORT to a lower port');
  return { api, worker: { ...api, part: "the worker's metrics endpoint", port: api.port + 1, host: '0.0.0.0', variable: 'METRICS_PORT' } };
}

/** DATABASE_URL, else the embedded database `npm start` runs. */
export function devDatabaseUrl(): string {
  const url = readEnv(['DATABASE_URL']).DATABASE_URL ?? embeddedDatabaseUrl(devPostgresDir(), devPorts().postgres.port);
  if (!url) throw new Error('Set DATABASE_URL, or run `npm start` once so the embedded database exists');
  return url;
}
