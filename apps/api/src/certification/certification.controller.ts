import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { verifyCalendarToken } from '../../../../libs/security/src';
import { Area, Public, type AuthedRequest } from '../auth/api-key.guard';
import { ProblemException } from '../common/problem';
import { AuditResultDto, BookAuditDto, ChangeDto, CreateCycleDto, ListCyclesQuery } from './dto/cycle.dto';
import { CertificationService } from './certification.service';

@ApiTags('certification cycles')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('certification')
@Controller('certification-cycles')
export class CertificationController {
  constructor(
    private readonly cycles: CertificationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Start the certification cycle of an organisation: audits planned from the decision date (or stage 1 and 2), the annual programme spread before each' })
  @ApiResponse({ status: 201, description: 'Started' })
  @ApiResponse({ status: 200, description: 'The same request again' })
  @ApiResponse({ status: 409, description: 'A cycle for this date exists with other settings' })
  async create(@Body() dto: CreateCycleDto, @Res({ passthrough: true }) res: Response) {
    const { cycle, created } = await this.cycles.create(dto);
    res.status(created ? 201 : 200).location(cycle.links.self);
    return cycle;
  }

  @Get()
  @ApiOperation({ summary: 'Cycles, newest first' })
  list(@Query() query: ListCyclesQuery) {
    return this.cycles.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The plan with dates, the status and record of every activity, the audits and the next one' })
  @ApiResponse({ status: 404, description: 'No such cycle' })
  get(@Param('id') id: string) {
    return this.cycles.get(id);
  }

  @Get(':id/readiness')
  @ApiOperation({ summary: 'Readiness for the next external audit (or ?audit=): done, open, overdue, and whether evidence is bunched before it' })
  @ApiQuery({ name: 'audit', required: false, enum: ['stage1', 'stage2', 'surveillance1', 'surveillance2', 'recertification'] })
  readiness(@Param('id') id: string, @Query('audit') audit?: string) {
    return this.cycles.readiness(id, audit);
  }

  @Get(':id/calendar.ics')
  @Public()
  @Header('content-type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  @ApiOperation({ summary: 'The plan as an iCalendar feed; the token in links.calendar is the credential (calendar apps send no API key)' })
  @ApiQuery({ name: 'token', required: true })
  calendar(@Param('id') id: string, @Query('token') token: unknown) {
    if (!verifyCalendarToken(this.config.tasks.linkSecret, id, token)) throw new ProblemException(403, 'This calendar link is not valid: take it from the cycle (links.calendar)');
    return this.cycles.calendar(id);
  }

  @Post(':id/audits/:kind/booking')
  @HttpCode(200)
  @ApiOperation({ summary: 'The date the certification body booked for an audit: the rest of the cycle is re-planned around it' })
  @ApiResponse({ status: 422, description: 'Not an audit still ahead, or a date in the past' })
  book(@Param('id') id: string, @Param('kind') kind: string, @Body() dto: BookAuditDto, @Req() req: AuthedRequest) {
    return this.cycles.book(id, kind, dto.date, req.caller);
  }

  @Post(':id/audits/:kind/result')
  @HttpCode(200)
  @ApiOperation({ summary: "An external audit's result: each major or minor finding starts a corrective action with the body's deadlines; recertification starts the next cycle" })
  @ApiResponse({ status: 422, description: 'Not the audit the cycle waits for, a date in the future, or a missing certificate decision' })
  result(@Param('id') id: string, @Param('kind') kind: string, @Body() dto: AuditResultDto, @Req() req: AuthedRequest) {
    return this.cycles.recordResult(id, kind, dto, req.caller);
  }

  @Post(':id/changes')
  @HttpCode(200)
  @ApiOperation({ summary: 'A significant change (new system, reorganisation, new regulation...): a risk assessment before it lands and, where policies are affected, a policy review, now' })
  change(@Param('id') id: string, @Body() dto: ChangeDto, @Req() req: AuthedRequest) {
    return this.cycles.change(id, dto, req.caller);
  }
}
