import type { Transporter } from 'nodemailer';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AppConfig } from '../libs/config/src';
import { TaskEvent, TaskLink, TaskRecord } from '../libs/db/src';
import { appendEvidence } from './evidence';
import { DAY_MS, type HumanTaskInput, type TaskCompletion } from '../libs/domain/src';
import { hashToken, signPersonLink, signTaskLink } from '../libs/security/src';
import { sendOnce } from '../libs/mail/src/outbox';
import { renderTaskMail, type TaskMailKind } from './task-mail';

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

/** The task record as the API and the workflow both create it: whoever comes first writes it. */
export async function insertTaskRecord(
  db: EntityManager,
  input: HumanTaskInput & { workflowId: string },
): Promise<void> {
  await db
    .createQueryBuilder()
    .insert()
    .into(TaskRecord)
    .values({
      id: input.taskId,
      workflowId: input.workflowId,
      process: input.process,
      title: input.title,
      instructions: input.instructions,
      assignee: input.assignee,
      escalateTo: input.escalateTo ?? null,
      externalRef: input.externalRef ?? null,
      dueAt: new Date(input.dueAt),
      status: 'open',
      outcomes: input.outcomes,
      form: input.form ?? null,
      linkVersion: 1,
      createdBy: input.createdBy,
      createdAt: new Date(),
      requestHash: input.requestHash ?? null,
    })
    .orIgnore()
    .execute();
}

export function createTaskActivities({ db, mailer, config }: TaskActivityDeps) {
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

    /** Mails the assignee (or escalation contact) once per key; skipped when the task has closed. */
    async sendTaskMail(req: {
      taskId: string;
      kind: TaskMailKind;
      key: string;
      linkExpiresAt: string;
    }): Promise<{ sent: boolean; to?: string }> {
      const task = await db.getRepository(TaskRecord).findOneByOrFail({ id: req.taskId });
      if (task.status !== 'open') return { sent: false };
      let link: string | undefined;
      if (req.kind !== 'escalation' || !task.escalateTo) {
        const claims = { taskId: task.id, version: task.linkVersion, assignee: task.assignee, expiresAt: new Date(req.linkExpiresAt) };
        const token = signTaskLink(config.tasks.linkSecret, claims);
        await db
          .createQueryBuilder()
          .insert()
          .into(TaskLink)
          .values({ ...claims, tokenHash: hashToken(token), createdAt: new Date() })
          .orIgnore()
          .execute();
        link = `${config.api.publicUrl}/t/${token}`;
      }
      // The recipient's own list of tasks: the link signs their address, valid for 90 days.
      const recipient = req.kind === 'escalation' && task.escalateTo ? task.escalateTo : task.assignee;
      const myTasks = `${config.api.publicUrl}/my/${signPersonLink(config.tasks.linkSecret, recipient, new Date(Date.now() + 90 * DAY_MS))}`;
      const mail = renderTaskMail(req.kind, task, link, myTasks);
      const key = `task:${task.id}:${req.key}`;
      const { messageId, alreadySent } = await sendOnce(db.manager, mailer, config.smtp.from, key, task.id, mail);
      await recordTaskEvent(db.manager, {
        taskId: task.id,
        key: `mail:${req.key}`,
        type: req.kind === 'assigned' ? 'mailed' : req.kind === 'escalation' ? 'escalated' : 'reminded',
        actor: 'ismsflow',
        data: { to: mail.to, cc: mail.cc ?? null, subject: mail.subject, messageId, linkVersion: task.linkVersion },
      });
      return { sent: !alreadySent, to: mail.to };
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
          data: { outcome: completion.outcome, via: completion.via, evidence: completion.evidence ?? [] },
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
