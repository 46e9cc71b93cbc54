import type { Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../libs/config/src';
import { CertificationCycle, CycleActivityRecord } from '../libs/db/src';
import type { CycleView } from '../libs/domain/src';
import { escapeHtml, sendOnce } from '../libs/mail/src';

export interface CycleActivityDeps {
  db: DataSource;
  mailer: Transporter;
  config: Pick<AppConfig, 'smtp' | 'api'>;
}

export function createCycleActivities({ db, mailer, config }: CycleActivityDeps) {
  return {
    /**
     * Writes where the cycle stands: its row (for the API) and one row per programme activity,
     * dropping planned ones a re-plan removed. A whole snapshot, so a retry or a replay is harmless.
     */
    async saveCycle(view: CycleView): Promise<void> {
      const now = new Date();
      await db.transaction(async (tx) => {
        await tx
          .createQueryBuilder()
          .insert()
          .into(CertificationCycle)
          .values({
            id: view.cycleId,
            organisationId: view.organisation.id,
            decisionDate: view.decisionDate ?? null,
            workflowId: view.workflowId,
            status: view.status,
            nextAuditKind: view.nextAudit?.kind ?? null,
            nextAuditDate: view.nextAudit?.date ?? null,
            // A cycle its predecessor started was not requested over the API.
            request: { startedBy: 'certificationCycle' },
            view,
            createdAt: now,
            updatedAt: now,
          })
          .orUpdate(['decision_date', 'status', 'next_audit_kind', 'next_audit_date', 'view', 'updated_at'], ['id'])
          .execute();
        const rows = view.activities.map((a) => ({
          cycleId: view.cycleId,
          activityId: a.id,
          kind: a.kind,
          forAudit: a.forAudit,
          due: a.due,
          status: a.status,
          owner: a.owner,
          workflowId: a.workflowId ?? null,
          completedOn: a.completedOn ?? null,
          summary: a.summary ?? null,
          updatedAt: now,
        }));
        await tx.query(`DELETE FROM cycle_activities WHERE cycle_id = $1 AND NOT (activity_id = ANY($2))`, [view.cycleId, rows.map((r) => r.activityId)]);
        if (rows.length) {
          await tx
            .createQueryBuilder()
            .insert()
            .into(CycleActivityRecord)
            .values(rows)
            .orUpdate(['kind', 'for_audit', 'due', 'status', 'owner', 'workflow_id', 'completed_on', 'summary', 'updated_at'], ['cycle_id', 'activity_id'])
            .execute();
        }
      });
    },

    /** What the people of one programme activity recorded: the evidence an auditor samples. */
    async recordProgrammeActivity(req: { cycleId: string; activityId: string; record: Record<string, unknown> }): Promise<void> {
      await db.getRepository(CycleActivityRecord).update({ cycleId: req.cycleId, activityId: req.activityId }, { record: req.record as never, updatedAt: new Date() });
    },

    /** A notice about the cycle (readiness report, audit result reminder, next cycle), sent once per key. */
    async notifyCycle(req: { cycleId: string; key: string; to: string[]; subject: string; text: string }): Promise<void> {
      const link = `${config.api.publicUrl}/certification-cycles/${encodeURIComponent(req.cycleId)}`;
      const text = `${req.text}\n\nThe cycle: ${link}`;
      await sendOnce(db.manager, mailer, config.smtp.from, `cycle:${req.cycleId}:${req.key}`, null, {
        to: req.to.join(', '),
        subject: `[ismsflow] ${req.subject}`,
        text,
        html: `<p style="white-space:pre-wrap">${escapeHtml(text)}</p>`,
      });
    },
  };
}
