import type { Transporter } from 'nodemailer';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AppConfig } from '../libs/config/src';
import { TaskEvent, TaskLink, TaskRecord } from '../libs/db/src';
import { appendEvidence, insertTaskRecord } from '../libs/records/src';
import { DAY_MS, type HumanTaskInput, type TaskCompletion } from '../libs/domain/src';
import { hashToken, signPersonLink, signTaskLink } from '../libs/security/src';
import { sendOnce, type Mail } from '../libs/mail/src/outbox';
import { renderTaskMail, type TaskMailKind } from '../libs/templates/src';

export interface TaskActivityDeps {
  db: DataSource;
  mailer: Transporter;
  config: Pick<AppConfig, 'smtp' | 'api' | 'tasks'>;
}

/** A dated entry in a task's history; the key makes a retried activity add nothing. */
export async function recordTaskEvent(
  db: EntityManager,
  e: Pick<TaskEvent, 'taskId' | 'key' | 'type' | 'actor'> & { at?: Date; data?: Record<string, unknown> },
): Promise<void> {
  await db
    .createQueryBuilder()
    .insert()
    .into(TaskEvent)
    .values({ ...e, at: e.at ?? new Date(), data: e.data ?? {} } as QueryDeepPartialEntity<TaskEvent>)
    .orIgnore()
    .execute();
  await appendEvidence(db, [{ key: `task:${e.taskId}:${e.key}`, at: e.at, actor: e.actor, process: 'humanTask', reference: e.taskId, kind: e.type, payload: e.data }]);
}

