import path from 'node:path';
import { PROJECT_ROOT } from './binaries';
import { embeddedDatabaseUrl } from './postgres';

/** Where `npm start` keeps its state, so the admin scripts can find it. */
export const DEV_DATA_DIR = path.join(PROJECT_ROOT, '.data');
export const DEV_POSTGRES_DIR = path.join(DEV_DATA_DIR, 'postgres');
export const DEV_POSTGRES_PORT = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);

/** DATABASE_URL, else the embedded database `npm start` runs. */
export function devDatabaseUrl(): string {
  const url = process.env.DATABASE_URL ?? embeddedDatabaseUrl(DEV_POSTGRES_DIR, DEV_POSTGRES_PORT);
  if (!url) throw new Error('Set DATABASE_URL, or run `npm start` once so the embedded database exists');
  return url;
}
