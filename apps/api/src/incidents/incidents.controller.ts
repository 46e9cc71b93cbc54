import { timingSafeEqual } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { webhookSignature } from '../../../../libs/security/src';
import { ProblemException, validationPipe } from '../common/problem';
import { fromJira, fromServiceNow, type Mapped } from './adapters';
import { ListIncidentsQuery, ReportIncidentDto, TicketEventDto } from './dto/incident.dto';
import { IncidentsService } from './incidents.service';
import { Area } from '../auth/api-key.guard';

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
  async report(@Body() dto: ReportIncidentDto, @Res({ passthrough: true }) res: Response) {
    return this.respond(res, await this.incidents.report(dto));
  }

  @Post('jira')
  @HttpCode(200)
  @ApiOperation({ summary: 'Jira webhook: issue created reports the incident, issue updated sends its status and priority changes' })
  @ApiBody({ schema: { type: 'object', description: 'Jira webhook payload (webhookEvent, issue, changelog)' } })
  jira(@Body() body: unknown, @Req() req: Request & { rawBody?: Buffer }, @Res({ passthrough: true }) res: Response) {
    this.verifySignature('jira', req);
    return this.adapt(fromJira(body), res, false);
  }

  @Post('servicenow')
  @HttpCode(200)
  @ApiOperation({ summary: 'ServiceNow incident (inserted or updated): reports it the first time, then sends resolution, reopening and priority' })
  @ApiBody({ schema: { type: 'object', description: 'ServiceNow incident record (number, short_description, opened_at, state, priority, ...)' } })
  servicenow(@Body() body: unknown, @Req() req: Request & { rawBody?: Buffer }, @Res({ passthrough: true }) res: Response) {
    this.verifySignature('servicenow', req);
    return this.adapt(fromServiceNow(body), res, true);
  }

  @Post(':id/events')
  @HttpCode(202)
  @ApiOperation({ summary: "Events from the ticket (triaged, contained, ..., resolved, reopened, severity, evidence, comment), applied in order; a repeated eventId is ignored" })
  @ApiBody({ type: [TicketEventDto] })
  async events(@Param('id') id: string, @Body() body: unknown) {
    const list = Array.isArray(body) ? body : [body];
    const events: TicketEventDto[] = [];
    for (const [i, item] of list.entries()) {
      try {
        events.push((await validationPipe().transform(item, { type: 'body', metatype: TicketEventDto })) as TicketEventDto);
      } catch (err) {
        if (err instanceof ProblemException && Array.isArray(body)) throw ProblemException.invalid((err.problem.errors ?? []).map((e) => ({ ...e, field: `${i}.${e.field}` })));
        throw err;
      }
    }
    return { accepted: await this.incidents.events(id, events.map((e) => ({ ...e, at: e.at ?? new Date().toISOString() }))) };
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
   * A system configured with `verifyInbound` must sign its webhooks like ismsflow signs its own:
   * `sha256=<HMAC-SHA256 of the exact body, hex>` in X-Hub-Signature-256, X-Hub-Signature or X-Ismsflow-Signature.
   */
  private verifySignature(system: string, req: Request & { rawBody?: Buffer }): void {
    const hook = this.config.webhooks[system];
    if (!hook?.verifyInbound) return;
    const given = req.header('x-hub-signature-256') ?? req.header('x-hub-signature') ?? req.header('x-ismsflow-signature') ?? '';
    const expected = webhookSignature(hook.secret, (req.rawBody ?? Buffer.alloc(0)).toString('utf8'));
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      throw new ProblemException(401, `The ${system} webhook is not signed with the shared secret`, [{ field: 'X-Hub-Signature', message: 'sha256=<HMAC-SHA256 of the body> is required' }]);
    }
  }

  /** Reports the incident if the ticket is new (or says so), then sends the ticket's changes. */
  private async adapt(mapped: Mapped, res: Response, reportIfUnknown: boolean) {
    if (mapped.errors.length) throw ProblemException.invalid(mapped.errors);
    let incident;
    if (mapped.report && (reportIfUnknown || mapped.events.length === 0 || !mapped.incidentId)) {
      const dto = (await validationPipe().transform(mapped.report, { type: 'body', metatype: ReportIncidentDto })) as ReportIncidentDto;
      const result = await this.incidents.report(dto);
      incident = this.respond(res, result);
    }
    if (mapped.events.length && mapped.incidentId) await this.incidents.events(mapped.incidentId, mapped.events);
    return incident ?? { id: mapped.incidentId, accepted: mapped.events.length };
  }

  private respond(res: Response, { incident, created }: Awaited<ReturnType<IncidentsService['report']>>) {
    const json = this.incidents.toJson(incident);
    res.status(created ? 201 : 200).location(json.links.self);
    return json;
  }
}
