import path from 'node:path';
import { PROJECT_ROOT } from './binaries';
import type { WantedPort } from './ports';
import { embeddedDatabaseUrl } from './postgres';
import { POSTGRES_PART } from './postgres-files';
import { StartupError } from './startup-error';

/** Where `npm start` keeps its state, so the admin scripts can find it. */
export const DEV_DATA_DIR = path.resolve(process.env.ISMSFLOW_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'));
export const DEV_POSTGRES_DIR = path.join(DEV_DATA_DIR, 'postgres');

/** Each port `npm start` listens on: which part, and the variable that moves it (README, Configuration). */
export function devPorts(env: NodeJS.ProcessEnv = process.env) {
  const port = (part: string, variable: string, fallback: number, host = '127.0.0.1'): WantedPort => {
    const raw = env[variable];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      throw new StartupError(part, `${variable}=${raw} is not a port number`, `set ${variable} to a whole number from 1 to 65535, or unset it for ${fallback}`);
    }
    return { part, variable, port: value, host };
  };
  return {
    // apps/api listens on HOST (all addresses by default).
    api: port('the API', 'PORT', 3000, env.HOST ?? '0.0.0.0'),
    postgres: port(POSTGRES_PART, 'EMBEDDED_POSTGRES_PORT', 54329),
    temporal: port('the Temporal dev server', 'TEMPORAL_DEV_PORT', 7233),
    temporalUi: port('the Temporal UI', 'TEMPORAL_DEV_UI_PORT', 8233),
    smtp: port('the SMTP catcher', 'SMTP_CATCHER_PORT', 1025),
    mailbox: port('the mailbox page', 'MAILBOX_PORT', 8025),
  };
}

/** DATABASE_URL, else the embedded database `npm start` runs. */
export function devDatabaseUrl(): string {
  const url = process.env.DATABASE_URL ?? embeddedDatabaseUrl(DEV_POSTGRES_DIR, devPorts().postgres.port);
  if (!url) throw new Error('Set DATABASE_URL, or run `npm start` once so the embedded database exists');
  return url;
}
