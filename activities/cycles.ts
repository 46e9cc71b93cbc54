import type { Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../libs/config/src';
import { CertificationCycle, CycleActivityRecord } from '../libs/db/src';
import { mergeCycleSave, type CycleSave, type CycleView } from '../libs/domain/src';
import { escapeHtml, sendOnce } from '../libs/mail/src';
import { appendEvidence, processBegan, type Evidence } from '../libs/records/src';

export interface CycleActivityDeps {
  db: DataSource;
  mailer: Transporter;
  config: Pick<AppConfig, 'smtp' | 'api'>;
}

export function createCycleActivities({ db, mailer, config }: CycleActivityDeps) {
  return {
    /**
     * Writes where the cycle stands: its row (for the API) and one row per programme activity,
     * dropping planned ones a re-plan removed. The activities that did not change are taken from
     * the stored view (locked), so each save still writes a whole snapshot: a retry or a replay is harmless.
     */
    async saveCycle(save: CycleSave | CycleView): Promise<void> {
      const now = new Date();
      await db.transaction(async (tx) => {
        const id = 'head' in save ? save.head.cycleId : save.cycleId;
        const [stored] = await tx.query<Array<{ view: CycleView }>>(`SELECT view FROM certification_cycles WHERE id = $1 FOR UPDATE`, [id]);
        const view = mergeCycleSave(stored?.view, save);
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
        await tx.getRepository(CertificationCycle).update({ id: view.cycleId }, processBegan);
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
        await appendEvidence(tx, cycleEvidence(view));
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
      await db.transaction(async (tx) => {
        await tx.getRepository(CycleActivityRecord).update({ cycleId: req.cycleId, activityId: req.activityId }, { record: req.record as never, updatedAt: new Date() });
        const kind = req.activityId.split('-')[1] ?? 'programme';
        await appendEvidence(tx, [{ key: `cycle:${req.cycleId}:${req.activityId}:record`, actor: 'ismsflow', process: kind, reference: `${req.cycleId}/${req.activityId}`, kind: 'recorded', payload: req.record }]);
      });
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

/** The cycle's state changes as evidence: each once, however often the cycle saves. */
function cycleEvidence(view: CycleView): Evidence[] {
  const ref = view.cycleId;
  const cycle = (key: string, kind: string, actor: string, payload: unknown, reference = ref): Evidence => ({ key: `cycle:${ref}:${key}`, actor, process: 'certificationCycle', reference, kind, payload });
  return [
    cycle('started', 'started', 'ismsflow', { decisionDate: view.decisionDate ?? null, audits: view.audits.map((a) => ({ kind: a.kind, date: a.date })) }),
    ...view.audits.filter((a) => a.booked && a.status !== 'done').map((a) => cycle(`audit:${a.kind}:booked:${a.date}`, 'auditBooked', 'ismsflow', { kind: a.kind, date: a.date })),
    ...view.audits.flatMap((a) => (a.result ? [cycle(`audit:${a.kind}:result`, 'auditResult', a.result.recordedBy, a.result)] : [])),
    ...view.changes.map((c) => cycle(`change:${c.number}`, 'significantChange', c.recordedBy, c)),
    ...view.activities
      .filter((a) => a.status === 'open' || a.status === 'completed' || a.status === 'cancelled')
      .map((a) => ({
        // The owner completed it; ismsflow started or cancelled it.
        ...cycle(`${a.id}:${a.status}`, a.status === 'open' ? 'activityStarted' : `activity${a.status[0].toUpperCase()}${a.status.slice(1)}`, a.status === 'completed' ? a.owner : 'ismsflow', { kind: a.kind, due: a.due, completedOn: a.completedOn ?? null, summary: a.summary ?? null }, `${ref}/${a.id}`),
        process: a.kind,
      })),
    ...(view.status !== 'running' ? [cycle(`status:${view.status}`, view.status, 'ismsflow', { nextCycleId: view.nextCycleId ?? null })] : []),
  ];
}
