import type { DataSource, EntityManager } from 'typeorm';
import { Improvement } from '../../db/src';
import { improvementNumber, type ImprovementOutcome, type ImprovementSource } from '../../domain/src';
import { appendEvidence } from './evidence';
import { nextOfYear } from './numbering';

export interface NewImprovement {
  title: string;
  description: string;
  source: ImprovementSource;
  /** The record it came from: raising it again from there finds the one there is. */
  sourceRef?: string;
  owner: string;
  dueOn?: string;
  raisedBy: string;
  /** A client's Idempotency-Key: a retry with it is the same improvement. */
  idempotencyKey?: string;
}

/** The improvement raised with the same Idempotency-Key, or from the same source reference, if there is one. */
async function findRaised(db: EntityManager, n: Pick<NewImprovement, 'idempotencyKey' | 'source' | 'sourceRef'>): Promise<Improvement | null> {
  const repo = db.getRepository(Improvement);
  return (n.idempotencyKey ? await repo.findOneBy({ idempotencyKey: n.idempotencyKey }) : null) ?? (n.sourceRef ? await repo.findOneBy({ source: n.source, sourceRef: n.sourceRef }) : null);
}

/**
 * Records an opportunity for improvement under the next number of the year, logged as evidence;
 * the same Idempotency-Key or source reference again (a retried activity, a repeated request) is the one there is.
 */
export async function raiseImprovement(db: DataSource, n: NewImprovement): Promise<{ improvement: Improvement; created: boolean }> {
  const existing = await findRaised(db.manager, n);
  if (existing) return { improvement: existing, created: false };
  try {
    const improvement = await db.transaction(async (tx) => {
      const { year, sequence } = await nextOfYear(tx, 'improvement_counters');
      const row = tx.getRepository(Improvement).create({
        id: improvementNumber(year, sequence),
        title: n.title,
        description: n.description,
        source: n.source,
        sourceRef: n.sourceRef ?? null,
        owner: n.owner,
        dueOn: n.dueOn ?? null,
        status: 'open',
        outcome: null,
        decidedOn: null,
        decidedBy: null,
        recordedBy: null,
        raisedBy: n.raisedBy,
        raisedAt: new Date(),
        idempotencyKey: n.idempotencyKey ?? null,
      });
      await tx.getRepository(Improvement).insert(row);
      await appendEvidence(tx, [{ key: `improvement:${row.id}:raised`, at: row.raisedAt, actor: n.raisedBy, process: 'improvements', reference: row.id, kind: 'improvementRaised', payload: n }]);
      return row;
    });
    return { improvement, created: true };
  } catch (err) {
    // Raced by the same request: the other one's improvement is this one.
    const raced = await findRaised(db.manager, n);
    if (raced) return { improvement: raced, created: false };
    throw err;
  }
}

/**
 * What became of an open improvement, once: `done` (what was changed) or `rejected` (why not).
 * Returns false when it was already decided; a decision is never overwritten.
 */
export async function decideImprovement(db: DataSource, id: string, d: { outcome: ImprovementOutcome; summary: string; decidedOn: string; decidedBy: string; recordedBy?: string }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [rows] = await tx.query<[Array<{ id: string }>, number]>(
      `UPDATE improvements SET status = $2, outcome = $3, decided_on = $4, decided_by = $5, recorded_by = $6 WHERE id = $1 AND status = 'open' RETURNING id`,
      [id, d.outcome, d.summary, d.decidedOn, d.decidedBy, d.recordedBy ?? null],
    );
    if (!rows.length) return false;
    await appendEvidence(tx, [{ key: `improvement:${id}:decided`, actor: d.decidedBy, process: 'improvements', reference: id, kind: 'improvementDecided', payload: d }]);
    return true;
  });
}
