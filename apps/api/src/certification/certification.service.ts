import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { CertificationCycle, CycleActivityRecord } from '../../../../libs/db/src';
import {
  cycleAudits,
  cycleReadiness,
  DEFAULT_AUDIT_AREAS,
  DEFAULT_CADENCES,
  initialCycleState,
  localDate,
  nextAudit,
  PROGRAMME_KINDS,
  type CycleInput,
  type CycleView,
  type ExternalAuditKind,
  type FieldError,
  type ProgrammeKind,
} from '../../../../libs/domain/src';
import { calendarToken } from '../../../../libs/security/src';
import { bookAuditUpdate, cycleStateQuery, recordAuditResultUpdate, significantChangeUpdate, workflowIds } from '../../../../libs/temporal/src/definitions';
import { processStarts } from '../../../../libs/temporal/src/processes';
import { startNotBegun, type PendingStartsResult, startOwnedProcess } from '../../../../libs/records/src';
import { temporalUiLink } from '../../../../libs/temporal/src/client';
import { TEMPORAL_CLIENT } from '../../../../libs/temporal/src/temporal.module';
import type { Caller } from '../auth/api-key.guard';
import { canonicalJson } from '../../../../libs/security/src';
import { ProblemException } from '../common/problem';
import { sendUpdate } from '../common/temporal-errors';
import { OrganisationsService } from '../organisations/organisations.service';
import { programmeCalendar } from './calendar';
import type { AuditResultDto, ChangeDto, CreateCycleDto, ListCyclesQuery } from './dto/cycle.dto';

const CYCLE_ID = /^[a-z0-9][a-z0-9-]{1,39}:(\d{4}-\d{2}-\d{2}|initial)$/;
export const AUDIT_KINDS: ExternalAuditKind[] = ['stage1', 'stage2', 'surveillance1', 'surveillance2', 'recertification'];

