import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate, IsDateOrDateTime } from '../common/input-policy';
import { Area } from '../auth/api-key.guard';
import { ProblemException } from '../common/problem';
import { PageQuery } from '../common/validation';
import { EvidenceService } from './evidence.service';

export class ListEvidenceQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z' }) @IsOptional() @IsDateOrDateTime() from?: string;
  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z' }) @IsOptional() @IsDateOrDateTime() to?: string;
  @ApiPropertyOptional({ example: 'NC-2026-0007', description: 'A process reference (a cycle id also matches its activities)' }) @IsOptional() @MaxLength(200) @IsString() reference?: string;
}

export class EvidencePackQuery {
  @ApiProperty({ example: '2026-01-01', description: 'First day of the period' }) @IsCalendarDate() @IsString() from!: string;
  @ApiProperty({ example: '2026-12-31', description: 'Last day of the period (included)' }) @IsCalendarDate() @IsString() to!: string;
}

@ApiTags('evidence')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@ApiResponse({ status: 403, description: 'Not an admin key' })
@Area('admin')
@Controller('evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Get()
  @ApiOperation({ summary: 'The append-only evidence log: time, actor, process, reference, payload digest, and the hash chaining each row to the one before' })
  list(@Query() query: ListEvidenceQuery) {
    return this.evidence.list(query);
  }

  @Get('verify')
  @ApiOperation({ summary: 'Recomputes the hash chain and reports the first broken link (an edited, deleted or reordered row)' })
  verify() {
    return this.evidence.verify();
  }
}

@ApiTags('evidence')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@ApiResponse({ status: 403, description: 'Not an admin key' })
@Area('admin')
@Controller('evidence-pack')
export class EvidencePackController {
  constructor(private readonly evidence: EvidenceService) {}

  @Get()
  @ApiProduces('application/zip')
  @ApiOperation({ summary: "The auditor's evidence pack for a period: an index page, CSV and JSON of every process record, the evidence log with its chain, and when each activity happened" })
  async pack(@Query() query: EvidencePackQuery, @Res() res: Response) {
    const from = new Date(`${query.from}T00:00:00Z`);
    const to = new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000);
    const errors = [
      ...(Number.isNaN(from.getTime()) || !from.toISOString().startsWith(query.from) ? [{ field: 'from', message: 'from is not a calendar date' }] : []),
      ...(Number.isNaN(to.getTime()) ? [{ field: 'to', message: 'to is not a calendar date' }] : []),
    ];
    if (!errors.length && to <= from) errors.push({ field: 'to', message: 'to must not be before from' });
    if (!errors.length && to.getTime() - from.getTime() > 5 * 366 * 86_400_000) errors.push({ field: 'to', message: 'a pack covers at most five years' });
    if (errors.length) throw ProblemException.invalid(errors);
    res.status(200).type('application/zip').attachment(`ismsflow-evidence-${query.from}-to-${query.to}.zip`);
    await this.evidence.pack(res, { from, to });
  }
}