export function createTaskActivities({ db, mailer, config }: TaskActivityDeps) {
  /** A new single-use link for the assignee's current version of the task. */
  async function issueLink(task: TaskRecord, expiresAt: string): Promise<string> {
    const claims = { taskId: task.id, version: task.linkVersion, assignee: task.assignee, expiresAt: new Date(expiresAt) };
    const token = signTaskLink(config.tasks.linkSecret, claims);
    await db.createQueryBuilder().insert().into(TaskLink).values({ ...claims, tokenHash: hashToken(token), createdAt: new Date() }).orIgnore().execute();
    return `${config.api.publicUrl}/t/${token}`;
  }

  const send = (task: TaskRecord, key: string, mail: Mail) => sendOnce(db.manager, mailer, config.smtp.from, `task:${task.id}:${key}`, task.id, mail);

  /** The assignee cannot be mailed: record it once, and tell the escalation contact so someone reassigns it. */
  async function undeliverable(task: TaskRecord, reason: string): Promise<void> {
    await recordTaskEvent(db.manager, { taskId: task.id, key: `undeliverable:${task.assignee}`, type: 'undeliverable', actor: 'ismsflow', data: { to: task.assignee, reason } });
    if (task.escalateTo && task.escalateTo !== task.assignee) {
      await send(task, `undeliverable:${task.assignee}`, renderTaskMail('undeliverable', task, { address: task.escalateTo }));
    }
  }

  return {
    async openTask(input: HumanTaskInput & { workflowId: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await insertTaskRecord(tx, input);
        await recordTaskEvent(tx, {
          taskId: input.taskId,
          key: 'created',
          type: 'created',
          actor: input.createdBy,
          data: { assignee: input.assignee, dueAt: input.dueAt, escalateTo: input.escalateTo ?? null },
        });
      });
    },

    /**
     * Mails the assignee once per key, with their task link; an escalation also mails the escalation
     * contact, separately and with no link of the assignee's. Skipped when the task has closed. A
     * relay that refuses the assignee's address for good is recorded, and the escalation contact is
     * told so the task can be reassigned: the process keeps going.
     */
    async sendTaskMail(req: { taskId: string; kind: TaskMailKind; key: string; linkExpiresAt: string }): Promise<{ sent: boolean; to?: string; rejected?: string }> {
      const task = await db.getRepository(TaskRecord).findOneByOrFail({ id: req.taskId });
      if (task.status !== 'open') return { sent: false };
      const personal = (address: string) => `${config.api.publicUrl}/my/${signPersonLink(config.tasks.linkSecret, address, new Date(Date.now() + 90 * DAY_MS))}`;
      const escalated = req.kind === 'escalation' && !!task.escalateTo;
      const assigneeMail = renderTaskMail(escalated ? 'overdue' : req.kind, task, { address: task.assignee, link: await issueLink(task, req.linkExpiresAt), myTasks: personal(task.assignee) });
      // The contact's escalation keeps the key it always had; the assignee's own notice has its own.
      const sent = await send(task, escalated ? `${req.key}:assignee` : req.key, assigneeMail);
      const contact = escalated ? await send(task, req.key, renderTaskMail('escalation', task, { address: task.escalateTo!, myTasks: personal(task.escalateTo!) })) : undefined;
      await recordTaskEvent(db.manager, {
        taskId: task.id,
        key: `mail:${req.key}`,
        type: req.kind === 'assigned' ? 'mailed' : req.kind === 'escalation' ? 'escalated' : 'reminded',
        actor: 'ismsflow',
        data: { to: task.assignee, escalatedTo: escalated ? task.escalateTo : null, subject: assigneeMail.subject, messageId: sent.messageId, linkVersion: task.linkVersion, ...(sent.rejected ? { rejected: sent.rejected } : {}) },
      });
      if (sent.rejected) await undeliverable(task, sent.rejected);
      return { sent: !sent.alreadySent && !sent.rejected, to: task.assignee, ...(sent.rejected ? { rejected: sent.rejected } : {}), ...(contact?.rejected ? { contactRejected: contact.rejected } : {}) };
    },

    async reassignTask(req: { taskId: string; from: string; to: string; by: string; reason?: string; linkVersion: number }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.getRepository(TaskRecord).update({ id: req.taskId }, { assignee: req.to, linkVersion: req.linkVersion });
        await tx
          .createQueryBuilder()
          .update(TaskLink)
          .set({ revokedAt: () => 'now()' })
          .where('task_id = :id AND version < :v AND revoked_at IS NULL', { id: req.taskId, v: req.linkVersion })
          .execute();
        await recordTaskEvent(tx, {
          taskId: req.taskId,
          key: `reassigned-v${req.linkVersion}`,
          type: 'reassigned',
          actor: req.by,
          data: { from: req.from, to: req.to, reason: req.reason ?? null },
        });
      });
    },

    async completeTask(req: { taskId: string; completion: TaskCompletion; completedAt: string }): Promise<void> {
      const { completion } = req;
      const at = new Date(req.completedAt);
      await db.transaction(async (tx) => {
        await tx.getRepository(TaskRecord).update(
          { id: req.taskId, status: 'open' },
          {
            status: 'completed',
            completedAt: at,
            completedBy: completion.completedBy,
            completedVia: completion.via,
            recordedBy: completion.recordedBy ?? null,
            outcome: completion.outcome,
            notes: completion.notes ?? null,
            evidence: completion.evidence ?? [],
            data: completion.data ?? null,
          },
        );
        // Every outstanding link dies with the task: the one used is marked used, others revoked.
        await tx
          .createQueryBuilder()
          .update(TaskLink)
          .set({ usedAt: at })
          .where('task_id = :id AND version = :v AND used_at IS NULL', { id: req.taskId, v: completion.linkVersion ?? -1 })
          .execute();
        await tx
          .createQueryBuilder()
          .update(TaskLink)
          .set({ revokedAt: at })
          .where('task_id = :id AND used_at IS NULL AND revoked_at IS NULL', { id: req.taskId })
          .execute();
        await recordTaskEvent(tx, {
          taskId: req.taskId,
          key: 'completed',
          type: 'completed',
          actor: completion.completedBy,
          at,
          data: { outcome: completion.outcome, via: completion.via, evidence: completion.evidence ?? [], ...(completion.recordedBy ? { recordedBy: completion.recordedBy } : {}) },
        });
      });
    },

    async cancelTask(req: { taskId: string; reason: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.getRepository(TaskRecord).update({ id: req.taskId, status: 'open' }, { status: 'cancelled' });
        await tx
          .createQueryBuilder()
          .update(TaskLink)
          .set({ revokedAt: () => 'now()' })
          .where('task_id = :id AND used_at IS NULL AND revoked_at IS NULL', { id: req.taskId })
          .execute();
        await recordTaskEvent(tx, { taskId: req.taskId, key: 'cancelled', type: 'cancelled', actor: 'ismsflow', data: { reason: req.reason } });
      });
    },
  };
}
