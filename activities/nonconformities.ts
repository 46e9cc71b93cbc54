import type { Transporter } from 'nodemailer';
import { In, MoreThan, Not, type DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AppConfig } from '../libs/config/src';
import { NcEntry, Nonconformity } from '../libs/db/src';
import { DAY_MS, type BodyDeadlines, type CorrectiveActionInput, type NcClassification, type NcSource, type NcStep } from '../libs/domain/src';
import { escapeHtml, sendOnce } from '../libs/mail/src';
import { appendEvidence, correctiveActionInput, createNonconformity, ncEvidence, processBegan } from '../libs/records/src';

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
            ...processBegan,
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
     * once per source reference. Every attempt returns the correctiveAction's input until that
     * process has begun, new NC or not: a first attempt may commit and lose its completion, and the
     * caller's idempotent start then still starts the process exactly once. Once it began (its
     * workflow has recorded the NC), no start is returned, even after Temporal has forgotten the run.
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
    }): Promise<{ ncNumber: string; start?: CorrectiveActionInput }> {
      const ismsManager = req.ismsManager ?? config.nc.ismsManager ?? req.owner;
      const { nc } = await createNonconformity(db, { ...req, ismsManager, requestHash: req.sourceRef });
      return nc.processStartedAt ? { ncNumber: nc.id } : { ncNumber: nc.id, start: correctiveActionInput(nc, config, req.timeZone) };
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
