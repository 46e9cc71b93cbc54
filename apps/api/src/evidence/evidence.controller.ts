import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import type { AuthedRequest } from '../auth/api-key.guard';
import { ProblemException } from '../common/problem';
import { PageQuery } from '../common/validation';
import { EvidenceService } from './evidence.service';

export class ListEvidenceQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' }) from?: string;
  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' }) to?: string;
  @ApiPropertyOptional({ example: 'NC-2026-0007', description: 'A process reference (a cycle id also matches its activities)' }) @IsOptional() @MaxLength(200) @IsString() reference?: string;
}

/** The evidence log is for admins and auditors: integrations read their own processes elsewhere. */
function requireAdmin(req: AuthedRequest): void {
  if (req.caller.role !== 'admin') throw new ProblemException(403, 'The evidence log is for admin keys');
}

@ApiTags('evidence')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@ApiResponse({ status: 403, description: 'Not an admin key' })
@Controller('evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Get()
  @ApiOperation({ summary: 'The append-only evidence log: time, actor, process, reference, payload digest, and the hash chaining each row to the one before' })
  list(@Query() query: ListEvidenceQuery, @Req() req: AuthedRequest) {
    requireAdmin(req);
    return this.evidence.list(query);
  }

  @Get('verify')
  @ApiOperation({ summary: 'Recomputes the hash chain and reports the first broken link (an edited, deleted or reordered row)' })
  verify(@Req() req: AuthedRequest) {
    requireAdmin(req);
    return this.evidence.verify();
  }
}
