import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsMailbox, MultiLine } from '../common/input-policy';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { appendEvidence } from '../../../../activities/evidence';
import { saveRiskVersion } from '../../../../activities/risks';
import { Risk, RiskAcceptance, RiskVersion } from '../../../../libs/db/src';
import { acceptanceState, ANNEX_A_IDS, riskBand, RISK_TREATMENTS, type RiskAssessment, type RiskTreatment } from '../../../../libs/domain/src';
import { Area, type AuthedRequest } from '../auth/api-key.guard';
import { ProblemException } from '../common/problem';
import { email, trim } from '../common/validation';

// As in every DTO here: the most basic rule (type, presence) stands last on a line.

export class RiskDto {
  @ApiProperty({ example: 'Customer database' }) @Transform(trim) @MaxLength(300) @IsNotEmpty() @IsString() asset!: string;
  @ApiProperty({ example: 'Data leak through a stolen admin credential' }) @Transform(trim) @MaxLength(500) @IsNotEmpty() @IsString() threat!: string;
  @ApiProperty({ example: 'Shared admin account without MFA' }) @Transform(trim) @MaxLength(500) @IsNotEmpty() @IsString() vulnerability!: string;
  @ApiProperty({ example: 'cto@acme.example' }) @Transform(email) @IsMailbox({ message: 'owner must be an email address' }) owner!: string;
  @ApiProperty({ minimum: 1, maximum: 5 }) @Max(5) @Min(1) @IsInt() consequence!: number;
  @ApiProperty({ minimum: 1, maximum: 5 }) @Max(5) @Min(1) @IsInt() likelihood!: number;
  @ApiProperty({ enum: RISK_TREATMENTS }) @IsIn(RISK_TREATMENTS, { message: 'treatment must be avoid, reduce, share or accept' }) treatment!: RiskTreatment;
  @ApiProperty({ description: 'Why this treatment (required for every option, accept included)' }) @Transform(trim) @MaxLength(5000) @IsNotEmpty() @IsString() @MultiLine() rationale!: string;
  @ApiPropertyOptional({ type: [String], example: ['A.5.15', 'A.8.5'] })
  @IsOptional() @Matches(/^A\.[5-8]\.\d{1,2}$/, { each: true, message: 'each of controls must be an Annex A control such as A.8.5' }) @ArrayMaxSize(93) @IsArray()
  controls?: string[];
  @ApiPropertyOptional({ description: 'The treatment plan' }) @IsOptional() @MaxLength(5000) @IsString() @MultiLine() plan?: string;
}

export class AcceptanceDto {
  @ApiProperty({ description: 'The risk version accepted: it must be the current one' }) @Min(1) @IsInt() version!: number;
  @ApiProperty({ example: 'cto@acme.example', description: 'The risk owner' }) @Transform(email) @IsMailbox({ message: 'acceptedBy must be an email address' }) acceptedBy!: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(2000) @IsString() @MultiLine() note?: string;
}

export class ListRisksQuery {
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'owner must be an email address' }) owner?: string;
  @ApiPropertyOptional({ enum: ['low', 'medium', 'high'] }) @IsOptional() @IsIn(['low', 'medium', 'high'], { message: 'band must be low, medium or high' }) band?: string;
  @ApiPropertyOptional({ description: 'Only risks whose current version needs the owner to accept it' })
  @IsOptional() @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean({ message: 'acceptanceRequired must be true or false' })
  acceptanceRequired?: boolean;
}

