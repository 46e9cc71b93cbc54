import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { RISK_TREATMENTS, type RiskTreatment } from '../../../../../../libs/domain/src';
import { IsMailbox, MultiLine } from '../../../common/input-policy';
import { email, trim } from '../../../common/validation';

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
  @ApiPropertyOptional({ example: 'cto@acme.example', description: 'The risk owner, when the caller records the acceptance for them (needs the on-behalf scope); by default the caller' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'acceptedBy must be an email address' }) acceptedBy?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(2000) @IsString() @MultiLine() note?: string;
}

export class ListRisksQuery {
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'owner must be an email address' }) owner?: string;
  @ApiPropertyOptional({ enum: ['low', 'medium', 'high'] }) @IsOptional() @IsIn(['low', 'medium', 'high'], { message: 'band must be low, medium or high' }) band?: string;
  @ApiPropertyOptional({ description: 'Only risks whose current version needs the owner to accept it' })
  @IsOptional() @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean({ message: 'acceptanceRequired must be true or false' })
  acceptanceRequired?: boolean;
}
