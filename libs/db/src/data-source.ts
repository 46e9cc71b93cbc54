import { DataSource, type DataSourceOptions, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { ENTITIES } from './entities';
import { Foundation1764000000000 } from './migrations/1764000000000-Foundation';
import { TaskForms1764100000000 } from './migrations/1764100000000-TaskForms';
import { Nonconformities1764200000000 } from './migrations/1764200000000-Nonconformities';
import { Incidents1764300000000 } from './migrations/1764300000000-Incidents';
import { IncidentDeadlines1764400000000 } from './migrations/1764400000000-IncidentDeadlines';
import { Organisations1764500000000 } from './migrations/1764500000000-Organisations';
import { CertificationCycles1764600000000 } from './migrations/1764600000000-CertificationCycles';
import { EvidenceLog1764700000000 } from './migrations/1764700000000-EvidenceLog';
import { Registers1764800000000 } from './migrations/1764800000000-Registers';
import { ApiKeyScopes1764900000000 } from './migrations/1764900000000-ApiKeyScopes';
import { IncidentAwareness1765000000000 } from './migrations/1765000000000-IncidentAwareness';
import { Trust1765100000000 } from './migrations/1765100000000-Trust';
import { ActiveApiKeyNames1765230000000 } from './migrations/1765230000000-ActiveApiKeyNames';
import { Acknowledgements1765700000000 } from './migrations/1765700000000-Acknowledgements';
import { ApiKeyChanges1765300000000 } from './migrations/1765300000000-ApiKeyChanges';
import { ProcessStarts1765400000000 } from './migrations/1765400000000-ProcessStarts';
import { RecordedBy1765500000000 } from './migrations/1765500000000-RecordedBy';
import { PendingStarts1765800000000 } from './migrations/1765800000000-PendingStarts';
import { Improvements1765900000000 } from './migrations/1765900000000-Improvements';
import { DoraWeekendRelief1766000000000 } from './migrations/1766000000000-DoraWeekendRelief';
import { People1765600000000 } from './migrations/1765600000000-People';

export const MIGRATIONS = [Foundation1764000000000, TaskForms1764100000000, Nonconformities1764200000000, Incidents1764300000000, IncidentDeadlines1764400000000, Organisations1764500000000, CertificationCycles1764600000000, EvidenceLog1764700000000, Registers1764800000000, ApiKeyScopes1764900000000, IncidentAwareness1765000000000, Trust1765100000000, ActiveApiKeyNames1765230000000, ApiKeyChanges1765300000000, ProcessStarts1765400000000, RecordedBy1765500000000, People1765600000000, Acknowledgements1765700000000, PendingStarts1765800000000, Improvements1765900000000, DoraWeekendRelief1766000000000];

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // Schema changes go through migrations only.
    synchronize: false,
    migrationsTransactionMode: 'each',
    // A database that does not answer fails a request in seconds instead of hanging it.
    extra: { max: 10, connectionTimeoutMillis: 5000 },
  };
}

const MIGRATION_LOCK = 727001;

/** Brings a database to the current schema; safe to run from several processes at once. */
export async function migrate(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url));
  await ds.initialize();
  const lock = ds.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ran = await ds.runMigrations();
    return ran.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
    await ds.destroy();
  }
}

/**
 * The entity a raw row describes (from `RETURNING *`), converted column by column exactly as a find
 * would: an insert then needs no second query to read back what it wrote.
 */
export function hydrate<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T>, row: Record<string, unknown>): T {
  const meta = db.getMetadata(entity);
  const hydrated = meta.create() as T;
  for (const column of meta.columns) column.setEntityValue(hydrated, db.driver.prepareHydratedValue(row[column.databaseName], column));
  return hydrated;
}
