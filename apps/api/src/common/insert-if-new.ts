import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/** Inserts the row unless one with the same key exists; true when it was new (a register row is never overwritten). */
export async function insertIfNew<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, values: QueryDeepPartialEntity<T>, keyColumn: string): Promise<boolean> {
  const result = await manager.createQueryBuilder().insert().into(entity).values(values).orIgnore().returning(keyColumn).execute();
  return (result.raw as unknown[]).length > 0;
}
