import path from 'node:path';
import { PROJECT_ROOT } from './binaries';
import { embeddedDatabaseUrl } from './postgres';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** Where `npm start` keeps its state and which ports it uses, so the admin scripts can find them. */
export const DEV_DATA_DIR = path.resolve(process.env.ISMSFLOW_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'));
export const DEV_POSTGRES_DIR = path.join(DEV_DATA_DIR, 'postgres');
export const DEV_PORTS = {
  api: port('PORT', 3000),
  postgres: port('EMBEDDED_POSTGRES_PORT', 54329),
  temporal: port('TEMPORAL_DEV_PORT', 7233),
  temporalUi: port('TEMPORAL_DEV_UI_PORT', 8233),
  smtp: port('SMTP_CATCHER_PORT', 1025),
  mailbox: port('MAILBOX_PORT', 8025),
};

/** DATABASE_URL, else the embedded database `npm start` runs. */
export function devDatabaseUrl(): string {
  const url = process.env.DATABASE_URL ?? embeddedDatabaseUrl(DEV_POSTGRES_DIR, DEV_PORTS.postgres);
  if (!url) throw new Error('Set DATABASE_URL, or run `npm start` once so the embedded database exists');
  return url;
}
