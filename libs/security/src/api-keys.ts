import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiKey, hydrate } from '../../db/src';

/** API keys: 256 random bits, shown once, stored as SHA-256 (their entropy makes a slow hash moot). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What a key may do: `read` (every GET), `<area>:write` (changes in one area), `admin` (everything). */
export const SCOPES = ['read', 'tasks:write', 'incidents:write', 'nonconformities:write', 'certification:write', 'registers:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
/** A ticketing integration's usual needs, unless it is given others. */
export const DEFAULT_INTEGRATION_SCOPES: Scope[] = ['read', 'tasks:write', 'incidents:write', 'nonconformities:write'];

export function hasScope(key: Pick<ApiKey, 'role' | 'scopes'>, needed: Scope): boolean {
  return key.role === 'admin' || key.scopes.includes('admin') || key.scopes.includes(needed);
}

export async function createApiKey(
  db: DataSource,
  name: string,
  role: ApiKey['role'],
  scopes: Scope[] = role === 'admin' ? ['admin'] : DEFAULT_INTEGRATION_SCOPES,
): Promise<{ id: string; name: string; role: ApiKey['role']; scopes: Scope[]; key: string }> {
  const id = randomBytes(6).toString('hex');
  const key = `ifk_${id}_${randomBytes(32).toString('base64url')}`;
  await db.getRepository(ApiKey).insert({ id, name, role, scopes, keyHash: hashApiKey(key), createdAt: new Date() });
  return { id, name, role, scopes, key };
}

/** The key, unless unknown or revoked. On every API request: one indexed lookup, without the query builder's cost. */
export async function findApiKey(db: DataSource, key: string): Promise<ApiKey | null> {
  const [row] = await db.query<Array<Record<string, unknown>>>('SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [hashApiKey(key)]);
  return row ? hydrate(db, ApiKey, row) : null;
}

/**
 * An admin's dashboard session: `<key id>.<expiry>.<signature>` in an HttpOnly, SameSite=Strict
 * cookie after signing in with an admin API key. Checked against the key on every request, so
 * revoking the key ends its sessions.
 */
export function signSession(secret: string, keyId: string, expiresAt: Date): string {
  const expiry = Math.floor(expiresAt.getTime() / 1000);
  return `${keyId}.${expiry}.${createHmac('sha256', secret).update(`session|${keyId}|${expiry}`).digest('base64url')}`;
}

export async function findSessionKey(db: DataSource, secret: string, session: string | undefined, now = Date.now()): Promise<ApiKey | null> {
  const m = /^([0-9a-f]{1,40})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(session ?? '');
  if (!m || Number(m[2]) * 1000 < now) return null;
  const expected = Buffer.from(signSession(secret, m[1], new Date(Number(m[2]) * 1000)));
  const given = Buffer.from(session!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const key = await db.getRepository(ApiKey).findOneBy({ id: m[1] });
  return key && !key.revokedAt && key.role === 'admin' ? key : null;
}
