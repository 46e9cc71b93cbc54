import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../../config/src';
import { NcEntry, Nonconformity } from '../../db/src';
import { ncNumber, type BodyDeadlines, type CorrectiveActionInput, type NcClassification, type NcSource } from '../../domain/src';
import { appendEvidence, type Evidence } from './evidence';
import { nextOfYear } from './numbering';

/**
 * Nonconformities as records: raising one (numbered, once per key or source reference), its
 * evidence lines, and what its correctiveAction workflow starts with. The API and the activities
 * that raise NCs (incident reviews, audits) both write them here.
 */
export interface NewNonconformity {
  source: NcSource;
  sourceRef?: string;
  requirement: string;
  description: string;
  evidence?: string[];
  classification: NcClassification;
  owner: string;
  ismsManager: string;
  reviewer?: string;
  deadlines?: BodyDeadlines;
  raisedBy: string;
  idempotencyKey?: string;
  requestHash: string;
  /** The raising organisation's calendar, when not ORGANISATION_TIME_ZONE's. */
  timeZone?: string;
}

/** The NC with the same idempotency key, or the same source reference, if one was raised. */
export async function findNonconformity(db: EntityManager, key: string | null | undefined, source: string, sourceRef?: string): Promise<Nonconformity | null> {
  const repo = db.getRepository(Nonconformity);
  return (key ? await repo.findOneBy({ idempotencyKey: key }) : null) ?? (sourceRef ? await repo.findOneBy({ source, sourceRef }) : null);
}

/**
 * Records a new NC under the next number of the year, with its "raised" entry, unless the same
 * key or source reference already raised one (then that one is returned, `created` false).
 */
export async function createNonconformity(db: DataSource, n: NewNonconformity): Promise<{ nc: Nonconformity; created: boolean }> {
  const existing = await findNonconformity(db.manager, n.idempotencyKey, n.source, n.sourceRef);
  if (existing) return { nc: existing, created: false };
  try {
    const nc = await db.transaction(async (tx) => {
      const { year, sequence } = await nextOfYear(tx, 'nc_counters');
      const id = ncNumber(year, sequence);
      const row = tx.getRepository(Nonconformity).create({
        id,
        workflowId: `nc:${id}`,
        source: n.source,
        sourceRef: n.sourceRef ?? null,
        requirement: n.requirement,
        description: n.description,
        evidence: n.evidence ?? [],
        classification: n.classification,
        owner: n.owner,
        ismsManager: n.ismsManager,
        reviewer: n.reviewer ?? n.ismsManager,
        status: 'correction',
        round: 1,
        planDueAt: n.deadlines?.planDueAt ? new Date(n.deadlines.planDueAt) : null,
        closeBy: n.deadlines?.closeBy ? new Date(n.deadlines.closeBy) : null,
        raisedAt: new Date(),
        raisedBy: n.raisedBy,
        idempotencyKey: n.idempotencyKey ?? null,
        requestHash: n.requestHash,
        timeZone: n.timeZone ?? null,
      });
      await tx.getRepository(Nonconformity).insert(row);
      const raised = { key: 'raised', kind: 'raised', at: row.raisedAt, actor: n.raisedBy, data: { source: n.source, sourceRef: n.sourceRef ?? '', classification: n.classification, owner: n.owner } };
      await tx.getRepository(NcEntry).insert({ ncId: id, round: 1, ...raised });
      await appendEvidence(tx, [ncEvidence(id, raised)]);
      return row;
    });
    return { nc, created: true };
  } catch (err) {
    // Raced by the same request: the other one's NC is this one.
    const raced = await findNonconformity(db.manager, n.idempotencyKey, n.source, n.sourceRef);
    if (raced) return { nc: raced, created: false };
    throw err;
  }
}

export function ncEvidence(ncNumber: string, entry: { key: string; kind: string; actor: string; at: string | Date; data?: Record<string, unknown> }): Evidence {
  return { key: `nc:${ncNumber}:${entry.key}`, at: new Date(entry.at), actor: entry.actor, process: 'correctiveAction', reference: ncNumber, kind: entry.kind, payload: entry.data };
}

/** What the correctiveAction workflow of a recorded NC starts with. */
/** `timeZone`: the raiser's calendar, for an NC stored before NCs kept their own. */
export function correctiveActionInput(nc: Nonconformity, config: Pick<AppConfig, 'nc' | 'tasks' | 'timeZone'>, timeZone?: string): CorrectiveActionInput {
  return {
    ncNumber: nc.id,
    source: nc.source as NcSource,
    sourceRef: nc.sourceRef ?? undefined,
    requirement: nc.requirement,
    description: nc.description,
    evidence: nc.evidence,
    classification: nc.classification as NcClassification,
    owner: nc.owner,
    ismsManager: nc.ismsManager,
    reviewer: nc.reviewer,
    raisedAt: nc.raisedAt.toISOString(),
    raisedBy: nc.raisedBy,
    deadlines: { planDueAt: nc.planDueAt?.toISOString(), closeBy: nc.closeBy?.toISOString() },
    policy: config.nc.policy,
    taskPolicy: config.tasks.policy,
    timeZone: nc.timeZone ?? timeZone ?? config.timeZone,
  };
}
