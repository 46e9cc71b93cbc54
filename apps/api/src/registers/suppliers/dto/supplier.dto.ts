import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsCalendarDate, MultiLine } from '../../../common/input-policy';
import { trim } from '../../../common/validation';

export const CRITICALITY = ['critical', 'high', 'medium', 'low'] as const;

export class CertificateDto {
  @ApiProperty({ example: 'ISO/IEC 27001' }) @Transform(trim) @MaxLength(100) @IsNotEmpty() @IsString() type!: string;
  @ApiProperty({ example: '2027-09-30' }) @IsCalendarDate() @IsString() validUntil!: string;
}

export class SupplierDto {
  @ApiProperty({ example: 'cloudco' }) @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/, { message: 'id must be 2 to 40 lowercase letters, digits or dashes' }) @IsString() id!: string;
  @ApiProperty({ example: 'CloudCo Ltd' }) @Transform(trim) @MaxLength(300) @IsNotEmpty() @IsString() name!: string;
  @ApiProperty({ example: 'IaaS hosting of the production platform' }) @Transform(trim) @MaxLength(2000) @IsNotEmpty() @IsString() @MultiLine() services!: string;
  @ApiProperty({ enum: CRITICALITY }) @IsIn(CRITICALITY, { message: 'criticality must be critical, high, medium or low' }) criticality!: string;
  @ApiProperty({ description: 'An ICT third-party service provider (DORA Art. 28)' }) @IsBoolean() ictProvider!: boolean;
  @ApiPropertyOptional({ description: 'Legal Entity Identifier (20 characters)' }) @IsOptional() @Matches(/^[A-Z0-9]{18}[0-9]{2}$/, { message: 'lei must be a 20-character LEI' }) @IsString() lei?: string;
  @ApiPropertyOptional({ example: 'IE' }) @IsOptional() @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166 two-letter code' }) @IsString() country?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() @IsString() contractStart?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() @IsString() contractEnd?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() @IsString() lastReview?: string;
  @ApiPropertyOptional({ type: [CertificateDto] }) @IsOptional() @ValidateNested({ each: true }) @Type(() => CertificateDto) @ArrayMaxSize(20) @IsArray() certificates?: CertificateDto[];
}

export class UpdateSupplierDto extends OmitType(SupplierDto, ['id'] as const) {}
