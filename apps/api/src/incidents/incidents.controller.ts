import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { ticketEventProblem, type TicketEvent } from '../../../../libs/domain/src';
import { validationPipe } from '../common/input-policy';
import { ProblemException } from '../common/problem';
import { fromJira } from './adapters/jira';
import type { Mapped } from './adapters/payload';
import { fromServiceNow } from './adapters/servicenow';
import { ListIncidentsQuery, ReportIncidentDto, TicketEventDto } from './dto/incident.dto';
import { IncidentsService } from './incidents.service';
import { acting, asTicketSays } from '../auth/acting';
import { Area, SignedWebhook, type AuthedRequest } from '../auth/api-key.guard';

@ApiTags('incidents')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('incidents')
@Controller('incidents')
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Report an incident from any ticketing system; the same (system, ticketId) again is the same incident' })
  @ApiResponse({ status: 201, description: 'Reported' })
  @ApiResponse({ status: 200, description: 'Already reported' })
  async report(@Body() dto: ReportIncidentDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    return this.respond(res, await this.incidents.report(dto, req.caller));
  }

  @Post('jira')
  @SignedWebhook('jira')
  @HttpCode(200)
  @ApiOperation({ summary: 'Jira webhook: issue created reports the incident, issue updated sends its status and priority changes' })
  @ApiBody({ schema: { type: 'object', description: 'Jira webhook payload (webhookEvent, issue, changelog)' } })
  jira(@Body() body: unknown, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    return this.adapt(fromJira(body), req, res);
  }

  @Post('servicenow')
  @SignedWebhook('servicenow')
  @HttpCode(200)
  @ApiOperation({ summary: 'ServiceNow incident (inserted or updated): reports it the first time, then sends resolution, reopening and priority' })
  @ApiBody({ schema: { type: 'object', description: 'ServiceNow incident record (number, short_description, opened_at, state, priority, ...)' } })
  servicenow(@Body() body: unknown, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    return this.adapt(fromServiceNow(body, this.config.webhooks.servicenow?.timeZone), req, res);
  }

  @Post(':id/events')
  @HttpCode(202)
  @ApiOperation({ summary: "Events from the ticket (triaged, contained, ..., resolved, reopened, severity, evidence, comment), applied in order; a repeated eventId is ignored" })
  @ApiBody({ type: [TicketEventDto] })
  async events(@Param('id') id: string, @Body() body: unknown, @Req() req: AuthedRequest) {
    const list = Array.isArray(body) ? body : [body];
    const events: TicketEvent[] = [];
    // The whole batch is checked before any of it is applied, who may be named in it too.
    for (const [i, item] of list.entries()) {
      const field = (f: string) => (Array.isArray(body) ? `${i}.${f}` : f);
      try {
        const e = (await validationPipe().transform(item, { type: 'body', metatype: TicketEventDto })) as TicketEventDto;
        const who = acting(req.caller, e.by, field('by'));
        events.push({ ...e, at: e.at ?? new Date().toISOString(), by: who.actor, ...(who.recordedBy ? { recordedBy: who.recordedBy } : {}) });
      } catch (err) {
        if (err instanceof ProblemException && Array.isArray(body)) throw new ProblemException(err.problem.status, err.problem.detail ?? err.problem.title, (err.problem.errors ?? []).map((e) => ({ ...e, field: e.field.startsWith(`${i}.`) ? e.field : `${i}.${e.field}` })));
        throw err;
      }
    }
    return this.incidents.events(id, events, 'refuse');
  }

  @Get()
  @ApiOperation({ summary: 'Incidents by step, severity and regime, newest first' })
  list(@Query() query: ListIncidentsQuery) {
    return this.incidents.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The incident with its timeline, tasks, and its regulatory deadlines and their state' })
  get(@Param('id') id: string) {
    return this.incidents.get(id);
  }

  /**
   * Reports the incident unless it already is (a redelivery or a later update starts nothing), then
   * applies the ticket's changes. Changes to a closed incident are acknowledged and ignored: the
   * ticketing system keeps its own record, and must not be made to retry.
   */
  private async adapt(mapped: Mapped, req: AuthedRequest, res: Response) {
    if (mapped.errors.length) throw ProblemException.invalid(mapped.errors);
    if (mapped.ignored || !mapped.incidentId) return { ignored: mapped.ignored ?? 'the delivery names no ticket' };
    // The ticket's changes meet the same rules as events sent to /events, checked before anything is
    // reported, so a delivery the workflow would refuse changes nothing and says why.
    const probes = [...mapped.events, ...(mapped.priority ? [{ eventId: 'priority', type: 'severity' as const, ...mapped.priority }] : [])];
    const problems = probes.flatMap((e) => {
      const problem = ticketEventProblem(e);
      return problem ? [{ field: `${e.type}.${problem.split(' ')[0]}`, message: `the ticket's ${e.type} change cannot be applied: ${problem}` }] : [];
    });
    if (problems.length) throw ProblemException.invalid(problems);
    let incident;
    if (mapped.report) {
      const dto = (await validationPipe().transform(mapped.report, { type: 'body', metatype: ReportIncidentDto })) as ReportIncidentDto;
      incident = this.respond(res, await this.incidents.report(dto, req.caller));
    } else if (!(await this.incidents.exists(mapped.incidentId))) {
      if (mapped.reportErrors?.length) throw ProblemException.invalid(mapped.reportErrors);
      return { id: mapped.incidentId, ignored: 'ismsflow has no incident for this ticket' };
    }
    const events = [...mapped.events, ...(mapped.priority ? await this.incidents.priorityChange(mapped.incidentId, mapped.priority) : [])].map((e) => asTicketSays(req.caller, e));
    const applied = await this.incidents.events(mapped.incidentId, events, 'ignore');
    return incident ? { ...incident, events: applied } : { id: mapped.incidentId, events: applied };
  }

  private respond(res: Response, { incident, created }: Awaited<ReturnType<IncidentsService['report']>>) {
    const json = this.incidents.toJson(incident);
    res.status(created ? 201 : 200).location(json.links.self);
    return json;
  }
}
