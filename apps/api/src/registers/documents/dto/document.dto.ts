import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateIf } from 'class-validator';
import { AUDIENCE_SYNTAX, DOCUMENT_VERSION } from '../../../../../../libs/domain/src';
import { IsAudience, IsCalendarDate, IsMailbox, MultiLine } from '../../../common/input-policy';
import { email, trim, URL_OPTIONS } from '../../../common/validation';

const KINDS = ['policy', 'procedure', 'standard', 'plan', 'record'] as const;

const AUDIENCE_DOC = `Who must read and acknowledge each major version: ${AUDIENCE_SYNTAX}. Approving a major version (2.0 after 1.4) asks them; a minor one (1.5) does not.`;

export class DocumentDto {
  @ApiProperty({ example: 'POL-07' }) @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, { message: 'id must be 1 to 40 letters, digits, dots, dashes or underscores' }) @IsString() id!: string;
  @ApiProperty({ example: 'Access control policy' }) @Transform(trim) @MaxLength(300) @IsNotEmpty() @IsString() title!: string;
  @ApiProperty({ enum: KINDS }) @IsIn(KINDS, { message: `kind must be one of: ${KINDS.join(', ')}` }) kind!: string;
  @ApiProperty({ example: 'isms@acme.example' }) @Transform(email) @IsMailbox({ message: 'owner must be an email address' }) owner!: string;
  @ApiPropertyOptional({ example: 'everyone', description: AUDIENCE_DOC }) @IsOptional() @IsAudience() audience?: string;
}

export class AudienceDto {
  @ApiProperty({ example: 'department:Finance', nullable: true, description: `${AUDIENCE_DOC} null: nobody is asked. Setting it asks the audience to acknowledge the version in force, if they have not.` })
  @ValidateIf((_, v) => v !== null) @IsAudience() audience!: string | null;
}

export class DocumentVersionDto {
  @ApiProperty({ example: '2.1' }) @Matches(DOCUMENT_VERSION, { message: 'version must be 1 to 20 letters, digits, dots or dashes' }) @IsString() version!: string;
  @ApiProperty() @Transform(email) @IsMailbox({ message: 'author must be an email address' }) author!: string;
  @ApiPropertyOptional({ description: 'Who approved it, when the caller records the approval for them (needs the on-behalf scope); by default the caller' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'approver must be an email address' }) approver?: string;
  @ApiProperty({ example: '2026-11-20' }) @IsCalendarDate() @IsString() approvedOn!: string;
  @ApiProperty({ example: '2027-11-20' }) @IsCalendarDate() @IsString() nextReview!: string;
  @ApiProperty({ example: 'Added MFA for all remote access' }) @Transform(trim) @MaxLength(5000) @IsNotEmpty() @IsString() @MultiLine() summary!: string;
  @ApiPropertyOptional() @IsOptional() @IsUrl(URL_OPTIONS, { message: 'link must be an http(s) URL' }) link?: string;
  @ApiPropertyOptional({ example: '2026-12-21', description: `The day by which the document's audience must have acknowledged a new major version (end of that day in the organisation's time zone); by default 14 days from now` })
  @IsOptional() @IsCalendarDate() @IsString() acknowledgeBy?: string;
}

export class AcknowledgementDto {
  @ApiPropertyOptional({ example: 'alice@acme.example', description: 'Who acknowledged it, when the caller records it for them (needs the on-behalf scope, as an LMS or HR system would); by default the caller' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'person must be an email address' }) person?: string;
}
