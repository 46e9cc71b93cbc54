import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { In, type DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { hydrate, Incident, IncidentEntry, Organisation, TaskRecord } from '../../../../libs/db/src';
import { startNotBegun, type PendingStartsResult, startOwnedProcess } from '../../../../libs/records/src';
import type { DoraWeekendRelief, FieldError, IncidentInput, IncidentView, TicketEvent } from '../../../../libs/domain/src';
import { incidentStateQuery, ticketEventSignal, workflowIds } from '../../../../libs/temporal/src/definitions';
import { processStarts } from '../../../../libs/temporal/src/processes';
import { temporalUiLink } from '../../../../libs/temporal/src/client';
import { TEMPORAL_CLIENT } from '../../../../libs/temporal/src/temporal.module';
import { hasScope } from '../../../../libs/security/src';
import type { Caller } from '../auth/api-key.guard';
import { ProblemException } from '../common/problem';
import type { Mapped } from './adapters/payload';
import type { ListIncidentsQuery, ReportIncidentDto } from './dto/incident.dto';

@Injectable()
export class IncidentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One incident per (system, ticket id): a repeated webhook returns the same one and starts nothing new. */
  /**
   * `caller`: who reported it. The reporter named (who noticed it, often in another system) is the
   * record's actor only when the caller may speak for others (on-behalf, a signed webhook); else the caller is.
   */
  async report(dto: ReportIncidentDto, caller: Caller): Promise<{ incident: Incident; created: boolean }> {
    const recordedBy = caller.name;
    const people = { handler: dto.handler ?? this.config.incidents.handler, dpo: dto.dpo ?? this.config.incidents.dpo, ciso: dto.ciso ?? this.config.incidents.ciso };
    const missing: FieldError[] = Object.entries({ ...people, ismsManager: this.config.nc.ismsManager ?? people.ciso })
      .filter(([, v]) => !v)
      .map(([field]) => ({ field, message: `${field} is required (or set ${ENV[field]})` }));
    if (missing.length) throw ProblemException.invalid(missing);
    const { timeZone, doraRelief } = await this.calendar(dto);

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
      ...(recordedBy !== dto.reportedBy ? { recordedBy, ...(hasScope(caller, 'on-behalf') ? {} : { reporterUnverified: true }) } : {}),
      affectedAssets: dto.affectedAssets ?? [],
      // The clocks count from awareness; without one given it is the earliest recorded moment, the
      // ticket's creation (never the webhook's arrival, which a delay or a replay makes late).
      awareAt: new Date(dto.awareAt ?? dto.detectedAt).toISOString(),
      timeZone,
      ...(dto.organisationId ? { organisationId: dto.organisationId } : {}),
      ...(doraRelief ? { doraRelief } : {}),
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
    // Started from the stored input, so a retry after a failed start converges on the same workflow;
    // once it began, never again (ServiceNow sends the whole record on every change, for days).
    await this.startWorkflow(incident);
    return { incident, created: row !== undefined };
  }

  /** The sweep: incidents whose start was lost are started from their stored input (see PendingStarts). */
  async startPending(now = Date.now()): Promise<PendingStartsResult> {
    return startNotBegun(this.db.manager, Incident, 'reportedAt', now, (incident) => this.startWorkflow(incident));
  }

  private async startWorkflow(incident: Incident): Promise<void> {
    await startOwnedProcess(this.db.manager, this.temporal, this.config.temporal.taskQueue, Incident, incident, processStarts.incident(incident.input as unknown as IncidentInput));
  }

  /**
   * The calendar the clocks count months and days on: the named organisation's time zone (and its
   * DORA weekend relief, if it has it), else ORGANISATION_TIME_ZONE. A triage with a later awareness
   * must say why, and cannot predate the ticket's.
   */
  private async calendar(dto: ReportIncidentDto): Promise<{ timeZone: string; doraRelief?: DoraWeekendRelief }> {
    const errors: FieldError[] = [];
    const t = dto.triage;
    const aware = dto.awareAt ?? dto.detectedAt;
    if (t?.awareAt && !t.awarenessReason) errors.push({ field: 'triage.awarenessReason', message: 'triage.awarenessReason is required with triage.awareAt' });
    if (t?.awarenessReason && !t.awareAt) errors.push({ field: 'triage.awareAt', message: 'triage.awareAt is required with triage.awarenessReason' });
    if (t?.awareAt && Date.parse(t.awareAt) < Date.parse(aware)) errors.push({ field: 'triage.awareAt', message: 'triage.awareAt cannot be earlier than awareAt (the earliest recorded moment)' });
    const org = dto.organisationId ? await this.db.getRepository(Organisation).findOneBy({ id: dto.organisationId }) : null;
    if (dto.organisationId && !org) errors.push({ field: 'organisationId', message: `There is no organisation ${dto.organisationId}` });
    if (errors.length) throw ProblemException.invalid(errors);
    if (!org) return { timeZone: this.config.timeZone };
    return { timeZone: org.timeZone, ...(org.doraWeekendRelief ? { doraRelief: { workingDays: org.workingDays, bankHolidays: org.doraWeekendRelief.bankHolidays } } : {}) };
  }

  /**
   * Ticket events, in order, each id once: repeats within the batch and events already on the
   * timeline change nothing and are counted as `ignored` (the workflow also drops an id it has seen
   * but not yet recorded). New events for an incident that has
   * ended are refused (409) from the API, or ignored from a webhook.
   */
  async events(id: string, events: TicketEvent[], whenEnded: 'refuse' | 'ignore'): Promise<{ accepted: number; ignored: number }> {
    const incident = await this.find(id);
    const ids = new Set<string>();
    const unique = events.filter((e) => !ids.has(e.eventId) && ids.add(e.eventId));
    const recorded = unique.length
      ? new Set((await this.db.getRepository(IncidentEntry).find({ select: { key: true }, where: { incidentId: id, key: In(unique.map((e) => `event:${e.eventId}`)) } })).map((r) => r.key))
      : new Set<string>();
    const fresh = unique.filter((e) => !recorded.has(`event:${e.eventId}`));
    const result = { accepted: fresh.length, ignored: events.length - fresh.length };
    if (!fresh.length) return result;
    if (ended(incident)) {
      if (whenEnded === 'ignore') return { accepted: 0, ignored: events.length };
      throw new ProblemException(409, `Incident ${id} has ended (${incident.step}): its ticket's later changes are not applied`);
    }
    const handle = this.temporal.workflow.getHandle(incident.workflowId);
    try {
      for (const e of fresh) await handle.signal(ticketEventSignal, e);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      if (whenEnded === 'ignore') return { accepted: 0, ignored: events.length };
      throw new ProblemException(409, `Incident ${id} has ended: its ticket's later changes are not applied`);
    }
    return result;
  }

  /**
   * The ticket's current priority as a severity event, when it differs from the last severity the
   * ticket gave. Its id names that last one and the ticket's revision, so the same delivery twice
   * (even at once) is one event, and a priority that goes back and forth is a new event each time,
   * also when the revisions arrive faster than the workflow records them. A delivery older than the
   * last severity taken is out of date (webhooks arrive out of order) and changes nothing.
   */
  async priorityChange(id: string, priority: NonNullable<Mapped['priority']>): Promise<TicketEvent[]> {
    const last = await this.db.getRepository(IncidentEntry).findOne({ where: { incidentId: id, kind: 'ticket:severity' }, order: { id: 'DESC' } });
    if (last?.data.severity === priority.severity) return [];
    if (last && Date.parse(priority.at) < last.at.getTime()) return [];
    const { version, ...change } = priority;
    return [{ eventId: `priority:${priority.severity}:after:${last?.id ?? 0}${version ? `:r${version}` : ''}`, type: 'severity', ...change }];
  }

  async exists(id: string): Promise<boolean> {
    return this.db.getRepository(Incident).existsBy({ id });
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

/** Closed, or found not to be an incident: its workflow has ended. */
const ended = (i: Incident) => i.closedAt !== null || i.step === 'notAnIncident';

const ENV: Record<string, string> = { handler: 'INCIDENT_HANDLER_EMAIL', dpo: 'DPO_EMAIL', ciso: 'CISO_EMAIL', ismsManager: 'ISMS_MANAGER_EMAIL' };
