import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiKey } from '../../db/src';

/** API keys: 256 random bits, shown once, stored as SHA-256 (their entropy makes a slow hash moot). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(
  db: DataSource,
  name: string,
  role: ApiKey['role'],
): Promise<{ id: string; name: string; role: ApiKey['role']; key: string }> {
  const id = randomBytes(6).toString('hex');
  const key = `ifk_${id}_${randomBytes(32).toString('base64url')}`;
  await db.getRepository(ApiKey).insert({ id, name, role, keyHash: hashApiKey(key), createdAt: new Date() });
  return { id, name, role, key };
}

export async function findApiKey(db: DataSource, key: string): Promise<ApiKey | null> {
  const found = await db.getRepository(ApiKey).findOneBy({ keyHash: hashApiKey(key) });
  return found && !found.revokedAt ? found : null;
}
