import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { trim } from '../../../common/validation';

const IMPLEMENTATION = ['not started', 'partial', 'implemented'] as const;

export class SoaEntryDto {
  @ApiProperty() @IsBoolean() applicable!: boolean;
  @ApiProperty({ description: 'Why it is included (the risks, requirements) or why it is excluded: both need a reason' })
  @Transform(trim) @MaxLength(5000) @IsNotEmpty() @IsString()
  justification!: string;
  @ApiProperty({ enum: IMPLEMENTATION }) @IsIn(IMPLEMENTATION, { message: 'implementation must be not started, partial or implemented' }) implementation!: string;
}
