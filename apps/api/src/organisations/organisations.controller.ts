import { Body, Controller, Get, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OrganisationDto, UpdateOrganisationDto } from './dto/organisation.dto';
import { OrganisationsService } from './organisations.service';
import { Area } from '../auth/api-key.guard';

@ApiTags('organisations')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('certification')
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Post()
  @ApiOperation({ summary: 'Set up an organisation: ISMS manager, top management, certification body and its NC deadlines, scope, time zone, working days' })
  @ApiResponse({ status: 201, description: 'Created' })
  @ApiResponse({ status: 200, description: 'The same request again' })
  @ApiResponse({ status: 409, description: 'The id is taken by other settings' })
  async create(@Body() dto: OrganisationDto, @Res({ passthrough: true }) res: Response) {
    const { organisation, created } = await this.organisations.create(dto);
    res.status(created ? 201 : 200).location(`/organisations/${organisation.id}`);
    return organisation;
  }

  @Put(':id')
  @ApiOperation({ summary: 'Change an organisation (all its settings)' })
  @ApiResponse({ status: 404, description: 'No such organisation' })
  update(@Param('id') id: string, @Body() dto: UpdateOrganisationDto) {
    return this.organisations.update(id, dto);
  }

  @Get()
  list() {
    return this.organisations.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.organisations.get(id);
  }
}
