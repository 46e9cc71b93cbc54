import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { insertTaskRecord } from '../../../../libs/records/src';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { TaskEvent, TaskLink, TaskRecord } from '../../../../libs/db/src';
import { completionErrors, type FormData, type HumanTaskInput, type HumanTaskResult, type TaskCompletion } from '../../../../libs/domain/src';
import { hashToken, hasScope, newTaskId, parseTaskLink, taskIdForIdempotencyKey, verifyTaskLink, type Scope } from '../../../../libs/security/src';
import { completeTaskUpdate, reassignTaskUpdate } from '../../../../libs/temporal/src/definitions';
import { processStarts } from '../../../../libs/temporal/src/processes';
import { startProcess } from '../../../../libs/temporal/src/start-process';
import { temporalUiLink } from '../../../../libs/temporal/src/client';
import { TEMPORAL_CLIENT } from '../../../../libs/temporal/src/temporal.module';
import { acting } from '../auth/acting';
import type { Caller } from '../auth/api-key.guard';
import type { LinkProblem } from '../../../../libs/templates/src';
import { ProblemException } from '../common/problem';
import { sendUpdate } from '../common/temporal-errors';
import type { CompleteTaskDto, CreateTaskDto, ListTasksQuery, ReassignTaskDto } from './dto/task.dto';

export type TaskJson = ReturnType<TasksService['toJson']>;

/** The scope a process's own changes need; a task's steps need the same. */
function processScope(process: string): Scope {
  if (process === 'correctiveAction') return 'nonconformities:write';
  if (process === 'incidentResponse') return 'incidents:write';
  if (process === 'adHoc') return 'tasks:write';
  // Everything else is a step of a certification cycle's programme.
  return 'certification:write';
}


export class TaskLinkError extends Error {
  constructor(readonly reason: LinkProblem) {
    super(reason);
  }
}

