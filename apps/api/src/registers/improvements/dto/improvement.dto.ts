import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IMPROVEMENT_OUTCOMES, IMPROVEMENT_SOURCES, type ImprovementOutcome, type ImprovementSource } from '../../../../../../libs/domain/src';
import { IsCalendarDate, IsMailbox, MultiLine } from '../../../common/input-policy';
import { email, PageQuery, trim } from '../../../common/validation';

/** What a person or another system may give as the source; an internal audit raises its own (its references are predictable). */
const RAISED_BY_API = IMPROVEMENT_SOURCES.filter((s) => s !== 'internalAudit');

export class ImprovementDto {
  @ApiProperty({ example: 'Offer passkeys to all staff' }) @Transform(trim) @MaxLength(500) @IsNotEmpty() @IsString() title!: string;
  @ApiProperty({ example: 'Phishing drills show password reuse; passkeys would remove it.' }) @Transform(trim) @MaxLength(10_000) @IsNotEmpty() @IsString() @MultiLine() description!: string;
  @ApiProperty({ enum: RAISED_BY_API }) @IsIn(RAISED_BY_API, { message: `source must be one of: ${RAISED_BY_API.join(', ')}` }) source!: ImprovementSource;
  @ApiPropertyOptional({ example: 'MR-2026-2/item-4', description: 'The record it comes from; the same reference again is the same improvement (200)' })
  @IsOptional() @Transform(trim) @MaxLength(200) @IsNotEmpty() @IsString()
  sourceRef?: string;
  @ApiProperty({ example: 'it-lead@acme.example' }) @Transform(email) @IsMailbox({ message: 'owner must be an email address' }) owner!: string;
  @ApiPropertyOptional({ example: '2027-03-31', description: 'The day by which the owner means to have decided' }) @IsOptional() @IsCalendarDate() @IsString() dueOn?: string;
}

export class ImprovementDecisionDto {
  @ApiProperty({ enum: IMPROVEMENT_OUTCOMES, description: 'done: it was made; rejected: not taken up' })
  @IsIn(IMPROVEMENT_OUTCOMES, { message: `outcome must be one of: ${IMPROVEMENT_OUTCOMES.join(', ')}` })
  outcome!: ImprovementOutcome;
  @ApiProperty({ example: 'Passkeys enabled in the IdP for everyone on 2027-02-14', description: 'What was changed, or why not' })
  @Transform(trim) @MaxLength(10_000) @IsNotEmpty() @IsString() @MultiLine()
  summary!: string;
  @ApiProperty({ example: '2027-02-14', description: 'Not in the future, nor before the improvement was raised' }) @IsCalendarDate() @IsString() decidedOn!: string;
  @ApiPropertyOptional({ description: 'Who decided, when the caller records it for them (needs the on-behalf scope); by default the caller' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'decidedBy must be an email address' })
  decidedBy?: string;
}

export class ListImprovementsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['open', ...IMPROVEMENT_OUTCOMES] })
  @IsOptional() @IsIn(['open', ...IMPROVEMENT_OUTCOMES], { message: `status must be one of: open, ${IMPROVEMENT_OUTCOMES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ enum: IMPROVEMENT_SOURCES })
  @IsOptional() @IsIn(IMPROVEMENT_SOURCES, { message: `source must be one of: ${IMPROVEMENT_SOURCES.join(', ')}` })
  source?: ImprovementSource;

  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'owner must be an email address' }) owner?: string;
}
