import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsCalendarDate, IsMailbox } from '../../../common/input-policy';
import { email, PageQuery, trim } from '../../../common/validation';

const RESULTS = ['passed', 'failed', 'attended'] as const;

export class TrainingRecordDto {
  @ApiProperty({ example: 'alice@acme.example' }) @Transform(email) @IsMailbox({ message: 'person must be an email address' }) person!: string;
  @ApiProperty({ example: 'Security awareness 2026' }) @Transform(trim) @MaxLength(300) @IsNotEmpty() @IsString() course!: string;
  @ApiProperty({ example: '2026-11-20' }) @IsCalendarDate() @IsString() completedOn!: string;
  @ApiProperty({ enum: RESULTS }) @IsIn(RESULTS, { message: 'result must be passed, failed or attended' }) result!: string;
}

export class TrainingBatchDto {
  @ApiProperty({ type: [TrainingRecordDto] }) @ValidateNested({ each: true }) @Type(() => TrainingRecordDto) @ArrayMaxSize(1000) @ArrayMinSize(1) @IsArray() records!: TrainingRecordDto[];
}

export class ListTrainingQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @Transform(email) @IsMailbox({ message: 'person must be an email address' }) person?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(300) @IsString() course?: string;
}
