import { Body, Controller, Get, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsCalendarDate, IsMailbox } from '../common/input-policy';
import type { DataSource } from 'typeorm';
import { appendEvidence } from '../../../../activities/evidence';
import { TrainingRecord } from '../../../../libs/db/src';
import { Area, type AuthedRequest } from '../auth/api-key.guard';
import { insertIfNew } from '../common/insert-if-new';
import { email, PageQuery, trim } from '../common/validation';

const RESULTS = ['passed', 'failed', 'attended'] as const;

export class TrainingRecordDto {
  @ApiProperty({ example: 'alice@acme.example' }) @Transform(email) @IsMailbox({ message: 'person must be an email address' }) person!: string;
  @ApiProperty({ example: 'Security awareness 2026' }) @Transform(trim) @MaxLength(300) @IsNotEmpty() @IsString() course!: string;
  @ApiProperty({ example: '2026-11-20' }) @IsCalendarDate() @IsString() completedOn!: string;
  @ApiProperty({ enum: RESULTS }) @IsIn(RESULTS, { message: 'result must be passed, failed or attended' }) result!: string;
}

export class TrainingBatchDto {
  @ApiProperty({ type: [TrainingRecordDto] }) @ValidateNested({ each: true }) @Type(() => TrainingRecordDto) @ArrayMaxSize(1000) @ArrayMinSize(1) @IsArray() records!: TrainingRecordDto[];
}

export class ListTrainingQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'person must be an email address' }) person?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(300) @IsString() course?: string;
}

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('training-records')
export class TrainingController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post()
  @ApiBody({ type: TrainingBatchDto })
  @ApiOperation({ summary: 'Training records from the LMS (person, course, date, result); the same record again is ignored' })
  async record(@Body() dto: TrainingBatchDto, @Req() req: AuthedRequest) {
    let added = 0;
    await this.db.transaction(async (tx) => {
      for (const r of dto.records) {
        if (!(await insertIfNew(tx, TrainingRecord, { ...r, recordedBy: req.caller.name }, 'id'))) continue;
        added++;
        await appendEvidence(tx, [{ key: `training:${r.person}:${r.course}:${r.completedOn}`, at: new Date(), actor: req.caller.name, process: 'training', reference: r.person, kind: 'trainingRecorded', payload: r }]);
      }
    });
    return { received: dto.records.length, added };
  }

  @Get()
  @ApiOperation({ summary: 'Training records, newest first' })
  async list(@Query() q: ListTrainingQuery) {
    const where = { ...(q.person ? { person: q.person } : {}), ...(q.course ? { course: q.course } : {}) };
    const items = await this.db.getRepository(TrainingRecord).find({ where, order: { completedOn: 'DESC', id: 'DESC' }, take: q.limit, skip: q.offset });
    return { items, limit: q.limit, offset: q.offset };
  }
}
