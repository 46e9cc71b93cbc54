import { Body, Controller, Get, Param, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { DataSource } from 'typeorm';
import { appendEvidence } from '../../../../activities/evidence';
import { SoaControl } from '../../../../libs/db/src';
import { Area, type AuthedRequest } from '../auth/api-key.guard';
import { ProblemException } from '../common/problem';
import { trim } from '../common/validation';

const IMPLEMENTATION = ['not started', 'partial', 'implemented'] as const;

export class SoaEntryDto {
  @ApiProperty() @IsBoolean() applicable!: boolean;
  @ApiProperty({ description: 'Why it is included (the risks, requirements) or why it is excluded: both need a reason' })
  @Transform(trim) @MaxLength(5000) @IsNotEmpty() @IsString()
  justification!: string;
  @ApiProperty({ enum: IMPLEMENTATION }) @IsIn(IMPLEMENTATION, { message: 'implementation must be not started, partial or implemented' }) implementation!: string;
}

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('soa')
export class SoaController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'The Statement of Applicability: the 93 Annex A 2022 controls, each applicable or not with its justification, implementation, and the risks it treats' })
  async list() {
    const controls = await this.db.query<Array<Record<string, unknown>>>(
      `SELECT c.control_id AS "controlId", c.title, c.theme, c.applicable, c.justification, c.implementation, c.updated_by AS "updatedBy", c.updated_at AS "updatedAt",
              COALESCE(array_agg(cur.risk_id ORDER BY cur.risk_id) FILTER (WHERE cur.risk_id IS NOT NULL), '{}') AS "linkedRisks"
         FROM soa_controls c
         LEFT JOIN (SELECT v.risk_id, v.controls FROM risk_versions v JOIN risks k ON k.id = v.risk_id AND k.current_version = v.version) cur
           ON cur.controls ? c.control_id
        GROUP BY c.control_id
        ORDER BY split_part(c.control_id, '.', 2)::int, split_part(c.control_id, '.', 3)::int`,
    );
    const decided = controls.filter((c) => c.applicable !== null).length;
    return { controls, decided, total: controls.length };
  }

  @Put(':controlId')
  @ApiOperation({ summary: 'Decide on one control: applicable or not, why, and how far it is implemented' })
  @ApiResponse({ status: 404, description: 'Not an Annex A 2022 control' })
  async decide(@Param('controlId') controlId: string, @Body() dto: SoaEntryDto, @Req() req: AuthedRequest) {
    if (!dto.applicable && dto.implementation !== 'not started') {
      throw ProblemException.invalid([{ field: 'implementation', message: 'an excluded control is not implemented: set implementation to not started' }]);
    }
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(SoaControl);
      const control = await repo.findOne({ where: { controlId }, lock: { mode: 'pessimistic_write' } });
      if (!control) throw new ProblemException(404, `${controlId} is not an Annex A 2022 control (A.5.1 to A.8.34)`);
      // The same decision again (a retry) is no new decision: nothing written, nothing logged.
      if (control.applicable === dto.applicable && control.justification === dto.justification && control.implementation === dto.implementation) return control;
      const now = new Date();
      await repo.update({ controlId }, { ...dto, updatedBy: req.caller.name, updatedAt: now });
      await appendEvidence(tx, [{ key: `soa:${controlId}:${now.toISOString()}`, at: now, actor: req.caller.name, process: 'statementOfApplicability', reference: controlId, kind: 'soaDecision', payload: dto }]);
      return repo.findOneByOrFail({ controlId });
    });
  }
}
