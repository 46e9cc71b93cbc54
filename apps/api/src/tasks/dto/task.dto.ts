import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { MAX_EVIDENCE_LINKS, MAX_NOTES_LENGTH } from '../../../../../libs/domain/src';

function IsInFuture(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isInFuture',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && Date.parse(value) > Date.now(),
        defaultMessage: (args) => `${args?.property} must be in the future`,
      },
    },
    options,
  );
}

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateTaskDto {
  @ApiProperty({ example: 'Review the access control policy', maxLength: 200 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  title!: string;

  @ApiProperty({ example: 'Read policy POL-07 and record what must change.', maxLength: 10000 })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(10000)
  instructions!: string;

  @ApiProperty({ example: 'alice@example.com', description: 'Who must do it; they get the emailed link.' })
  @Transform(trim) @IsEmail({}, { message: 'assignee must be an email address' })
  assignee!: string;

  @ApiProperty({ example: '2026-12-31T17:00:00Z', description: 'ISO 8601 date-time, in the future.' })
  @IsISO8601({ strict: true }, { message: 'dueAt must be an ISO 8601 date-time' }) @IsInFuture()
  dueAt!: string;

  @ApiPropertyOptional({ example: 'ciso@example.com', description: 'Told when the task is overdue.' })
  @IsOptional() @Transform(trim) @IsEmail({}, { message: 'escalateTo must be an email address' })
  escalateTo?: string;

  @ApiPropertyOptional({ example: 'JIRA-1234', description: 'The ticket or record this task belongs to.', maxLength: 200 })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  externalRef?: string;

  @ApiPropertyOptional({ example: ['done', 'not applicable'], description: 'Outcomes the assignee may choose (default: done).' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(100, { each: true })
  outcomes?: string[];
}

export class CompleteTaskDto {
  @ApiProperty({ example: 'done' })
  @IsString() @IsNotEmpty()
  outcome!: string;

  @ApiPropertyOptional({ maxLength: MAX_NOTES_LENGTH })
  @IsOptional() @IsString() @MaxLength(MAX_NOTES_LENGTH)
  notes?: string;

  @ApiPropertyOptional({ type: [String], example: ['https://wiki.example.com/evidence/42'] })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_EVIDENCE_LINKS) @IsUrl(URL_OPTIONS, { each: true, message: 'each evidence link must be an http(s) URL' })
  evidence?: string[];

  @ApiPropertyOptional({ example: 'bob@example.com', description: 'Who did it, if not the API key holder.' })
  @IsOptional() @IsEmail({}, { message: 'completedBy must be an email address' })
  completedBy?: string;
}

export class ReassignTaskDto {
  @ApiProperty({ example: 'bob@example.com' })
  @Transform(trim) @IsEmail({}, { message: 'to must be an email address' })
  to!: string;

  @ApiPropertyOptional({ example: 'Alice is on leave', maxLength: 1000 })
  @IsOptional() @IsString() @MaxLength(1000)
  reason?: string;
}

export class ListTasksQuery {
  @ApiPropertyOptional({ example: 'alice@example.com' })
  @IsOptional() @IsEmail({}, { message: 'assignee must be an email address' })
  assignee?: string;

  @ApiPropertyOptional({ enum: ['open', 'completed', 'cancelled'] })
  @IsOptional() @IsIn(['open', 'completed', 'cancelled'], { message: 'status must be one of: open, completed, cancelled' })
  status?: 'open' | 'completed' | 'cancelled';

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  offset: number = 0;
}
