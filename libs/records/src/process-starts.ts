import type { Client } from '@temporalio/client';
import { In, IsNull, LessThan, type DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { AcknowledgementRound, CertificationCycle, Incident, Nonconformity } from '../../db/src';
import type { ProcessStart, ProcessType } from '../../temporal/src/processes';
import { startProcess } from '../../temporal/src/start-process';
import { GroupCommit } from './group-commit';

/** The records that each own one process: the business fact the process runs for. */
export type ProcessOwner = typeof Incident | typeof Nonconformity | typeof CertificationCycle | typeof AcknowledgementRound;

/**
 * The column value that records a process began, the first time only. The API sets it after a
 * start; the workflows' own record activities set it too, so a start whose acknowledgement was lost
 * is still known.
 */
export const processBegan = { processStartedAt: () => 'coalesce(process_started_at, now())' } as const;

/**
 * Starts the row's process unless it has begun: the database, not Temporal, is what remembers a
 * process ran, because Temporal forgets a closed run once its retention has passed and would then
 * start it again from the beginning (re-triage a closed incident, reopen a cancelled NC). A row
 * whose start failed is started by the next try, which is how a retry converges.
 */
export async function startOwnedProcess<K extends ProcessType>(
  db: EntityManager,
  client: Client,
  taskQueue: string,
  owner: ProcessOwner,
  row: { id: string; processStartedAt: Date | null },
  start: ProcessStart<K>,
): Promise<void> {
  if (row.processStartedAt) return;
  await startProcess(client, taskQueue, start);
  await beganMarks(db.connection, owner).add(row.id);
}

/** The marks after starts, per database and record kind: under load one UPDATE marks many starts. */
const marks = new WeakMap<DataSource, Map<ProcessOwner, GroupCommit<string>>>();
function beganMarks(db: DataSource, owner: ProcessOwner): GroupCommit<string> {
  const byOwner = marks.get(db) ?? marks.set(db, new Map()).get(db)!;
  let batch = byOwner.get(owner);
  if (!batch) byOwner.set(owner, (batch = new GroupCommit((ids) => db.getRepository(owner).update({ id: In(ids) }, processBegan))));
  return batch;
}

/** How long a row may wait for its process before the sweep starts it: far longer than any request takes. */
export const PENDING_START_AFTER_MS = 60_000;

/** The column each kind of row is dated by. */
type DatedBy = 'raisedAt' | 'reportedAt' | 'createdAt';

/**
 * Starts the process of every row that has not begun though it was written more than
 * PENDING_START_AFTER_MS before `now` (dated by `datedBy`): a start lost when the API stopped between
 * the row and the start, and no client asked again. Oldest first, a page of 100 at a time, at most 50
 * pages a sweep. A row that fails (its input no longer valid, Temporal down) stays and is stepped
 * over (the next page skips past the failures), so rows that cannot start never hold up the rest.
 */
export async function startNotBegun<T extends InstanceType<ProcessOwner>>(
  db: EntityManager,
  owner: { new (): T },
  datedBy: DatedBy,
  now: number,
  start: (row: T) => Promise<void>,
  also: FindOptionsWhere<T> = {},
): Promise<PendingStartsResult> {
  const where = { ...also, processStartedAt: IsNull(), [datedBy]: LessThan(new Date(now - PENDING_START_AFTER_MS)) } as FindOptionsWhere<T>;
  const result: PendingStartsResult = { started: [], failed: [] };
  for (let page = 0; page < 50; page++) {
    const rows = await db.getRepository(owner).find({ where, order: { [datedBy]: 'ASC', id: 'ASC' } as never, take: 100, skip: result.failed.length });
    for (const row of rows) {
      try {
        await start(row);
        result.started.push(row.id);
      } catch (err) {
        result.failed.push({ id: row.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (rows.length < 100) break;
  }
  return result;
}

export interface PendingStartsResult {
  started: string[];
  failed: Array<{ id: string; error: string }>;
}