@Injectable()
export class TasksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts the task's workflow; the same Idempotency-Key from the same caller gives the same task. */
  async create(dto: CreateTaskDto, caller: Caller, idempotencyKey?: string): Promise<{ task: TaskJson; created: boolean }> {
    const requestHash = createHash('sha256').update(JSON.stringify(dto)).digest('hex');
    const taskId = idempotencyKey ? taskIdForIdempotencyKey(caller.id ?? caller.name, idempotencyKey) : newTaskId();
    const existing = await this.db.getRepository(TaskRecord).findOneBy({ id: taskId });
    if (existing) {
      if (existing.requestHash !== requestHash) {
        throw new ProblemException(422, 'This Idempotency-Key was already used for a different request', [
          { field: 'Idempotency-Key', message: 'reuse a key only to retry the very same request' },
        ]);
      }
      return { task: this.toJson(existing), created: false };
    }
    const input: HumanTaskInput = {
      taskId,
      title: dto.title,
      instructions: dto.instructions,
      assignee: dto.assignee,
      dueAt: new Date(dto.dueAt).toISOString(),
      escalateTo: dto.escalateTo,
      externalRef: dto.externalRef,
      process: 'adHoc',
      outcomes: dto.outcomes ?? ['done'],
      policy: this.config.tasks.policy,
      createdBy: caller.name,
      requestHash,
    };
    const start = processStarts.task(input);
    await startProcess(this.temporal, this.config.temporal.taskQueue, start);
    // The workflow writes the record too; writing it here means it can be read the moment we answer.
    // Both carry the request's hash, so a retry after we died right here is still the same request.
    await insertTaskRecord(this.db.manager, { ...input, workflowId: start.workflowId });
    return { task: this.toJson(await this.db.getRepository(TaskRecord).findOneByOrFail({ id: taskId })), created: true };
  }

  async get(id: string): Promise<TaskJson & { history: Array<Pick<TaskEvent, 'type' | 'at' | 'actor' | 'data'>> }> {
    const task = await this.find(id);
    const events = await this.db.getRepository(TaskEvent).find({ where: { taskId: id }, order: { at: 'ASC', id: 'ASC' } });
    return { ...this.toJson(task), history: events.map(({ type, at, actor, data }) => ({ type, at, actor, data })) };
  }

  async list(q: ListTasksQuery): Promise<{ items: TaskJson[]; limit: number; offset: number }> {
    const rows = await this.db.getRepository(TaskRecord).find({
      where: { ...(q.assignee ? { assignee: q.assignee } : {}), ...(q.status ? { status: q.status } : {}) },
      order: { dueAt: 'ASC', id: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    return { items: rows.map((r) => this.toJson(r)), limit: q.limit, offset: q.offset };
  }

  /**
   * Completion by a ticketing system (API key). The key is who did it: naming someone else in
   * `completedBy` needs the `on-behalf` scope, and the record then keeps both. A step of a process
   * (an NC's, an incident's, a cycle's) needs that process's scope, not only `tasks:write`.
   */
  async complete(id: string, dto: CompleteTaskDto, caller: Caller): Promise<TaskJson> {
    const task = await this.find(id);
    this.assertMayAct(task, caller);
    const { actor, recordedBy } = acting(caller, dto.completedBy, 'completedBy');
    const { completedBy: _named, ...answer } = dto;
    await this.sendCompletion(task, { ...answer, completedBy: actor, via: 'api', ...(recordedBy ? { recordedBy } : {}) });
    return this.toJson(await this.find(id));
  }

  async reassign(id: string, dto: ReassignTaskDto, caller: Caller): Promise<TaskJson> {
    const task = await this.find(id);
    this.assertMayAct(task, caller);
    this.assertOpen(task);
    await this.update(task, () =>
      this.temporal.workflow.getHandle(task.workflowId).executeUpdate(reassignTaskUpdate, { args: [{ to: dto.to, by: caller.name, reason: dto.reason }] }),
    );
    return this.toJson(await this.find(id));
  }

  /** The task and link behind an emailed token, or why it cannot be used. */
  async openLink(token: string): Promise<{ task: TaskRecord; link: TaskLink }> {
    if (!parseTaskLink(token)) throw new TaskLinkError('invalid');
    const link = await this.db.getRepository(TaskLink).findOneBy({ tokenHash: hashToken(token) });
    if (!link || !verifyTaskLink(this.config.tasks.linkSecret, token, link)) throw new TaskLinkError('invalid');
    const task = await this.find(link.taskId);
    if (link.usedAt || task.status === 'completed') throw new TaskLinkError('used');
    if (task.status === 'cancelled') throw new TaskLinkError('cancelled');
    if (link.revokedAt) throw new TaskLinkError('reassigned');
    if (link.expiresAt.getTime() < Date.now()) throw new TaskLinkError('expired');
    return { task, link };
  }

  async completeFromLink(token: string, form: { outcome?: string; notes?: string; evidence?: string[]; data?: FormData }): Promise<TaskRecord> {
    const { task, link } = await this.openLink(token);
    await this.sendCompletion(task, {
      outcome: form.outcome ?? '',
      notes: form.notes?.trim() || undefined,
      evidence: form.evidence ?? [],
      data: form.data,
      completedBy: link.assignee,
      via: 'link',
      linkVersion: link.version,
    });
    return this.find(task.id);
  }

  private async sendCompletion(task: TaskRecord, completion: TaskCompletion): Promise<HumanTaskResult> {
    this.assertOpen(task);
    // Answer plain mistakes here; the workflow's validator stays the authority on live state.
    const errors = completionErrors(completion, task, new Date().toISOString());
    if (errors.length) throw ProblemException.invalid(errors);
    return this.update(task, () =>
      this.temporal.workflow.getHandle(task.workflowId).executeUpdate(completeTaskUpdate, { args: [completion] }),
    );
  }

  private update<T>(task: TaskRecord, send: () => Promise<T>): Promise<T> {
    return sendUpdate(this.temporal, send, `Task ${task.id} is no longer open`, ['TaskClosed']);
  }

  /** A process's step is that process's business: its scope, as if the caller acted on the process itself. */
  private assertMayAct(task: TaskRecord, caller: Caller): void {
    const needed = processScope(task.process);
    if (!hasScope(caller, needed)) {
      throw new ProblemException(403, `Task ${task.id} is a step of a ${task.process} process: the API key "${caller.name}" lacks the scope ${needed}`, [
        { field: 'Authorization', message: `needs the scope ${needed}` },
      ]);
    }
  }

  private assertOpen(task: TaskRecord): void {
    if (task.status !== 'open') throw new ProblemException(409, `Task ${task.id} is already ${task.status}`);
  }

  private async find(id: string): Promise<TaskRecord> {
    const task = /^[a-z0-9]{1,64}$/.test(id) ? await this.db.getRepository(TaskRecord).findOneBy({ id }) : null;
    if (!task) throw new ProblemException(404, `There is no task ${id}`);
    return task;
  }

  toJson(t: TaskRecord) {
    const { temporal } = this.config;
    return {
      id: t.id,
      title: t.title,
      instructions: t.instructions,
      assignee: t.assignee,
      escalateTo: t.escalateTo,
      externalRef: t.externalRef,
      dueAt: t.dueAt.toISOString(),
      status: t.status,
      outcomes: t.outcomes,
      process: t.process,
      createdBy: t.createdBy,
      createdAt: t.createdAt.toISOString(),
      completedAt: t.completedAt?.toISOString() ?? null,
      completedBy: t.completedBy,
      completedVia: t.completedVia,
      recordedBy: t.recordedBy,
      outcome: t.outcome,
      notes: t.notes,
      evidence: t.evidence,
      form: t.form,
      data: t.data,
      workflowId: t.workflowId,
      links: {
        self: `${this.config.api.publicUrl}/tasks/${t.id}`,
        temporalUi: temporalUiLink(temporal, t.workflowId),
      },
    };
  }
}
