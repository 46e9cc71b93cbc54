import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsDateTime, IsMailbox, MultiLine } from '../../common/input-policy';
import { INCIDENT_SEVERITIES, TICKET_EVENT_TYPES, type IncidentSeverity, type TicketEventType } from '../../../../../libs/domain/src';
import { email, PageQuery, trim, URL_OPTIONS } from '../../common/validation';

// As in every DTO here: the most basic rule (type, presence) stands last on a line.

export class TriageDto {
  @ApiProperty() @IsBoolean() isIncident!: boolean;
  @ApiProperty({ example: 'data leak' }) @Transform(trim) @MaxLength(100) @IsNotEmpty() @IsString() category!: string;
  @ApiProperty({ enum: INCIDENT_SEVERITIES }) @IsIn(INCIDENT_SEVERITIES, { message: `severity must be one of: ${INCIDENT_SEVERITIES.join(', ')}` }) severity!: IncidentSeverity;
  @ApiProperty() @IsBoolean() personalData!: boolean;
  @ApiPropertyOptional({ enum: ['essential', 'important', 'neither'], description: 'NIS2 entity type' })
  @IsOptional() @IsIn(['essential', 'important', 'neither'], { message: 'entity must be one of: essential, important, neither' }) entity?: 'essential' | 'important' | 'neither';
  @ApiPropertyOptional({ description: 'DORA: a financial entity' }) @IsOptional() @IsBoolean() financialEntity?: boolean;
  @ApiPropertyOptional({ description: 'DORA: critical or important functions affected' }) @IsOptional() @IsBoolean() criticalServicesAffected?: boolean;
  @ApiPropertyOptional({ description: 'DORA: malicious unauthorised access with possible data loss' }) @IsOptional() @IsBoolean() maliciousAccess?: boolean;
  @ApiPropertyOptional({ description: 'DORA: how many other RTS 2024/1772 thresholds are met', minimum: 0, maximum: 6 })
  @IsOptional() @Max(6) @Min(0) @IsInt() doraThresholdsMet?: number;
  @ApiPropertyOptional({ description: 'A later awareness than the ticket gives, when an investigation was needed to establish the incident (with awarenessReason); the clocks count from it' })
  @IsOptional() @IsDateTime() awareAt?: string;
  @ApiPropertyOptional({ description: 'Why awareness came later than the ticket (required with awareAt)' })
  @IsOptional() @Transform(trim) @MaxLength(2000) @IsNotEmpty() @IsString() @MultiLine() awarenessReason?: string;
}

export class ReportIncidentDto {
  @ApiProperty({ example: 'jira', description: 'The ticketing system; with ticketId it identifies the incident' })
  @Transform(trim) @Matches(/^[a-z0-9-]{1,30}$/, { message: 'system must be 1 to 30 lowercase letters, digits or dashes' }) @IsString()
  system!: string;

  @ApiProperty({ example: 'SEC-42' })
  @Transform(trim) @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'ticketId must be 1 to 64 letters, digits, dots, dashes or underscores' }) @IsString()
  ticketId!: string;

  @ApiProperty({ example: 'Customer export exposed in a public bucket' })
  @Transform(trim) @MaxLength(300) @IsNotEmpty() @IsString()
  title!: string;

  @ApiProperty() @Transform(trim) @MaxLength(20000) @IsNotEmpty() @IsString() @MultiLine() description!: string;

  @ApiProperty({ example: '2026-11-24T08:00:00Z' })
  @IsDateTime()
  detectedAt!: string;

  @ApiPropertyOptional({ description: 'When the organisation became aware (regulatory clocks count from it); default: detectedAt, the earliest recorded moment' })
  @IsOptional() @IsDateTime()
  awareAt?: string;

  @ApiProperty({ example: 'soc@example.com' }) @Transform(trim) @MaxLength(254) @IsNotEmpty() @IsString() reportedBy!: string;

  @ApiPropertyOptional({ example: 'acme', description: 'The organisation (POST /organisations): its time zone is the calendar of the clocks; default ORGANISATION_TIME_ZONE' })
  @IsOptional() @Matches(/^[a-z0-9-]{1,40}$/, { message: 'organisationId must be an organisation id' }) @IsString()
  organisationId?: string;

  @ApiPropertyOptional({ type: [String] }) @IsOptional() @MaxLength(255, { each: true, message: 'each of affectedAssets must be at most 255 characters (a Jira label, a CI name)' }) @IsNotEmpty({ each: true }) @IsString({ each: true }) @ArrayMaxSize(100) @IsArray() affectedAssets?: string[];

  @ApiPropertyOptional({ type: TriageDto, description: 'Triage already done in the ticket: skips the triage task' })
  @IsOptional() @ValidateNested() @Type(() => TriageDto)
  triage?: TriageDto;

  @ApiPropertyOptional({ description: 'Incident handler (default INCIDENT_HANDLER_EMAIL)' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'handler must be an email address' }) handler?: string;
  @ApiPropertyOptional({ description: 'Data protection officer (default DPO_EMAIL)' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'dpo must be an email address' }) dpo?: string;
  @ApiPropertyOptional({ description: 'CISO (default CISO_EMAIL)' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'ciso must be an email address' }) ciso?: string;
}

export class TicketEventDto {
  @ApiProperty({ example: 'SEC-42:10031', description: 'The same id twice is one event' })
  @Transform(trim) @MaxLength(200) @IsNotEmpty() @IsString()
  eventId!: string;

  @ApiProperty({ enum: TICKET_EVENT_TYPES })
  @IsIn(TICKET_EVENT_TYPES, { message: `type must be one of: ${TICKET_EVENT_TYPES.join(', ')}` })
  type!: TicketEventType;

  @ApiPropertyOptional() @IsOptional() @IsDateTime() at?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(254) @IsString() by?: string;
  @ApiPropertyOptional({ enum: INCIDENT_SEVERITIES }) @IsOptional() @IsIn(INCIDENT_SEVERITIES, { message: `severity must be one of: ${INCIDENT_SEVERITIES.join(', ')}` }) severity?: IncidentSeverity;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsUrl(URL_OPTIONS, { each: true, message: 'each evidence link must be an http(s) URL' }) @ArrayMaxSize(20) @IsArray() evidence?: string[];
  @ApiPropertyOptional() @IsOptional() @MaxLength(10000) @IsString() @MultiLine() comment?: string;
}

export class ListIncidentsQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @MaxLength(40) @IsString() step?: string;
  @ApiPropertyOptional({ enum: INCIDENT_SEVERITIES }) @IsOptional() @IsIn(INCIDENT_SEVERITIES, { message: `severity must be one of: ${INCIDENT_SEVERITIES.join(', ')}` }) severity?: IncidentSeverity;
  @ApiPropertyOptional({ enum: ['gdpr', 'nis2', 'dora'] }) @IsOptional() @IsIn(['gdpr', 'nis2', 'dora'], { message: 'regime must be one of: gdpr, nis2, dora' }) regime?: string;
}
