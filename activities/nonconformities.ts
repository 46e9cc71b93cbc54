import type { Transporter } from 'nodemailer';
import { In, MoreThan, Not, type DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AppConfig } from '../libs/config/src';
import { NcEntry, Nonconformity } from '../libs/db/src';
import { DAY_MS, ncNumber, type BodyDeadlines, type CorrectiveActionInput, type NcClassification, type NcSource, type NcStep } from '../libs/domain/src';
import { escapeHtml, sendOnce } from '../libs/mail/src';
import { appendEvidence, type Evidence } from './evidence';

export interface NcActivityDeps {
  db: DataSource;
  mailer: Transporter;
  config: Pick<AppConfig, 'smtp' | 'api' | 'nc' | 'tasks' | 'timeZone'>;
}

/** One dated line of an NC's timeline, and where the NC now stands. */
export interface NcProgress {
  ncNumber: string;
  status: NcStep;
  round: number;
  stepDueAt?: string;
  entry?: { key: string; kind: string; actor: string; at: string; data?: Record<string, unknown> };
  closed?: { at: string; by: string };
  deadlineMissedAt?: string;
  owner?: string;
}

export function createNcActivities({ db, mailer, config }: NcActivityDeps) {
  return {
    /** Appends the entry (once, by key) and moves the NC's status, in one transaction. */
    async recordNcProgress(p: NcProgress): Promise<void> {
      await db.transaction(async (tx) => {
        if (p.entry) {
          await tx
            .createQueryBuilder()
            .insert()
            .into(NcEntry)
            .values({ ncId: p.ncNumber, round: p.round, ...p.entry, at: new Date(p.entry.at), data: p.entry.data ?? {} } as QueryDeepPartialEntity<NcEntry>)
            .orIgnore()
            .execute();
          await appendEvidence(tx, [ncEvidence(p.ncNumber, p.entry)]);
        }
        await tx.getRepository(Nonconformity).update(
          { id: p.ncNumber },
          {
            status: p.status,
            round: p.round,
            ...(p.stepDueAt !== undefined ? { stepDueAt: new Date(p.stepDueAt) } : {}),
            ...(p.closed ? { closedAt: new Date(p.closed.at), closedBy: p.closed.by, stepDueAt: null } : {}),
            ...(p.deadlineMissedAt ? { deadlineMissedAt: new Date(p.deadlineMissedAt) } : {}),
            ...(p.owner ? { owner: p.owner } : {}),
          },
        );
      });
    },

    /** Open NCs, and those closed in the last year, on the same requirement: the root-cause page lists them. */
    async similarNonconformities(req: { ncNumber: string; requirement: string }): Promise<string> {
      const rows = await db.getRepository(Nonconformity).find({
        where: [
          { requirement: req.requirement, id: Not(req.ncNumber), status: Not(In(['closed', 'cancelled'])) },
          { requirement: req.requirement, id: Not(req.ncNumber), closedAt: MoreThan(new Date(Date.now() - 365 * DAY_MS)) },
        ],
        order: { raisedAt: 'DESC' },
        take: 10,
      });
      return rows.map((r) => `${r.id} (${r.status}, raised ${r.raisedAt.toISOString().slice(0, 10)}): ${r.description}`).join('\n');
    },

    /**
     * A nonconformity a process found (a failed control in an incident, an audit finding), raised
     * once per source reference. Every attempt returns the correctiveAction's input, new NC or not:
     * a first attempt may commit and lose its completion, and the caller's idempotent start then
     * still starts the process exactly once.
     */
    async raiseNonconformity(req: {
      source: NcSource;
      sourceRef: string;
      requirement: string;
      description: string;
      classification: NcClassification;
      owner: string;
      raisedBy: string;
      ismsManager?: string;
      deadlines?: BodyDeadlines;
      /** The raising organisation's time zone (a certification cycle's); ORGANISATION_TIME_ZONE otherwise. */
      timeZone?: string;
    }): Promise<{ ncNumber: string; start: CorrectiveActionInput }> {
      const ismsManager = req.ismsManager ?? config.nc.ismsManager ?? req.owner;
      const { timeZone, ...fields } = req;
      const { nc } = await createNonconformity(db, { ...fields, ismsManager, requestHash: req.sourceRef });
      return { ncNumber: nc.id, start: correctiveActionInput(nc, config, timeZone) };
    },

    /** A notice about an NC (deadline warning, missed deadline), sent once per key. */
    async notifyNc(req: { ncNumber: string; key: string; to: string; subject: string; text: string }): Promise<void> {
      const link = `${config.api.publicUrl}/nonconformities/${req.ncNumber}`;
      const text = `${req.text}\n\n${req.ncNumber}: ${link}`;
      await sendOnce(db.manager, mailer, config.smtp.from, `nc:${req.ncNumber}:${req.key}`, null, {
        to: req.to,
        subject: `[ismsflow] ${req.ncNumber}: ${req.subject}`,
        text,
        html: `<p style="white-space:pre-wrap">${escapeHtml(text)}</p>`,
      });
    },
  };
}

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
      const year = new Date().getUTCFullYear();
      const [{ last }]: Array<{ last: number }> = await tx.query(
        `INSERT INTO nc_counters (year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET last = nc_counters.last + 1 RETURNING last`,
        [year],
      );
      const id = ncNumber(year, last);
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

function ncEvidence(ncNumber: string, entry: { key: string; kind: string; actor: string; at: string | Date; data?: Record<string, unknown> }): Evidence {
  return { key: `nc:${ncNumber}:${entry.key}`, at: new Date(entry.at), actor: entry.actor, process: 'correctiveAction', reference: ncNumber, kind: entry.kind, payload: entry.data };
}

/** What the correctiveAction workflow of a recorded NC starts with. */
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
    timeZone: timeZone ?? config.timeZone,
  };
}
