import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsNumber, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate, IsMailbox } from '../../../common/input-policy';
import { email, trim } from '../../../common/validation';

/** A metric's values are figures people read (percentages, counts, hours): beyond this they are a typo, and lose precision. */
const METRIC_BOUND = 1e12;

export class ObjectiveDto {
  @ApiProperty({ example: 'patch-critical' }) @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/, { message: 'id must be 2 to 40 lowercase letters, digits or dashes' }) @IsString() id!: string;
  @ApiProperty({ example: 'Patch critical vulnerabilities quickly' }) @Transform(trim) @MaxLength(500) @IsNotEmpty() @IsString() objective!: string;
  @ApiProperty({ example: 'Share of critical CVEs patched within 14 days (%)' }) @Transform(trim) @MaxLength(500) @IsNotEmpty() @IsString() metric!: string;
  @ApiProperty() @Transform(email) @IsMailbox({ message: 'owner must be an email address' }) owner!: string;
  @ApiProperty({ example: 95, description: `a number within ±${METRIC_BOUND.toExponential()}` })
  @Max(METRIC_BOUND, { message: 'target is out of range' }) @Min(-METRIC_BOUND, { message: 'target is out of range' }) @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'target must be a number' })
  target!: number;
  @ApiProperty({ enum: ['atLeast', 'atMost'] }) @IsIn(['atLeast', 'atMost'], { message: 'direction must be atLeast or atMost' }) direction!: string;
}

export class MeasurementDto {
  @ApiProperty({ example: '2026-11-30' }) @IsCalendarDate() @IsString() measuredOn!: string;
  @ApiProperty({ example: 97.5, description: `a number within ±${METRIC_BOUND.toExponential()}` })
  @Max(METRIC_BOUND, { message: 'value is out of range' }) @Min(-METRIC_BOUND, { message: 'value is out of range' }) @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'value must be a number' })
  value!: number;
}