const assessment = (v: RiskVersion): RiskAssessment => ({ ...v, treatment: v.treatment as RiskTreatment, plan: v.plan ?? undefined });

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('risks')
export class RisksController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post()
  @ApiOperation({ summary: 'Add a risk to the register (version 1)' })
  async create(@Body() dto: RiskDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    this.checkControls(dto);
    const v = await saveRiskVersion(this.db.manager, { ...dto, controls: dto.controls ?? [], source: 'api', assessedBy: req.caller.name });
    res.status(201).location(`/risks/${v.riskId}`);
    return this.get(v.riskId);
  }

  @Post(':id/versions')
  @ApiOperation({ summary: 'Re-assess a risk: a new dated version; a material change (level, treatment, controls, owner) needs the owner to accept again' })
  async reassess(@Param('id') id: string, @Body() dto: RiskDto, @Req() req: AuthedRequest) {
    await this.find(id);
    this.checkControls(dto);
    await saveRiskVersion(this.db.manager, { ...dto, controls: dto.controls ?? [], riskId: id, source: 'api', assessedBy: req.caller.name });
    return this.get(id);
  }

  @Post(':id/acceptances')
  @ApiOperation({ summary: "The risk owner accepts the residual risk of the current version (ISO 27001 6.1.3 e)" })
  @ApiResponse({ status: 422, description: 'Not the current version, or not the owner' })
  async accept(@Param('id') id: string, @Body() dto: AcceptanceDto) {
    const risk = await this.find(id);
    const current = await this.db.getRepository(RiskVersion).findOneByOrFail({ riskId: id, version: risk.currentVersion });
    const errors = [
      ...(dto.version !== risk.currentVersion ? [{ field: 'version', message: `version ${dto.version} is not the current one (${risk.currentVersion}): accept what is assessed now` }] : []),
      ...(dto.acceptedBy !== current.owner ? [{ field: 'acceptedBy', message: `only the risk owner (${current.owner}) accepts the residual risk` }] : []),
    ];
    if (errors.length) throw ProblemException.invalid(errors);
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM risks WHERE id = $1 FOR UPDATE', [id]);
      // The owner's acceptance of a version is one fact: the same acceptance again (a retry) adds nothing.
      if (await tx.getRepository(RiskAcceptance).existsBy({ riskId: id, version: dto.version, acceptedBy: dto.acceptedBy })) return;
      const row = await tx.getRepository(RiskAcceptance).save({ riskId: id, version: dto.version, acceptedBy: dto.acceptedBy, acceptedAt: new Date(), note: dto.note ?? null });
      await appendEvidence(tx, [{ key: `risk:${id}:v${dto.version}:accepted`, at: row.acceptedAt, actor: dto.acceptedBy, process: 'riskRegister', reference: id, kind: 'riskAccepted', payload: { version: dto.version, note: row.note } }]);
    });
    return this.get(id);
  }

  @Get()
  @ApiOperation({ summary: 'The register: each risk as currently assessed, with its level, band and acceptance' })
  async list(@Query() q: ListRisksQuery) {
    const risks = await this.db.getRepository(Risk).find({ order: { id: 'ASC' } });
    const all = await Promise.all(risks.map((r) => this.get(r.id)));
    return {
      items: all.filter(
        (r) => (!q.owner || r.current.owner === q.owner) && (!q.band || r.band === q.band) && (q.acceptanceRequired === undefined || r.acceptanceRequired === q.acceptanceRequired),
      ),
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A risk with every dated version and every acceptance' })
  async get(@Param('id') id: string) {
    const risk = await this.find(id);
    const [versions, acceptances] = await Promise.all([
      this.db.getRepository(RiskVersion).find({ where: { riskId: id }, order: { version: 'ASC' } }),
      this.db.getRepository(RiskAcceptance).find({ where: { riskId: id }, order: { acceptedAt: 'ASC' } }),
    ]);
    const current = versions.find((v) => v.version === risk.currentVersion)!;
    const state = acceptanceState(
      versions.map((v) => ({ version: v.version, assessment: assessment(v) })),
      acceptances.map((a) => a.version),
    );
    return { id, current, band: riskBand(current.level), ...state, versions, acceptances };
  }

  private async find(id: string): Promise<Risk> {
    const risk = /^R-\d{4,}$/.test(id) ? await this.db.getRepository(Risk).findOneBy({ id }) : null;
    if (!risk) throw new ProblemException(404, `There is no risk ${id}`);
    return risk;
  }

  private checkControls(dto: RiskDto): void {
    const unknown = (dto.controls ?? []).filter((c) => !ANNEX_A_IDS.has(c));
    if (unknown.length) throw ProblemException.invalid([{ field: 'controls', message: `not Annex A 2022 controls: ${unknown.join(', ')}` }]);
  }
}
