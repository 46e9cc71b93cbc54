import { isDeepStrictEqual } from 'node:util';
import { Body, Controller, Get, Header, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags, OmitType } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsCalendarDate, MultiLine } from '../common/input-policy';
import { toCsv } from '../common/csv';
import type { Response } from 'express';
import type { DataSource, EntityManager } from 'typeorm';
import { appendEvidence } from '../../../../activities/evidence';
import { Supplier } from '../../../../libs/db/src';
import { Area, type AuthedRequest } from '../auth/api-key.guard';
import { insertIfNew } from '../common/insert-if-new';
import { ProblemException } from '../common/problem';
import { trim } from '../common/validation';

const CRITICALITY = ['critical', 'high', 'medium', 'low'] as const;

export class CertificateDto {
  @ApiProperty({ example: 'ISO/IEC 27001' }) @Transform(trim) @MaxLength(100) @IsNotEmpty() @IsString() type!: string;
  @ApiProperty({ example: '2027-09-30' }) @IsCalendarDate() @IsString() validUntil!: string;
}

export class SupplierDto {
  @ApiProperty({ example: 'cloudco' }) @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/, { message: 'id must be 2 to 40 lowercase letters, digits or dashes' }) @IsString() id!: string;
  @ApiProperty({ example: 'CloudCo Ltd' }) @Transform(trim) @MaxLength(300) @IsNotEmpty() @IsString() name!: string;
  @ApiProperty({ example: 'IaaS hosting of the production platform' }) @Transform(trim) @MaxLength(2000) @IsNotEmpty() @IsString() @MultiLine() services!: string;
  @ApiProperty({ enum: CRITICALITY }) @IsIn(CRITICALITY, { message: 'criticality must be critical, high, medium or low' }) criticality!: string;
  @ApiProperty({ description: 'An ICT third-party service provider (DORA Art. 28)' }) @IsBoolean() ictProvider!: boolean;
  @ApiPropertyOptional({ description: 'Legal Entity Identifier (20 characters)' }) @IsOptional() @Matches(/^[A-Z0-9]{18}[0-9]{2}$/, { message: 'lei must be a 20-character LEI' }) @IsString() lei?: string;
  @ApiPropertyOptional({ example: 'IE' }) @IsOptional() @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166 two-letter code' }) @IsString() country?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() @IsString() contractStart?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() @IsString() contractEnd?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() @IsString() lastReview?: string;
  @ApiPropertyOptional({ type: [CertificateDto] }) @IsOptional() @ValidateNested({ each: true }) @Type(() => CertificateDto) @ArrayMaxSize(20) @IsArray() certificates?: CertificateDto[];
}

export class UpdateSupplierDto extends OmitType(SupplierDto, ['id'] as const) {}

/** DORA Art. 28(3) register of information: one row per ICT third-party arrangement. */
const REGISTER_COLUMNS = ['lei', 'name', 'country', 'ict_services', 'criticality', 'supports_critical_function', 'contract_start', 'contract_end', 'last_review', 'certificates'];

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('suppliers')
export class SuppliersController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post()
  @ApiOperation({ summary: 'Register a supplier or ICT third-party provider' })
  @ApiResponse({ status: 409, description: 'The id is taken' })
  async create(@Body() dto: SupplierDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    this.checkDates(dto);
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, Supplier, this.row(dto.id, dto), 'id'))) throw new ProblemException(409, `Supplier ${dto.id} exists: change it with PUT`, [{ field: 'id', message: 'already taken' }]);
      await this.evidence(tx, dto.id, dto, req.caller.name);
    });
    res.status(201).location(`/suppliers/${dto.id}`);
    return this.get(dto.id);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Change a supplier (e.g. after its yearly review)' })
  async update(@Param('id') id: string, @Body() dto: UpdateSupplierDto, @Req() req: AuthedRequest) {
    await this.get(id);
    this.checkDates(dto);
    await this.db.transaction(async (tx) => {
      const current = await tx.getRepository(Supplier).findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
      const next = this.row(id, dto);
      // The same record again (a retry) changes nothing: nothing written, nothing logged.
      if ((Object.keys(next) as Array<keyof typeof next>).every((k) => k === 'updatedAt' || isDeepStrictEqual(current[k], next[k]))) return;
      await tx.getRepository(Supplier).update({ id }, next);
      await this.evidence(tx, id, dto, req.caller.name);
    });
    return this.get(id);
  }

  @Get('register-of-information.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The DORA Art. 28(3) register of information: the ICT third-party providers as CSV' })
  async registerOfInformation() {
    const rows = await this.db.getRepository(Supplier).find({ where: { ictProvider: true }, order: { name: 'ASC' } });
    return toCsv(
      rows.map((s) => [s.lei ?? '', s.name, s.country ?? '', s.services, s.criticality, s.criticality === 'critical' ? 'yes' : 'no', s.contractStart ?? '', s.contractEnd ?? '', s.lastReview ?? '', s.certificates.map((c) => `${c.type} until ${c.validUntil}`).join('; ')]),
      { header: true, columns: REGISTER_COLUMNS },
    );
  }

  @Get()
  @ApiOperation({ summary: 'Suppliers, most critical first, with overdue reviews and expired certificates flagged' })
  async list() {
    const rows = await this.db.getRepository(Supplier).find({ order: { name: 'ASC' } });
    const rank = (c: string) => CRITICALITY.indexOf(c as (typeof CRITICALITY)[number]);
    return { items: rows.sort((a, b) => rank(a.criticality) - rank(b.criticality)).map((s) => this.json(s)) };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const s = /^[a-z0-9][a-z0-9-]{1,39}$/.test(id) ? await this.db.getRepository(Supplier).findOneBy({ id }) : null;
    if (!s) throw new ProblemException(404, `There is no supplier ${id}`);
    return this.json(s);
  }

  private json(s: Supplier) {
    const today = new Date().toISOString().slice(0, 10);
    const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    return {
      ...s,
      reviewOverdue: (s.criticality === 'critical' || s.criticality === 'high') && (!s.lastReview || s.lastReview < yearAgo),
      expiredCertificates: s.certificates.filter((c) => c.validUntil < today).map((c) => c.type),
    };
  }

  private row(id: string, dto: UpdateSupplierDto) {
    return {
      id,
      name: dto.name,
      services: dto.services,
      criticality: dto.criticality,
      ictProvider: dto.ictProvider,
      lei: dto.lei ?? null,
      country: dto.country ?? null,
      contractStart: dto.contractStart ?? null,
      contractEnd: dto.contractEnd ?? null,
      lastReview: dto.lastReview ?? null,
      certificates: (dto.certificates ?? []).map((c) => ({ type: c.type, validUntil: c.validUntil })),
      updatedAt: new Date(),
    };
  }

  private checkDates(dto: UpdateSupplierDto): void {
    if (dto.contractStart && dto.contractEnd && dto.contractEnd < dto.contractStart) throw ProblemException.invalid([{ field: 'contractEnd', message: 'contractEnd must not be before contractStart' }]);
  }

  private evidence(tx: EntityManager, id: string, dto: UpdateSupplierDto, actor: string) {
    const at = new Date();
    return appendEvidence(tx, [{ key: `supplier:${id}:${at.toISOString()}`, at, actor, process: 'supplierRegister', reference: id, kind: 'supplierRecorded', payload: dto }]);
  }
}
