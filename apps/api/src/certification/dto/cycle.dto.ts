import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsCalendarDate, IsMailbox, MultiLine } from '../../common/input-policy';
import { CHANGE_KINDS, NC_CLASSIFICATIONS, type ChangeKind, type NcClassification } from '../../../../../libs/domain/src';
import { email, trim } from '../../common/validation';

// As in every DTO here: the most basic rule (type, presence) stands last on a line.


export class FirstCertificationDto {
  @ApiProperty({ example: '2027-02-01' }) @IsCalendarDate() @IsString() stage1!: string;
  @ApiProperty({ example: '2027-03-08' }) @IsCalendarDate() @IsString() stage2!: string;
}

/** Every cadence DOMAIN.md section 2 leaves to the organisation; each has a default. */
export class CadencesDto {
  @ApiPropertyOptional({ default: 1, description: 'Internal audits a year (2 = every six months)' }) @IsOptional() @Max(2) @Min(1) @IsInt() internalAuditsPerYear?: number;
  @ApiPropertyOptional({ default: 4 }) @IsOptional() @Max(12) @Min(1) @IsInt() accessReviewsPerYear?: number;
  @ApiPropertyOptional({ default: 12 }) @IsOptional() @Max(12) @Min(1) @IsInt() kpiMeasurementsPerYear?: number;
  @ApiPropertyOptional({ default: 30, description: 'Days before each external audit the readiness report goes out' }) @IsOptional() @Max(90) @Min(7) @IsInt() readinessDays?: number;
  @ApiPropertyOptional({ default: 28, description: 'Days before an external audit in which only the readiness check is planned' }) @IsOptional() @Max(60) @Min(7) @IsInt() quietDays?: number;
  @ApiPropertyOptional({ default: 14, description: 'Days from the internal audit to the management review' }) @IsOptional() @Max(60) @Min(1) @IsInt() reviewAfterAuditDays?: number;
  @ApiPropertyOptional({ default: 3, description: 'Months before expiry the recertification audit is planned' }) @IsOptional() @Max(6) @Min(1) @IsInt() recertificationLeadMonths?: number;
  @ApiPropertyOptional({ default: 30, description: 'Days before their latest date surveillance audits are planned' }) @IsOptional() @Max(90) @Min(0) @IsInt() surveillanceLeadDays?: number;
  @ApiPropertyOptional({ default: 21, description: 'Days before its due date a heavy activity starts' }) @IsOptional() @Max(60) @Min(7) @IsInt() heavyLeadDays?: number;
  @ApiPropertyOptional({ default: 7, description: 'Days before its due date a routine activity (access review, KPI) starts' }) @IsOptional() @Max(30) @Min(1) @IsInt() routineLeadDays?: number;
  @ApiPropertyOptional({ default: 7, description: 'Days between reminders to record an external audit result' }) @IsOptional() @Max(30) @Min(1) @IsInt() auditResultReminderDays?: number;
}

/** Who owns each programme activity (default: the ISMS manager). */
export class OwnersDto {
  @ApiPropertyOptional({ description: 'Plans the internal audit and chooses an impartial auditor' }) @IsOptional() @Transform(email) @IsMailbox({ message: 'owners.internalAudit must be an email address' }) internalAudit?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'owners.managementReview must be an email address' }) managementReview?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'owners.riskAssessment must be an email address' }) riskAssessment?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'owners.policyReview must be an email address' }) policyReview?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'owners.trainingCampaign must be an email address' }) trainingCampaign?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'owners.supplierReview must be an email address' }) supplierReview?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'owners.accessReview must be an email address' }) accessReview?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'owners.kpiMeasurement must be an email address' }) kpiMeasurement?: string;
}

