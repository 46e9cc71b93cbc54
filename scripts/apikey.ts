/**
 * `npm run apikey -- create <name> [--role admin|integration] [--scopes read,tasks:write,...]`, `list`, `revoke <name>`.
 * Works on DATABASE_URL, else on the embedded database of `npm start` (which must be running).
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource, IsNull } from 'typeorm';
import { ApiKey, dataSourceOptions } from '../libs/db/src';
import { devDatabaseUrl } from '../libs/devstack/src/dev-paths';
import { createApiKey, SCOPES, type Scope } from '../libs/security/src';

const USAGE = `usage: npm run apikey -- create <name> [--role admin|integration] [--scopes ${SCOPES.join(',')}] | list | revoke <name>`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { role: { type: 'string', default: 'integration' }, scopes: { type: 'string' } } });
  const [command, name] = positionals;
  if (values.role !== 'admin' && values.role !== 'integration') return fail(`--role must be admin or integration\n${USAGE}`);
  const scopes = values.scopes?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = scopes?.filter((s) => !(SCOPES as readonly string[]).includes(s)) ?? [];
  if (unknown.length) return fail(`unknown scopes: ${unknown.join(', ')}\n${USAGE}`);
  const db = new DataSource(dataSourceOptions(devDatabaseUrl()));
  await db.initialize();
  try {
    const keys = db.getRepository(ApiKey);
    if (command === 'create' && name) {
      // Unique among the keys in use: a revoked key's name may be given again.
      const taken = () => fail(`an API key named "${name}" is in use (revoke it first to replace it)`);
      if (await keys.existsBy({ name, revokedAt: IsNull() })) return taken();
      const created = await createApiKey(db, name, values.role, scopes as Scope[] | undefined).catch((err: unknown) => {
        if ((err as { driverError?: { code?: string } }).driverError?.code === '23505') return undefined; // created meanwhile
        throw err;
      });
      if (!created) return taken();
      console.log(`API key "${created.name}" (id ${created.id}, ${created.role}: ${created.scopes.join(', ')}), shown only now:\n${created.key}`);
      return 0;
    }
    if (command === 'list') {
      // The id tells apart keys that had the same name; the audit log records it with every call.
      for (const k of await keys.find({ order: { createdAt: 'ASC' } })) {
        console.log(`${k.name}\tid ${k.id}\t${k.role}\t${k.scopes.join(',')}\tcreated ${k.createdAt.toISOString()}\tlast used ${k.lastUsedAt?.toISOString() ?? 'never'}${k.revokedAt ? `\trevoked ${k.revokedAt.toISOString()}` : ''}`);
      }
      return 0;
    }
    if (command === 'revoke' && name) {
      const { affected } = await keys.update({ name, revokedAt: IsNull() }, { revokedAt: new Date() });
      return affected ? (console.log(`revoked "${name}"`), 0) : fail(`no active API key named "${name}"`);
    }
    return fail(USAGE);
  } finally {
    await db.destroy();
  }
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
