import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tells every API process when a key changes in a way that matters for access (revoked, deleted, its
 * role, scopes or name changed), on the channel `api_keys_changed` with the key's hash: the API's key
 * cache drops it, however the change was made (`npm run apikey`, SQL, a restore). Its last use alone
 * is no change.
 */
export class ApiKeyChanges1765300000000 implements MigrationInterface {
  name = 'ApiKeyChanges1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION api_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('api_keys_changed', OLD.key_hash);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER api_keys_changed AFTER UPDATE ON api_keys FOR EACH ROW
      WHEN ((OLD.revoked_at, OLD.role, OLD.scopes, OLD.name, OLD.key_hash) IS DISTINCT FROM (NEW.revoked_at, NEW.role, NEW.scopes, NEW.name, NEW.key_hash))
      EXECUTE FUNCTION api_keys_changed()`);
    await q.query(`CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION api_keys_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER api_keys_deleted ON api_keys`);
    await q.query(`DROP TRIGGER api_keys_changed ON api_keys`);
    await q.query(`DROP FUNCTION api_keys_changed()`);
  }
}