export class CreateCycleDto {
  @ApiProperty({ example: 'acme' }) @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/, { message: 'organisationId must be an organisation id' }) @IsString() organisationId!: string;

  @ApiPropertyOptional({ example: '2026-03-16', description: 'The certification decision date (the certificate runs 3 years from it). Or give firstCertification.' })
  @IsOptional() @IsCalendarDate() @IsString()
  decisionDate?: string;

  @ApiPropertyOptional({ type: FirstCertificationDto, description: 'A first certification: the planned stage 1 and stage 2 audits (the decision arrives with the stage 2 result)' })
  @IsOptional() @ValidateNested() @Type(() => FirstCertificationDto) @IsObject()
  firstCertification?: FirstCertificationDto;

  @ApiPropertyOptional({ type: CadencesDto }) @IsOptional() @ValidateNested() @Type(() => CadencesDto) @IsObject() cadences?: CadencesDto;

  @ApiPropertyOptional({ type: OwnersDto }) @IsOptional() @ValidateNested() @Type(() => OwnersDto) @IsObject() owners?: OwnersDto;

  @ApiPropertyOptional({ type: [String], description: 'Areas the internal audits share out over the cycle; the first is in every audit (default: clauses 4-10 and the four Annex A themes)' })
  @IsOptional() @MaxLength(200, { each: true }) @IsNotEmpty({ each: true }) @IsString({ each: true }) @ArrayUnique() @ArrayMaxSize(30) @ArrayMinSize(1) @IsArray()
  auditAreas?: string[];
}

export class BookAuditDto {
  @ApiProperty({ example: '2027-02-15', description: 'The date the certification body booked' }) @IsCalendarDate() @IsString() date!: string;
}

export class FindingDto {
  @ApiProperty({ enum: NC_CLASSIFICATIONS }) @IsIn(NC_CLASSIFICATIONS, { message: 'type must be major, minor or ofi' }) type!: NcClassification;
  @ApiProperty({ example: 'ISO 27001 9.2 Internal audit' }) @Transform(trim) @MaxLength(300) @IsNotEmpty() @IsString() requirement!: string;
  @ApiProperty() @Transform(trim) @MaxLength(5000) @IsNotEmpty() @IsString() @MultiLine() description!: string;
}

export class AuditResultDto {
  @ApiProperty({ example: '2027-02-16', description: 'The last day of the audit' }) @IsCalendarDate() @IsString() date!: string;

  @ApiProperty({ type: [String], example: ['lead.auditor@cert.example'] })
  @MaxLength(200, { each: true }) @IsNotEmpty({ each: true }) @IsString({ each: true }) @ArrayMaxSize(20) @ArrayMinSize(1) @IsArray()
  auditors!: string[];

  @ApiProperty({ description: 'Did the audit team recommend (maintaining, granting, renewing) the certificate?' }) @IsBoolean() recommended!: boolean;

  @ApiProperty({ type: [FindingDto] }) @ValidateNested({ each: true }) @Type(() => FindingDto) @ArrayMaxSize(100) @IsArray() findings!: FindingDto[];

  @ApiPropertyOptional({ example: '2027-03-20', description: 'Stage 2 and recertification: the certification decision date' })
  @IsOptional() @IsCalendarDate() @IsString()
  certificateDecision?: string;

  @ApiPropertyOptional({ description: 'Link to the audit report' }) @IsOptional() @MaxLength(2000) @IsString() @MultiLine() report?: string;
}

export class ChangeDto {
  @ApiProperty({ enum: CHANGE_KINDS }) @IsIn(CHANGE_KINDS, { message: `kind must be one of: ${CHANGE_KINDS.join(', ')}` }) kind!: ChangeKind;
  @ApiProperty({ example: 'Customer data moves to a new CRM' }) @Transform(trim) @MaxLength(5000) @IsNotEmpty() @IsString() @MultiLine() description!: string;
  @ApiPropertyOptional({ example: '2027-01-15', description: 'When the change lands: the risk assessment is due before it' }) @IsOptional() @IsCalendarDate() @IsString() landsOn?: string;
  @ApiPropertyOptional({ description: 'Also review the policies (default: yes for a reorganisation or a new regulation)' }) @IsOptional() @IsBoolean() policyReview?: boolean;
}

export class ListCyclesQuery {
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/, { message: 'organisationId must be an organisation id' }) @IsString() organisationId?: string;
  @ApiPropertyOptional({ enum: ['running', 'recertified', 'lapsed', 'cancelled'] })
  @IsOptional() @IsIn(['running', 'recertified', 'lapsed', 'cancelled'], { message: 'status must be running, recertified, lapsed or cancelled' })
  status?: string;
}
