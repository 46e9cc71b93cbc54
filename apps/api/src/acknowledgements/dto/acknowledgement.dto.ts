import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsMailbox } from '../../common/input-policy';
import { email, PageQuery } from '../../common/validation';

const STATUSES = ['open', 'acknowledged', 'closed'] as const;

export class ListAcknowledgementsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'alice@acme.example' }) @IsOptional() @Transform(email) @IsMailbox({ message: 'person must be an email address' }) person?: string;
  @ApiPropertyOptional({ example: 'POL-01@2', description: 'A round: the document and its major version' }) @IsOptional() @MaxLength(80) @IsString() round?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES, { message: `status must be one of: ${STATUSES.join(', ')}` }) status?: (typeof STATUSES)[number];
}
