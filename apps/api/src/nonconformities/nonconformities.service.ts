import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Client } from '@temporalio/client';
import { Brackets, type DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { NcEntry, Nonconformity, TaskRecord } from '../../../../libs/db/src';
import { NC_NUMBER, type FieldError, type NcView } from '../../../../libs/domain/src';
import { cancelNcUpdate, changeNcOwnerUpdate, ncStateQuery, reassignTaskUpdate } from '../../../../libs/temporal/src/definitions';
import { processStarts } from '../../../../libs/temporal/src/processes';
import { correctiveActionInput, createNonconformity, startNotBegun, type PendingStartsResult, startOwnedProcess } from '../../../../libs/records/src';
import { temporalUiLink } from '../../../../libs/temporal/src/client';
import { TEMPORAL_CLIENT } from '../../../../libs/temporal/src/temporal.module';
import type { Caller } from '../auth/api-key.guard';
import { ProblemException } from '../common/problem';
import { sendUpdate } from '../common/temporal-errors';
import type { ChangeOwnerDto, ListNonconformitiesQuery, RaiseNonconformityDto } from './dto/nonconformity.dto';

@Injectable()
export class NonconformitiesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Records the NC under the next number and starts its workflow. The same Idempotency-Key, or
   * the same source reference, gives the same NC; asking again also (re)starts a workflow whose
   * first start failed, so a retry always converges.
   */
  async raise(dto: RaiseNonconformityDto, caller: Caller, idempotencyKey?: string): Promise<{ nc: Nonconformity; created: boolean }> {
    const ismsManager = dto.ismsManager ?? this.config.nc.ismsManager;
    const errors: FieldError[] = [];
    if (!ismsManager) errors.push({ field: 'ismsManager', message: 'ismsManager is required (or set ISMS_MANAGER_EMAIL)' });
    if (dto.deadlines && dto.source !== 'externalAudit') errors.push({ field: 'deadlines', message: 'deadlines are set by a certification body: only for source externalAudit' });
    const { planDueAt, closeBy } = dto.deadlines ?? {};
    if (planDueAt && closeBy && Date.parse(planDueAt) > Date.parse(closeBy)) errors.push({ field: 'deadlines.planDueAt', message: 'planDueAt must not be after closeBy' });
    if (errors.length) throw ProblemException.invalid(errors);

    const requestHash = createHash('sha256').update(JSON.stringify(dto)).digest('hex');
    const scopedKey = idempotencyKey ? `${caller.id ?? caller.name}:${idempotencyKey}` : undefined;
    const { nc, created } = await createNonconformity(this.db, { ...dto, ismsManager: ismsManager!, raisedBy: caller.name, idempotencyKey: scopedKey, requestHash });
    if (!created && scopedKey && nc.idempotencyKey === scopedKey && nc.requestHash !== requestHash) {
      throw new ProblemException(422, 'This Idempotency-Key was already used for a different request', [
        { field: 'Idempotency-Key', message: 'reuse a key only to retry the very same request' },
      ]);
    }
    await this.startWorkflow(nc);
    return { nc, created };
  }

  async list(q: ListNonconformitiesQuery): Promise<{ items: ReturnType<NonconformitiesService['toJson']>[]; limit: number; offset: number }> {
    const qb = this.db.getRepository(Nonconformity).createQueryBuilder('nc');
    if (q.status) qb.andWhere('nc.status = :status', { status: q.status });
    if (q.source) qb.andWhere('nc.source = :source', { source: q.source });
    if (q.classification) qb.andWhere('nc.classification = :classification', { classification: q.classification });
    if (q.owner) qb.andWhere('nc.owner = :owner', { owner: q.owner });
    if (q.overdue === 'true') {
      qb.andWhere("nc.status NOT IN ('closed', 'cancelled')").andWhere(
        new Brackets((w) => w.where('nc.step_due_at < now()').orWhere('nc.deadline_missed_at IS NOT NULL')),
      );
    }
    const rows = await qb.orderBy('nc.raised_at', 'DESC').addOrderBy('nc.id', 'DESC').take(q.limit).skip(q.offset).getMany();
    return { items: rows.map((r) => this.toJson(r)), limit: q.limit, offset: q.offset };
  }

  /** The full record: the NC, its dated timeline, its tasks, and the workflow's live step. */
  async get(id: string) {
    const nc = await this.find(id);
    const [timeline, tasks, live] = await Promise.all([
      this.db.getRepository(NcEntry).find({ where: { ncId: id }, order: { at: 'ASC', id: 'ASC' } }),
      this.db.getRepository(TaskRecord).find({ where: { externalRef: id, process: 'correctiveAction' }, order: { createdAt: 'ASC' } }),
      this.live(nc),
    ]);
    return {
      ...this.toJson(nc),
      live,
      timeline: timeline.map(({ kind, round, at, actor, data }) => ({ kind, round, at, actor, data })),
      tasks: tasks.map((t) => ({ id: t.id, title: t.title, assignee: t.assignee, status: t.status, dueAt: t.dueAt, completedAt: t.completedAt, completedBy: t.completedBy })),
    };
  }

  async cancel(id: string, reason: string, caller: Caller): Promise<NcView> {
    const nc = await this.find(id);
    return this.update(nc, () => this.temporal.workflow.getHandle(nc.workflowId).executeUpdate(cancelNcUpdate, { args: [{ reason, by: caller.name }] }));
  }

  /** New owner for the steps to come, and the owner's open tasks move with them. */
  async changeOwner(id: string, dto: ChangeOwnerDto, caller: Caller): Promise<NcView> {
    const nc = await this.find(id);
    const from = nc.owner;
    const view = await this.update(nc, () => this.temporal.workflow.getHandle(nc.workflowId).executeUpdate(changeNcOwnerUpdate, { args: [{ to: dto.to, by: caller.name }] }));
    const open = await this.db.getRepository(TaskRecord).findBy({ externalRef: id, process: 'correctiveAction', assignee: from, status: 'open' });
    for (const task of open) {
      await this.temporal.workflow
        .getHandle(task.workflowId)
        .executeUpdate(reassignTaskUpdate, { args: [{ to: dto.to, by: caller.name, reason: `${id} has a new owner` }] })
        .catch(() => undefined); // completed meanwhile: nothing to move
    }
    return view;
  }

  private async live(nc: Nonconformity): Promise<NcView | null> {
    if (nc.status === 'closed' || nc.status === 'cancelled') return null;
    try {
      return await this.temporal.workflow.getHandle(nc.workflowId).query(ncStateQuery);
    } catch {
      return null;
    }
  }

  private update(nc: Nonconformity, send: () => Promise<NcView>): Promise<NcView> {
    return sendUpdate(this.temporal, send, `${nc.id} is no longer open`, ['NcClosed']);
  }

  /** The sweep: NCs whose start was lost are started from their row (see PendingStarts). */
  async startPending(now = Date.now()): Promise<PendingStartsResult> {
    return startNotBegun(this.db.manager, Nonconformity, 'raisedAt', now, (nc) => this.startWorkflow(nc));
  }

  private async startWorkflow(nc: Nonconformity): Promise<void> {
    await startOwnedProcess(this.db.manager, this.temporal, this.config.temporal.taskQueue, Nonconformity, nc, processStarts.correctiveAction(correctiveActionInput(nc, this.config)));
  }

  private async find(id: string): Promise<Nonconformity> {
    const nc = NC_NUMBER.test(id) ? await this.db.getRepository(Nonconformity).findOneBy({ id }) : null;
    if (!nc) throw new ProblemException(404, `There is no nonconformity ${id}`);
    return nc;
  }

  toJson(nc: Nonconformity) {
    const { temporal } = this.config;
    const { idempotencyKey: _key, requestHash: _hash, ...fields } = nc;
    return {
      ...fields,
      overdue: !['closed', 'cancelled'].includes(nc.status) && ((nc.stepDueAt?.getTime() ?? Infinity) < Date.now() || !!nc.deadlineMissedAt),
      links: {
        self: `${this.config.api.publicUrl}/nonconformities/${nc.id}`,
        temporalUi: temporalUiLink(temporal, nc.workflowId),
      },
    };
  }
}