@Injectable()
export class CertificationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly organisations: OrganisationsService,
  ) {}

  /**
   * One cycle per (organisation, decision date), or one first certification per organisation:
   * the same request again answers with it, a different one for the same cycle is a conflict.
   */
  async create(dto: CreateCycleDto): Promise<{ cycle: ReturnType<CertificationService['toJson']>; created: boolean }> {
    const input = await this.plan(dto);
    const request = JSON.parse(JSON.stringify(dto)) as Record<string, unknown>;
    const now = new Date();
    const inserted = await this.db
      .createQueryBuilder()
      .insert()
      .into(CertificationCycle)
      .values({
        id: input.cycleId,
        organisationId: input.organisation.id,
        decisionDate: input.decisionDate ?? null,
        workflowId: workflowIds.cycle(input.cycleId),
        status: 'running',
        request: request as never,
        input: input as never,
        view: null,
        createdAt: now,
        updatedAt: now,
      })
      .orIgnore()
      .returning('id')
      .execute();
    const row = await this.find(input.cycleId);
    const created = (inserted.raw as unknown[]).length > 0;
    if (!created && canonicalJson(row.request) !== canonicalJson(request)) {
      throw new ProblemException(409, `The cycle ${input.cycleId} already exists with other settings`, [{ field: dto.decisionDate ? 'decisionDate' : 'firstCertification', message: 'a cycle for this date exists' }]);
    }
    // A retry after a failed start converges on the same workflow; a cycle that began is not started again.
    await startOwnedProcess(this.db.manager, this.temporal, this.config.temporal.taskQueue, CertificationCycle, row, processStarts.cycle(input));
    return { cycle: this.toJson(await this.find(input.cycleId), await this.view(row)), created };
  }

  /** The sweep: cycles whose start was lost are started from their stored request (see PendingStarts). */
  async startPending(now = Date.now()): Promise<PendingStartsResult> {
    return startNotBegun(this.db.manager, CertificationCycle, 'createdAt', now, async (row) => {
      const input = (row.input as unknown as CycleInput | null) ?? (await this.plan(row.request as unknown as CreateCycleDto));
      await startOwnedProcess(this.db.manager, this.temporal, this.config.temporal.taskQueue, CertificationCycle, row, processStarts.cycle(input));
    });
  }

  /** The workflow's input from the request and the organisation, checked against the rules. */
  private async plan(dto: CreateCycleDto): Promise<CycleInput> {
    const org = await this.organisations.get(dto.organisationId).catch(() => {
      throw ProblemException.invalid([{ field: 'organisationId', message: `there is no organisation ${dto.organisationId}: create it with POST /organisations` }]);
    });
    const today = localDate(Date.now(), org.timeZone);
    const errors: FieldError[] = [];
    if (!!dto.decisionDate === !!dto.firstCertification) errors.push({ field: 'decisionDate', message: 'give either decisionDate or firstCertification' });
    if (dto.decisionDate && !validDate(dto.decisionDate)) errors.push({ field: 'decisionDate', message: 'decisionDate is not a calendar date' });
    else if (dto.decisionDate && dto.decisionDate > today) errors.push({ field: 'decisionDate', message: 'decisionDate must not be in the future: for a first certification give firstCertification' });
    const stages = dto.firstCertification;
    if (stages) {
      for (const f of ['stage1', 'stage2'] as const) {
        if (!validDate(stages[f])) errors.push({ field: `firstCertification.${f}`, message: `${f} is not a calendar date` });
        else if (stages[f] <= today) errors.push({ field: `firstCertification.${f}`, message: `${f} must be in the future` });
      }
      if (stages.stage2 <= stages.stage1) errors.push({ field: 'firstCertification.stage2', message: 'stage2 must be after stage1' });
    }
    if (errors.length) throw ProblemException.invalid(errors);

    const owners = Object.fromEntries(PROGRAMME_KINDS.map((k) => [k, dto.owners?.[k] ?? org.ismsManager])) as Record<ProgrammeKind, string>;
    const input: CycleInput = {
      cycleId: `${org.id}:${dto.decisionDate ?? 'initial'}`,
      organisation: {
        id: org.id,
        name: org.name,
        scope: org.scope,
        ismsManager: org.ismsManager,
        topManagement: org.topManagement,
        timeZone: org.timeZone,
        workingDays: org.workingDays,
        certificationBody: org.certificationBody,
      },
      decisionDate: dto.decisionDate,
      firstCertification: stages ? { stage1: stages.stage1, stage2: stages.stage2 } : undefined,
      startedOn: today,
      cadences: { ...DEFAULT_CADENCES, ...stripUndefined(dto.cadences ?? {}) },
      owners,
      auditAreas: dto.auditAreas ?? DEFAULT_AUDIT_AREAS,
      taskPolicy: this.config.tasks.policy,
    };
    if (!nextAudit(cycleAudits(input, initialCycleState(input)))) {
      throw ProblemException.invalid([{ field: 'decisionDate', message: 'every audit of this cycle is in the past: the certificate has expired; start the cycle of the current certificate' }]);
    }
    return input;
  }

  async list(q: ListCyclesQuery) {
    const where = { ...(q.organisationId ? { organisationId: q.organisationId } : {}), ...(q.status ? { status: q.status } : {}) };
    const rows = await this.db.getRepository(CertificationCycle).find({ where, order: { createdAt: 'DESC' }, take: 200 });
    return { items: rows.map((r) => this.toJson(r, r.view, false)) };
  }

  /** The plan with dates, the status of every activity, the next audit, and links. */
  async get(id: string) {
    const row = await this.find(id);
    const view = await this.view(row);
    const records = await this.db.getRepository(CycleActivityRecord).find({ where: { cycleId: id }, select: { activityId: true, record: true } });
    const recordOf = new Map(records.map((r) => [r.activityId, r.record]));
    const json = this.toJson(row, view);
    return { ...json, activities: (view?.activities ?? []).map((a) => ({ ...a, record: recordOf.get(a.id) ?? null })) };
  }

  /** Done, open, overdue and bunched for the next external audit (or `audit`), as of today in the organisation's time zone. */
  async readiness(id: string, audit?: string) {
    const view = await this.requireView(id);
    const target = audit ? view.audits.find((a) => a.kind === audit) : view.nextAudit;
    if (!target) {
      throw audit ? ProblemException.invalid([{ field: 'audit', message: `this cycle has no ${audit} audit` }]) : new ProblemException(409, `The cycle ${id} has no external audit ahead`);
    }
    const today = localDate(Date.now(), view.organisation.timeZone);
    const r = cycleReadiness(view, target, today);
    const brief = (a: { kind: string; due: string; status: string; completedOn?: string }) => ({ kind: a.kind, due: a.due, status: a.status, completedOn: a.completedOn ?? null });
    return {
      cycleId: id,
      audit: { kind: target.kind, date: target.date, status: target.status },
      today,
      daysToAudit: Math.round((Date.parse(target.date) - Date.parse(today)) / 86_400_000),
      done: r.done.map(brief),
      open: r.open.map(brief),
      overdue: r.overdue.map(brief),
      lateShare: r.lateShare,
      bunched: r.bunched,
    };
  }

  async calendar(id: string): Promise<string> {
    const view = await this.requireView(id);
    return programmeCalendar(id, view.organisation.name, view.audits, view.activities);
  }

  book(id: string, kind: string, date: string, caller: Caller) {
    return this.update(id, kind, (h) => h.executeUpdate(bookAuditUpdate, { args: [{ kind: kind as ExternalAuditKind, date, by: caller.name }] }));
  }

  recordResult(id: string, kind: string, dto: AuditResultDto, caller: Caller) {
    return this.update(id, kind, (h) =>
      h.executeUpdate(recordAuditResultUpdate, {
        args: [{ kind: kind as ExternalAuditKind, ...dto, findings: dto.findings.map((f) => ({ ...f })), recordedBy: caller.name }],
      }),
    );
  }

  async change(id: string, dto: ChangeDto, caller: Caller) {
    const policyReview = dto.policyReview ?? (dto.kind === 'reorganisation' || dto.kind === 'newRegulation');
    return this.update(id, undefined, (h) => h.executeUpdate(significantChangeUpdate, { args: [{ ...dto, policyReview, recordedBy: caller.name }] }));
  }

  private async update(id: string, kind: string | undefined, send: (h: ReturnType<Client['workflow']['getHandle']>) => Promise<CycleView>) {
    if (kind !== undefined && !AUDIT_KINDS.includes(kind as ExternalAuditKind)) throw new ProblemException(404, `There is no ${kind} audit: use one of ${AUDIT_KINDS.join(', ')}`);
    const row = await this.find(id);
    const view = await sendUpdate(this.temporal, () => send(this.temporal.workflow.getHandle(row.workflowId)), `The cycle ${id} has ended`);
    return this.toJson(await this.find(id), view);
  }

  private async find(id: string): Promise<CertificationCycle> {
    const row = CYCLE_ID.test(id) ? await this.db.getRepository(CertificationCycle).findOneBy({ id }) : null;
    if (!row) throw new ProblemException(404, `There is no certification cycle ${id}`);
    return row;
  }

  /** What the workflow last saved; right after the start, before its first save, what it answers. */
  private async view(row: CertificationCycle): Promise<CycleView | null> {
    if (row.view) return row.view;
    return this.temporal.workflow
      .getHandle(row.workflowId)
      .query(cycleStateQuery)
      .catch(() => null);
  }

  private async requireView(id: string): Promise<CycleView> {
    const view = await this.view(await this.find(id));
    if (!view) throw new ProblemException(503, `The cycle ${id} is starting: try again in a moment`);
    return view;
  }

  toJson(row: CertificationCycle, view: CycleView | null, full = true) {
    const self = `${this.config.api.publicUrl}/certification-cycles/${encodeURIComponent(row.id)}`;
    return {
      id: row.id,
      organisationId: row.organisationId,
      decisionDate: row.decisionDate,
      status: row.status,
      nextAudit: view?.nextAudit ?? null,
      expiry: view?.expiry ?? null,
      ...(full && view ? { waitingFor: view.waitingFor, audits: view.audits, changes: view.changes, nextCycleId: view.nextCycleId ?? null, activities: view.activities } : {}),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      links: {
        self,
        readiness: `${self}/readiness`,
        calendar: `${self}/calendar.ics?token=${calendarToken(this.config.tasks.linkSecret, row.id)}`,
        temporalUi: temporalUiLink(this.config.temporal, row.workflowId),
      },
    };
  }
}

function validDate(d: string): boolean {
  return !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
