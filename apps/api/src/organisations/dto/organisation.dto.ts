import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidateNested } from 'class-validator';
import { IsCalendarDate, IsMailbox, MultiLine } from '../../common/input-policy';
import { email, trim } from '../../common/validation';

// As in every DTO here: the most basic rule (type, presence) stands last on a line.

function IsTimeZone() {
  return ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        try {
          new Intl.DateTimeFormat('en', { timeZone: value });
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: (args) => `${args?.property} must be an IANA time zone such as Europe/Berlin`,
    },
  });
}

export class CertificationBodyDto {
  @ApiProperty({ example: 'TÜV Example' }) @Transform(trim) @MaxLength(200) @IsNotEmpty() @IsString() name!: string;

  @ApiPropertyOptional({ default: 30, description: 'Days after the audit the corrective-action plan is due' })
  @IsOptional() @Max(90) @Min(1) @IsInt()
  planDueDays: number = 30;

  @ApiPropertyOptional({ default: 90, description: 'Days after the audit a major NC must be closed and verified' })
  @IsOptional() @Max(365) @Min(1) @IsInt()
  majorCloseDays: number = 90;

  @ApiPropertyOptional({ enum: ['nextAudit', 'days'], default: 'nextAudit', description: 'Minor NCs are closed by the next audit, or within minorCloseDays' })
  @IsOptional() @IsIn(['nextAudit', 'days'], { message: 'minorCloseBy must be nextAudit or days' })
  minorCloseBy: 'nextAudit' | 'days' = 'nextAudit';

  @ApiPropertyOptional() @IsOptional() @Max(365) @Min(1) @IsInt() minorCloseDays?: number;
}

/** Set on an organisation only where RTS 2025/301 Art. 5(5) does not exclude it. */
export class DoraWeekendReliefDto {
  @ApiProperty({ type: [String], example: ['2026-12-25', '2026-12-26'], description: "The bank holidays of the financial entity's Member State (working days are the organisation's)" })
  @IsCalendarDate({ each: true, message: 'each bank holiday must be a date (YYYY-MM-DD)' }) @IsString({ each: true }) @ArrayUnique() @ArrayMaxSize(400) @IsArray()
  bankHolidays!: string[];
}

export class OrganisationDto {
  @ApiProperty({ example: 'acme', description: 'Short id used in workflow ids (cert-cycle:acme:2026-03-16)' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/, { message: 'id must be 2 to 40 lowercase letters, digits or dashes' }) @IsString()
  id!: string;

  @ApiProperty({ example: 'ACME GmbH' }) @Transform(trim) @MaxLength(200) @IsNotEmpty() @IsString() name!: string;

  @ApiProperty({ example: 'isms@acme.example' }) @Transform(email) @IsMailbox({ message: 'ismsManager must be an email address' }) ismsManager!: string;

  @ApiProperty({ type: [String], example: ['ceo@acme.example'], description: 'Top management: they attend the management review' })
  @IsMailbox({ each: true, message: 'each of topManagement must be an email address' }) @ArrayUnique() @ArrayMaxSize(20) @ArrayMinSize(1) @IsArray()
  topManagement!: string[];

  @ApiProperty({ type: CertificationBodyDto }) @ValidateNested() @Type(() => CertificationBodyDto) @IsObject() certificationBody!: CertificationBodyDto;

  @ApiProperty({ example: 'Development and operation of the ACME SaaS platform' }) @Transform(trim) @MaxLength(5000) @IsNotEmpty() @IsString() @MultiLine() scope!: string;

  @ApiProperty({ example: 'Europe/Berlin' }) @IsTimeZone() @IsString() timeZone!: string;

  @ApiPropertyOptional({ type: [Number], default: [1, 2, 3, 4, 5], description: 'Working weekdays, 0 = Sunday' })
  @IsOptional() @Max(6, { each: true }) @Min(0, { each: true }) @IsInt({ each: true }) @ArrayUnique() @ArrayMaxSize(7) @ArrayMinSize(1) @IsArray()
  workingDays: number[] = [1, 2, 3, 4, 5];

  @ApiPropertyOptional({
    type: DoraWeekendReliefDto,
    nullable: true,
    description:
      'RTS 2025/301 Art. 5(4): a DORA report due on a weekend day or a bank holiday may be submitted by 12:00 on the next working day. Art. 5(5) excludes credit institutions, central counterparties, trading venues and other large entities: set it only if it applies to you. Absent or null: the stricter times.',
  })
  @IsOptional() @ValidateNested() @Type(() => DoraWeekendReliefDto) @IsObject()
  doraWeekendRelief: DoraWeekendReliefDto | null = null;
}

/** PUT replaces everything but the id, which is the path's. */
export class UpdateOrganisationDto extends OmitType(OrganisationDto, ['id'] as const) {}
