import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength, ValidateNested } from 'class-validator';
import { IsDateTime, IsMailbox, MultiLine } from '../../common/input-policy';
import { NC_CLASSIFICATIONS, NC_SOURCES, type NcClassification, type NcSource } from '../../../../../libs/domain/src';
import { email, IsInFuture, PageQuery, trim, URL_OPTIONS } from '../../common/validation';

// As in every DTO here: the most basic rule (type, presence) stands last on a line.

export class BodyDeadlinesDto {
  @ApiPropertyOptional({ example: '2026-12-20T17:00:00Z', description: 'The corrective-action plan is due to the certification body' })
  @IsOptional() @IsInFuture() @IsDateTime()
  planDueAt?: string;

  @ApiPropertyOptional({ example: '2027-02-20T17:00:00Z', description: 'The NC must be closed and verified by then' })
  @IsOptional() @IsInFuture() @IsDateTime()
  closeBy?: string;
}

export class RaiseNonconformityDto {
  @ApiProperty({ enum: NC_SOURCES })
  @IsIn(NC_SOURCES, { message: `source must be one of: ${NC_SOURCES.join(', ')}` })
  source!: NcSource;

  @ApiPropertyOptional({ example: 'IA-2026-03/F2', description: 'The finding, incident or ticket it comes from; the same reference twice is the same NC' })
  @IsOptional() @Transform(trim) @MaxLength(200) @IsNotEmpty() @IsString()
  sourceRef?: string;

  @ApiProperty({ example: 'A.5.18 Access rights', description: 'The requirement or control breached' })
  @Transform(trim) @MaxLength(200) @IsNotEmpty() @IsString()
  requirement!: string;

  @ApiProperty({ example: 'Four leavers kept VPN access for up to five weeks after their last day.' })
  @Transform(trim) @MaxLength(10000) @IsNotEmpty() @IsString()
  @MultiLine() description!: string;

  @ApiPropertyOptional({ type: [String], example: ['https://audit.example.com/ia-2026-03/f2'] })
  @IsOptional() @IsUrl(URL_OPTIONS, { each: true, message: 'each evidence link must be an http(s) URL' }) @ArrayMaxSize(20) @IsArray()
  evidence?: string[];

  @ApiProperty({ enum: NC_CLASSIFICATIONS, description: 'major, minor, or ofi (opportunity for improvement)' })
  @IsIn(NC_CLASSIFICATIONS, { message: `classification must be one of: ${NC_CLASSIFICATIONS.join(', ')}` })
  classification!: NcClassification;

  @ApiProperty({ example: 'it-lead@example.com', description: 'Owns the correction, root cause and plan' })
  @Transform(email) @IsMailbox({ message: 'owner must be an email address' })
  owner!: string;

  @ApiPropertyOptional({ example: 'isms@example.com', description: 'Approves the plan and closure (default: ISMS_MANAGER_EMAIL)' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'ismsManager must be an email address' })
  ismsManager?: string;

  @ApiPropertyOptional({ example: 'auditor@example.com', description: 'Judges effectiveness (default: the ISMS manager)' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'reviewer must be an email address' })
  reviewer?: string;

  @ApiPropertyOptional({ type: BodyDeadlinesDto, description: "The certification body's deadlines (external-audit findings only)" })
  @IsOptional() @ValidateNested() @Type(() => BodyDeadlinesDto)
  deadlines?: BodyDeadlinesDto;
}

export class ListNonconformitiesQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'rootCause', description: 'the step it is at, or closed / cancelled' })
  @IsOptional() @MaxLength(40) @IsString()
  status?: string;

  @ApiPropertyOptional({ enum: NC_SOURCES })
  @IsOptional() @IsIn(NC_SOURCES, { message: `source must be one of: ${NC_SOURCES.join(', ')}` })
  source?: NcSource;

  @ApiPropertyOptional({ enum: NC_CLASSIFICATIONS })
  @IsOptional() @IsIn(NC_CLASSIFICATIONS, { message: `classification must be one of: ${NC_CLASSIFICATIONS.join(', ')}` })
  classification?: NcClassification;

  @ApiPropertyOptional({ example: 'it-lead@example.com' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'owner must be an email address' })
  owner?: string;

  @ApiPropertyOptional({ description: 'true: only NCs past their step due date or their body deadline' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';

}

export class CancelNonconformityDto {
  @ApiProperty({ example: 'Duplicate of NC-2026-0003' })
  @Transform(trim) @MaxLength(2000) @IsNotEmpty() @IsString()
  @MultiLine() reason!: string;
}

export class ChangeOwnerDto {
  @ApiProperty({ example: 'new-owner@example.com' })
  @Transform(email) @IsMailbox({ message: 'to must be an email address' })
  to!: string;
}
