import type { Transporter } from 'nodemailer';
import { In, MoreThan, Not, type DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AppConfig } from '../libs/config/src';
import { NcEntry, Nonconformity } from '../libs/db/src';
import { DAY_MS, type NcStep } from '../libs/domain/src';
import { escapeHtml, sendOnce } from '../libs/mail/src';

export interface NcActivityDeps {
  db: DataSource;
  mailer: Transporter;
  config: Pick<AppConfig, 'smtp' | 'api'>;
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
