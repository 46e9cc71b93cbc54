import { Body, Controller, Get, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { acting } from '../../auth/acting';
import { Area, type AuthedRequest } from '../../auth/api-key.guard';
import { AcknowledgementDto, AudienceDto, DocumentDto, DocumentVersionDto } from './dto/document.dto';
import { DocumentsService } from './documents.service';

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post()
  @ApiOperation({ summary: 'Register a document (policy, procedure...)' })
  @ApiResponse({ status: 409, description: 'The id is taken' })
  async create(@Body() dto: DocumentDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    await this.documents.create(dto, req.caller.name);
    res.status(201).location(`/documents/${dto.id}`);
    return this.documents.get(dto.id);
  }

  @Post(':id/versions')
  @ApiOperation({ summary: 'An approved new version: it comes into force, the previous one is archived (never overwritten); a new major version asks the document\'s audience to acknowledge it' })
  async addVersion(@Param('id') id: string, @Body() dto: DocumentVersionDto, @Req() req: AuthedRequest) {
    const { actor, recordedBy } = acting(req.caller, dto.approver, 'approver');
    await this.documents.addVersion(id, dto, actor, recordedBy);
    return this.documents.get(id);
  }

  @Put(':id/audience')
  @ApiOperation({ summary: 'Who must read and acknowledge the document: asks them about the version in force, and every new major version after it' })
  async setAudience(@Param('id') id: string, @Body() dto: AudienceDto, @Req() req: AuthedRequest) {
    await this.documents.setAudience(id, dto.audience, req.caller.name);
    return this.documents.get(id);
  }

  @Post(':id/acknowledgements')
  @ApiOperation({ summary: 'A person acknowledges the version in force' })
  async acknowledge(@Param('id') id: string, @Body() dto: AcknowledgementDto, @Req() req: AuthedRequest) {
    const { actor, recordedBy } = acting(req.caller, dto.person, 'person');
    await this.documents.acknowledge(id, actor, recordedBy);
    return this.documents.get(id);
  }

  @Get()
  @ApiOperation({ summary: 'Documents with the version in force and when it is due for review' })
  async list() {
    return { items: await this.documents.list() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A document with every version (the older ones archived) and its acknowledgements' })
  get(@Param('id') id: string) {
    return this.documents.get(id);
  }
}
