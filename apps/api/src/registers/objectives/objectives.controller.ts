import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Area, type AuthedRequest } from '../../auth/api-key.guard';
import { MeasurementDto, ObjectiveDto } from './dto/objective.dto';
import { ObjectivesService } from './objectives.service';

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('objectives')
export class ObjectivesController {
  constructor(private readonly objectives: ObjectivesService) {}

  @Post()
  @ApiOperation({ summary: 'An ISMS objective (6.2) with its metric, owner and target' })
  @ApiResponse({ status: 409, description: 'The id is taken' })
  async create(@Body() dto: ObjectiveDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    await this.objectives.create(dto, req.caller.name);
    res.status(201).location(`/objectives/${dto.id}`);
    return this.objectives.get(dto.id);
  }

  @Post(':id/measurements')
  @ApiOperation({ summary: 'A dated measurement (9.1); one per objective and day, never overwritten' })
  async measure(@Param('id') id: string, @Body() dto: MeasurementDto, @Req() req: AuthedRequest) {
    await this.objectives.measure(id, dto, req.caller.name);
    return this.objectives.get(id);
  }

  @Get()
  @ApiOperation({ summary: 'Objectives with their latest value and whether it meets the target' })
  async list() {
    return { items: await this.objectives.list() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'An objective with its dated measurements' })
  get(@Param('id') id: string) {
    return this.objectives.get(id);
  }
}
