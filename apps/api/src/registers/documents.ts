import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate, IsMailbox, MultiLine } from '../common/input-policy';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { appendEvidence } from '../../../../activities/evidence';
import { DocumentAcknowledgement, DocumentRecord, DocumentVersion } from '../../../../libs/db/src';
import { insertIfNew } from '../common/insert-if-new';
import { ProblemException } from '../common/problem';
import { email, trim, URL_OPTIONS } from '../common/validation';
import { Area, type AuthedRequest } from '../auth/api-key.guard';

const KINDS = ['policy', 'procedure', 'standard', 'plan', 'record'] as const;

export class DocumentDto {
  @ApiProperty({ example: 'POL-07' }) @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, { message: 'id must be 1 to 40 letters, digits, dots, dashes or underscores' }) @IsString() id!: string;
  @ApiProperty({ example: 'Access control policy' }) @Transform(trim) @MaxLength(300) @IsNotEmpty() @IsString() title!: string;
  @ApiProperty({ enum: KINDS }) @IsIn(KINDS, { message: `kind must be one of: ${KINDS.join(', ')}` }) kind!: string;
  @ApiProperty({ example: 'isms@acme.example' }) @Transform(email) @IsMailbox({ message: 'owner must be an email address' }) owner!: string;
}

export class DocumentVersionDto {
  @ApiProperty({ example: '2.1' }) @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/, { message: 'version must be 1 to 20 letters, digits, dots or dashes' }) @IsString() version!: string;
  @ApiProperty() @Transform(email) @IsMailbox({ message: 'author must be an email address' }) author!: string;
  @ApiProperty() @Transform(email) @IsMailbox({ message: 'approver must be an email address' }) approver!: string;
  @ApiProperty({ example: '2026-11-20' }) @IsCalendarDate() @IsString() approvedOn!: string;
  @ApiProperty({ example: '2027-11-20' }) @IsCalendarDate() @IsString() nextReview!: string;
  @ApiProperty({ example: 'Added MFA for all remote access' }) @Transform(trim) @MaxLength(5000) @IsNotEmpty() @IsString() @MultiLine() summary!: string;
  @ApiPropertyOptional() @IsOptional() @IsUrl(URL_OPTIONS, { message: 'link must be an http(s) URL' }) link?: string;
}

export class AcknowledgementDto {
  @ApiProperty({ example: 'alice@acme.example' }) @Transform(email) @IsMailbox({ message: 'person must be an email address' }) person!: string;
}

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('documents')
export class DocumentsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post()
  @ApiOperation({ summary: 'Register a document (policy, procedure...)' })
  @ApiResponse({ status: 409, description: 'The id is taken' })
  async create(@Body() dto: DocumentDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    const now = new Date();
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, DocumentRecord, { ...dto, createdAt: now }, 'id'))) throw new ProblemException(409, `Document ${dto.id} exists`, [{ field: 'id', message: 'already taken' }]);
      await appendEvidence(tx, [{ key: `document:${dto.id}`, at: now, actor: req.caller.name, process: 'documentControl', reference: dto.id, kind: 'documentRegistered', payload: dto }]);
    });
    res.status(201).location(`/documents/${dto.id}`);
    return this.get(dto.id);
  }

  @Post(':id/versions')
  @ApiOperation({ summary: 'An approved new version: it comes into force, the previous one is archived (never overwritten)' })
  async addVersion(@Param('id') id: string, @Body() dto: DocumentVersionDto) {
    await this.find(id);
    const errors = [
      ...(dto.nextReview <= dto.approvedOn ? [{ field: 'nextReview', message: 'nextReview must be after approvedOn' }] : []),
      ...(dto.approver === dto.author ? [{ field: 'approver', message: 'the approver must not be the author' }] : []),
    ];
    if (errors.length) throw ProblemException.invalid(errors);
    const now = new Date();
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, DocumentVersion, { ...dto, link: dto.link ?? null, documentId: id, createdAt: now }, 'version'))) throw new ProblemException(409, `Version ${dto.version} of ${id} exists: versions are never overwritten`, [{ field: 'version', message: 'already exists' }]);
      await appendEvidence(tx, [{ key: `document:${id}:v${dto.version}`, at: now, actor: dto.approver, process: 'documentControl', reference: id, kind: 'documentApproved', payload: dto }]);
    });
    return this.get(id);
  }

  @Post(':id/acknowledgements')
  @ApiOperation({ summary: 'A person acknowledges the version in force' })
  async acknowledge(@Param('id') id: string, @Body() dto: AcknowledgementDto) {
    const current = (await this.get(id)).current;
    if (!current) throw new ProblemException(409, `${id} has no approved version to acknowledge`);
    const now = new Date();
    await this.db.transaction(async (tx) => {
      await tx.createQueryBuilder().insert().into(DocumentAcknowledgement).values({ documentId: id, version: current.version, person: dto.person, acknowledgedAt: now }).orIgnore().execute();
      await appendEvidence(tx, [{ key: `document:${id}:v${current.version}:ack:${dto.person}`, at: now, actor: dto.person, process: 'documentControl', reference: id, kind: 'documentAcknowledged', payload: { version: current.version } }]);
    });
    return this.get(id);
  }

  @Get()
  @ApiOperation({ summary: 'Documents with the version in force and when it is due for review' })
  async list() {
    const docs = await this.db.getRepository(DocumentRecord).find({ order: { id: 'ASC' } });
    const summary = async (id: string) => {
      const { versions: _versions, acknowledgements: _acks, ...rest } = await this.get(id);
      return rest;
    };
    return { items: await Promise.all(docs.map((d) => summary(d.id))) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A document with every version (the older ones archived) and its acknowledgements' })
  async get(@Param('id') id: string) {
    const doc = await this.find(id);
    const versions = await this.db.getRepository(DocumentVersion).find({ where: { documentId: id }, order: { approvedOn: 'ASC', createdAt: 'ASC' } });
    const acknowledgements = await this.db.getRepository(DocumentAcknowledgement).find({ where: { documentId: id }, order: { acknowledgedAt: 'ASC' } });
    const current = versions.at(-1) ?? null;
    const today = new Date().toISOString().slice(0, 10);
    return {
      ...doc,
      current,
      reviewOverdue: current ? current.nextReview < today : false,
      versions: versions.map((v) => ({ ...v, archived: v !== current })),
      acknowledgements,
    };
  }

  private async find(id: string): Promise<DocumentRecord> {
    const doc = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(id) ? await this.db.getRepository(DocumentRecord).findOneBy({ id }) : null;
    if (!doc) throw new ProblemException(404, `There is no document ${id}`);
    return doc;
  }
}
