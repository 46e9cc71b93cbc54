import { createHash, randomBytes } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import { ApiKey, DashboardSession, hydrate } from '../../db/src';

/** API keys: 256 random bits, shown once, stored as SHA-256 (their entropy makes a slow hash moot). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * What a key may do: `read` (every GET), `<area>:write` (changes in one area), `on-behalf` (name the
 * person who did something, e.g. a task's `completedBy`, instead of being recorded as the doer
 * itself; the record then shows both), `admin` (everything).
 */
export const SCOPES = ['read', 'tasks:write', 'incidents:write', 'nonconformities:write', 'certification:write', 'registers:write', 'on-behalf', 'admin'] as const;
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
 * An admin's dashboard session after signing in with an admin API key: 256 random bits in an
 * HttpOnly, SameSite=Strict cookie, stored only as its SHA-256. Signing out ends it on the server, so
 * a copied cookie stops working too; revoking the key ends all of its sessions.
 */
export async function startSession(db: DataSource, keyId: string, expiresAt: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.getRepository(DashboardSession).insert({ id: hashApiKey(token), keyId, createdAt: new Date(), expiresAt });
  return token;
}

export async function findSessionKey(db: DataSource, token: string | undefined, now = new Date()): Promise<ApiKey | null> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const session = await db.getRepository(DashboardSession).findOneBy({ id: hashApiKey(token) });
  if (!session || session.endedAt || session.expiresAt <= now) return null;
  const key = await db.getRepository(ApiKey).findOneBy({ id: session.keyId });
  return key && !key.revokedAt && key.role === 'admin' ? key : null;
}

export async function endSession(db: DataSource, token: string | undefined): Promise<void> {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return;
  await db.getRepository(DashboardSession).update({ id: hashApiKey(token), endedAt: IsNull() }, { endedAt: new Date() });
}
