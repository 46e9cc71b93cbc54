import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { hydrate, Incident, IncidentEntry, Organisation, TaskRecord } from '../../../../libs/db/src';
import type { FieldError, IncidentInput, IncidentView, TicketEvent } from '../../../../libs/domain/src';
import { incidentStateQuery, SearchAttr, ticketEventSignal, workflowIds } from '../../../../libs/temporal/src/definitions';
import { temporalUiLink } from '../../../../libs/temporal/src/client';
import { TEMPORAL_CLIENT } from '../../../../libs/temporal/src/temporal.module';
import { ProblemException } from '../common/problem';
import type { ListIncidentsQuery, ReportIncidentDto } from './dto/incident.dto';

@Injectable()
export class IncidentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One incident per (system, ticket id): a repeated webhook returns the same one and starts nothing new. */
  async report(dto: ReportIncidentDto): Promise<{ incident: Incident; created: boolean }> {
    const people = { handler: dto.handler ?? this.config.incidents.handler, dpo: dto.dpo ?? this.config.incidents.dpo, ciso: dto.ciso ?? this.config.incidents.ciso };
    const missing: FieldError[] = Object.entries({ ...people, ismsManager: this.config.nc.ismsManager ?? people.ciso })
      .filter(([, v]) => !v)
      .map(([field]) => ({ field, message: `${field} is required (or set ${ENV[field]})` }));
    if (missing.length) throw ProblemException.invalid(missing);
    const timeZone = await this.timeZone(dto);

    const id = `${dto.system}:${dto.ticketId}`;
    const now = new Date().toISOString();
    const input: IncidentInput = {
      incidentId: id,
      system: dto.system,
      ticketId: dto.ticketId,
      title: dto.title,
      description: dto.description,
      detectedAt: new Date(dto.detectedAt).toISOString(),
      reportedAt: now,
      reportedBy: dto.reportedBy,
      affectedAssets: dto.affectedAssets ?? [],
      awareAt: dto.awareAt ? new Date(dto.awareAt).toISOString() : now,
      timeZone,
      ...(dto.organisationId ? { organisationId: dto.organisationId } : {}),
      handler: people.handler!,
      dpo: people.dpo!,
      ciso: people.ciso!,
      ismsManager: this.config.nc.ismsManager ?? people.ciso!,
      triage: dto.triage ? { ...dto.triage } : undefined,
      taskPolicy: this.config.tasks.policy,
      policy: this.config.incidents.policy,
    };
    const inserted = await this.db
      .createQueryBuilder()
      .insert()
      .into(Incident)
      .values({
        id,
        workflowId: workflowIds.incident(id),
        system: dto.system,
        ticketId: dto.ticketId,
        title: dto.title,
        description: dto.description,
        detectedAt: new Date(input.detectedAt),
        reportedAt: new Date(now),
        awareAt: new Date(input.awareAt),
        organisationId: dto.organisationId ?? null,
        reportedBy: dto.reportedBy,
        affectedAssets: input.affectedAssets,
        handler: input.handler,
        step: 'triage',
        handling: 'reported',
        severity: dto.triage?.severity ?? null,
        regimes: [],
        input: input as unknown as Record<string, unknown>,
      } as QueryDeepPartialEntity<Incident>)
      .orIgnore()
      .returning('*')
      .execute();
    const [row] = inserted.raw as Array<Record<string, unknown>>;
    const incident = row ? hydrate(this.db, Incident, row) : await this.find(id);
    // Started from the stored input, so a retry after a failed start converges on the same workflow.
    await this.temporal.workflow.start('incidentResponse', {
      taskQueue: this.config.temporal.taskQueue,
      workflowId: incident.workflowId,
      args: [incident.input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Incident ${incident.ticketId} (${incident.system}): ${incident.title}`,
      typedSearchAttributes: [
        { key: SearchAttr.process, value: 'incidentResponse' },
        { key: SearchAttr.ref, value: id },
        { key: SearchAttr.status, value: incident.step },
        { key: SearchAttr.owner, value: incident.handler },
        ...(incident.severity ? [{ key: SearchAttr.severity, value: incident.severity }] : []),
      ],
    });
    return { incident, created: row !== undefined };
  }

  /**
   * The calendar the clocks count months and days on: the named organisation's time zone, else
   * ORGANISATION_TIME_ZONE. A triage with a later awareness must say why, and cannot predate the ticket's.
   */
  private async timeZone(dto: ReportIncidentDto): Promise<string> {
    const errors: FieldError[] = [];
    const t = dto.triage;
    const aware = dto.awareAt ?? new Date().toISOString();
    if (t?.awareAt && !t.awarenessReason) errors.push({ field: 'triage.awarenessReason', message: 'triage.awarenessReason is required with triage.awareAt' });
    if (t?.awarenessReason && !t.awareAt) errors.push({ field: 'triage.awareAt', message: 'triage.awareAt is required with triage.awarenessReason' });
    if (t?.awareAt && Date.parse(t.awareAt) < Date.parse(aware)) errors.push({ field: 'triage.awareAt', message: 'triage.awareAt cannot be earlier than awareAt (the earliest recorded moment)' });
    const org = dto.organisationId ? await this.db.getRepository(Organisation).findOneBy({ id: dto.organisationId }) : null;
    if (dto.organisationId && !org) errors.push({ field: 'organisationId', message: `There is no organisation ${dto.organisationId}` });
    if (errors.length) throw ProblemException.invalid(errors);
    return org?.timeZone ?? this.config.timeZone;
  }

  /** Ticket events, in order; the workflow drops any it has seen (same event id). */
  async events(id: string, events: TicketEvent[]): Promise<number> {
    const incident = await this.find(id);
    const handle = this.temporal.workflow.getHandle(incident.workflowId);
    try {
      for (const e of events) await handle.signal(ticketEventSignal, { ...e, at: e.at ? new Date(e.at).toISOString() : new Date().toISOString() });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new ProblemException(409, `Incident ${id} is closed`);
      throw err;
    }
    return events.length;
  }

  async list(q: ListIncidentsQuery) {
    const qb = this.db.getRepository(Incident).createQueryBuilder('i');
    if (q.step) qb.andWhere('i.step = :step', { step: q.step });
    if (q.severity) qb.andWhere('i.severity = :severity', { severity: q.severity });
    if (q.regime) qb.andWhere('i.regimes ? :regime', { regime: q.regime });
    const rows = await qb.orderBy('i.reported_at', 'DESC').take(q.limit).skip(q.offset).getMany();
    return { items: rows.map((r) => this.toJson(r)), limit: q.limit, offset: q.offset };
  }

  /** The record with its timeline, tasks, and (while open) the live view with every regulatory deadline. */
  async get(id: string) {
    const incident = await this.find(id);
    const [timeline, tasks, live] = await Promise.all([
      this.db.getRepository(IncidentEntry).find({ where: { incidentId: id }, order: { at: 'ASC', id: 'ASC' } }),
      this.db.getRepository(TaskRecord).find({ where: { externalRef: id, process: 'incidentResponse' }, order: { createdAt: 'ASC' } }),
      this.live(incident),
    ]);
    return {
      ...this.toJson(incident),
      live,
      timeline: timeline.map(({ kind, at, actor, data }) => ({ kind, at, actor, data })),
      tasks: tasks.map((t) => ({ id: t.id, title: t.title, assignee: t.assignee, status: t.status, dueAt: t.dueAt, completedAt: t.completedAt })),
    };
  }

  private async live(incident: Incident): Promise<IncidentView | null> {
    if (incident.closedAt) return null;
    try {
      return await this.temporal.workflow.getHandle(incident.workflowId).query(incidentStateQuery);
    } catch {
      return null;
    }
  }

  private async find(id: string): Promise<Incident> {
    const incident = /^[a-z0-9-]{1,30}:[A-Za-z0-9._-]{1,64}$/.test(id) ? await this.db.getRepository(Incident).findOneBy({ id }) : null;
    if (!incident) throw new ProblemException(404, `There is no incident ${id}`);
    return incident;
  }

  toJson(i: Incident) {
    const { input: _input, ...fields } = i;
    const { temporal } = this.config;
    return {
      ...fields,
      links: {
        self: `${this.config.api.publicUrl}/incidents/${encodeURIComponent(i.id)}`,
        temporalUi: temporalUiLink(temporal, i.workflowId),
      },
    };
  }
}

const ENV: Record<string, string> = { handler: 'INCIDENT_HANDLER_EMAIL', dpo: 'DPO_EMAIL', ciso: 'CISO_EMAIL', ismsManager: 'ISMS_MANAGER_EMAIL' };
