import { Body, Controller, Get, Headers, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { acting } from '../../auth/acting';
import { Area, type AuthedRequest } from '../../auth/api-key.guard';
import { checkIdempotencyKey } from '../../common/validation';
import { ImprovementDecisionDto, ImprovementDto, ListImprovementsQuery } from './dto/improvement.dto';
import { ImprovementsService } from './improvements.service';

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('improvements')
export class ImprovementsController {
  constructor(private readonly improvements: ImprovementsService) {}

  @Post()
  @ApiOperation({ summary: 'An opportunity for improvement (10.1) with its owner; the same source reference again is the same one' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retrying with the same key returns the same improvement' })
  @ApiResponse({ status: 201, description: 'Raised' })
  @ApiResponse({ status: 200, description: 'Already raised (same Idempotency-Key or source reference)' })
  async raise(@Body() dto: ImprovementDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response, @Headers('idempotency-key') idempotencyKey?: string) {
    checkIdempotencyKey(idempotencyKey);
    const { improvement, created } = await this.improvements.raise(dto, req.caller.name, idempotencyKey);
    res.status(created ? 201 : 200).location(`/improvements/${improvement.id}`);
    return improvement;
  }

  @Put(':id/decision')
  @ApiOperation({ summary: 'What became of it, once: done (what was changed) or rejected (why not)' })
  @ApiResponse({ status: 409, description: 'Decided already: a decision is never overwritten' })
  decide(@Param('id') id: string, @Body() dto: ImprovementDecisionDto, @Req() req: AuthedRequest) {
    return this.improvements.decide(id, dto, acting(req.caller, dto.decidedBy, 'decidedBy'));
  }

  @Get()
  @ApiOperation({ summary: 'Improvements by status, source and owner, newest first' })
  list(@Query() query: ListImprovementsQuery) {
    return this.improvements.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An improvement, with its outcome once decided' })
  get(@Param('id') id: string) {
    return this.improvements.get(id);
  }
}
