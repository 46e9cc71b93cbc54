import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsNumber, IsString, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate, IsMailbox } from '../common/input-policy';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { appendEvidence } from '../../../../activities/evidence';
import { KpiMeasurement, Objective } from '../../../../libs/db/src';
import { Area, type AuthedRequest } from '../auth/api-key.guard';
import { insertIfNew } from '../common/insert-if-new';
import { ProblemException } from '../common/problem';
import { email, trim } from '../common/validation';

export class ObjectiveDto {
  @ApiProperty({ example: 'patch-critical' }) @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/, { message: 'id must be 2 to 40 lowercase letters, digits or dashes' }) @IsString() id!: string;
  @ApiProperty({ example: 'Patch critical vulnerabilities quickly' }) @Transform(trim) @MaxLength(500) @IsNotEmpty() @IsString() objective!: string;
  @ApiProperty({ example: 'Share of critical CVEs patched within 14 days (%)' }) @Transform(trim) @MaxLength(500) @IsNotEmpty() @IsString() metric!: string;
  @ApiProperty() @Transform(email) @IsMailbox({ message: 'owner must be an email address' }) owner!: string;
  @ApiProperty({ example: 95 }) @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'target must be a number' }) target!: number;
  @ApiProperty({ enum: ['atLeast', 'atMost'] }) @IsIn(['atLeast', 'atMost'], { message: 'direction must be atLeast or atMost' }) direction!: string;
}

export class MeasurementDto {
  @ApiProperty({ example: '2026-11-30' }) @IsCalendarDate() @IsString() measuredOn!: string;
  @ApiProperty({ example: 97.5 }) @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'value must be a number' }) value!: number;
}

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('objectives')
export class ObjectivesController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post()
  @ApiOperation({ summary: 'An ISMS objective (6.2) with its metric, owner and target' })
  @ApiResponse({ status: 409, description: 'The id is taken' })
  async create(@Body() dto: ObjectiveDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, Objective, dto, 'id'))) throw new ProblemException(409, `Objective ${dto.id} exists`, [{ field: 'id', message: 'already taken' }]);
      await appendEvidence(tx, [{ key: `objective:${dto.id}`, actor: req.caller.name, process: 'objectives', reference: dto.id, kind: 'objectiveSet', payload: dto }]);
    });
    res.status(201).location(`/objectives/${dto.id}`);
    return this.get(dto.id);
  }

  @Post(':id/measurements')
  @ApiOperation({ summary: 'A dated measurement (9.1); one per objective and day, never overwritten' })
  async measure(@Param('id') id: string, @Body() dto: MeasurementDto, @Req() req: AuthedRequest) {
    await this.get(id);
    const now = new Date();
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, KpiMeasurement, { objectiveId: id, ...dto, recordedBy: req.caller.name, recordedAt: now }, 'objective_id'))) throw new ProblemException(409, `${id} was already measured on ${dto.measuredOn}`, [{ field: 'measuredOn', message: 'already measured that day' }]);
      await appendEvidence(tx, [{ key: `kpi:${id}:${dto.measuredOn}`, at: now, actor: req.caller.name, process: 'kpiMeasurement', reference: id, kind: 'measured', payload: dto }]);
    });
    return this.get(id);
  }

  @Get()
  @ApiOperation({ summary: 'Objectives with their latest value and whether it meets the target' })
  async list() {
    const rows = await this.db.getRepository(Objective).find({ order: { id: 'ASC' } });
    return { items: await Promise.all(rows.map((o) => this.get(o.id))) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'An objective with its dated measurements' })
  async get(@Param('id') id: string) {
    const o = /^[a-z0-9][a-z0-9-]{1,39}$/.test(id) ? await this.db.getRepository(Objective).findOneBy({ id }) : null;
    if (!o) throw new ProblemException(404, `There is no objective ${id}`);
    const measurements = await this.db.getRepository(KpiMeasurement).find({ where: { objectiveId: id }, order: { measuredOn: 'ASC' } });
    const latest = measurements.at(-1) ?? null;
    const met = latest ? (o.direction === 'atLeast' ? latest.value >= o.target : latest.value <= o.target) : null;
    return { ...o, latest, met, measurements };
  }
}
