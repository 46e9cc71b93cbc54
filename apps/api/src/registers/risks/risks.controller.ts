import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { acting } from '../../auth/acting';
import { Area, type AuthedRequest } from '../../auth/api-key.guard';
import { AcceptanceDto, ListRisksQuery, RiskDto } from './dto/risk.dto';
import { RisksService } from './risks.service';

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('risks')
export class RisksController {
  constructor(private readonly risks: RisksService) {}

  @Post()
  @ApiOperation({ summary: 'Add a risk to the register (version 1)' })
  async create(@Body() dto: RiskDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    const id = await this.risks.create(dto, req.caller.name);
    res.status(201).location(`/risks/${id}`);
    return this.risks.get(id);
  }

  @Post(':id/versions')
  @ApiOperation({ summary: 'Re-assess a risk: a new dated version; a material change (level, treatment, controls, owner) needs the owner to accept again' })
  async reassess(@Param('id') id: string, @Body() dto: RiskDto, @Req() req: AuthedRequest) {
    await this.risks.reassess(id, dto, req.caller.name);
    return this.risks.get(id);
  }

  @Post(':id/acceptances')
  @ApiOperation({ summary: 'The risk owner accepts the residual risk of the current version (ISO 27001 6.1.3 e)' })
  @ApiResponse({ status: 422, description: 'Not the current version, or not the owner' })
  async accept(@Param('id') id: string, @Body() dto: AcceptanceDto, @Req() req: AuthedRequest) {
    const { actor, recordedBy } = acting(req.caller, dto.acceptedBy, 'acceptedBy');
    await this.risks.accept(id, dto, actor, recordedBy);
    return this.risks.get(id);
  }

  @Get()
  @ApiOperation({ summary: 'The register: each risk as currently assessed, with its level, band and acceptance' })
  async list(@Query() q: ListRisksQuery) {
    return { items: await this.risks.list(q) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A risk with every dated version and every acceptance' })
  get(@Param('id') id: string) {
    return this.risks.get(id);
  }
}
