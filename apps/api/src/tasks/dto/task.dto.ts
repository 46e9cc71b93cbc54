import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { IsDateTime, IsMailbox, MultiLine } from '../../common/input-policy';
import { MAX_EVIDENCE_LINKS, MAX_NOTES_LENGTH, type FormData } from '../../../../../libs/domain/src';
import { email, IsInFuture, PageQuery, trim, URL_OPTIONS } from '../../common/validation';

// As in every DTO here: the most basic rule (type, presence) stands last on a line (see common/validation.ts).

export class CreateTaskDto {
  @ApiProperty({ example: 'Review the access control policy', maxLength: 200 })
  @Transform(trim) @MaxLength(200) @IsNotEmpty() @IsString()
  title!: string;

  @ApiProperty({ example: 'Read policy POL-07 and record what must change.', maxLength: 10000 })
  @Transform(trim) @MaxLength(10000) @IsNotEmpty() @IsString()
  @MultiLine() instructions!: string;

  @ApiProperty({ example: 'alice@example.com', description: 'Who must do it; they get the emailed link.' })
  @Transform(email) @IsMailbox({ message: 'assignee must be an email address' })
  assignee!: string;

  @ApiProperty({ example: '2026-12-31T17:00:00Z', description: 'ISO 8601 date-time, in the future.' })
  @IsInFuture() @IsDateTime()
  dueAt!: string;

  @ApiPropertyOptional({ example: 'ciso@example.com', description: 'Told when the task is overdue.' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'escalateTo must be an email address' })
  escalateTo?: string;

  @ApiPropertyOptional({ example: 'JIRA-1234', description: 'The ticket or record this task belongs to.', maxLength: 200 })
  @IsOptional() @Transform(trim) @MaxLength(200) @IsNotEmpty() @IsString()
  externalRef?: string;

  @ApiPropertyOptional({ example: ['done', 'not applicable'], description: 'Outcomes the assignee may choose (default: done).' })
  @IsOptional() @MaxLength(100, { each: true }) @IsNotEmpty({ each: true }) @IsString({ each: true }) @ArrayMaxSize(10) @ArrayMinSize(1) @IsArray()
  outcomes?: string[];
}

export class CompleteTaskDto {
  @ApiProperty({ example: 'done' })
  @IsNotEmpty() @IsString()
  outcome!: string;

  @ApiPropertyOptional({ maxLength: MAX_NOTES_LENGTH })
  @IsOptional() @MaxLength(MAX_NOTES_LENGTH) @IsString()
  @MultiLine() notes?: string;

  @ApiPropertyOptional({ type: [String], example: ['https://wiki.example.com/evidence/42'] })
  @IsOptional() @IsUrl(URL_OPTIONS, { each: true, message: 'each evidence link must be an http(s) URL' }) @ArrayMaxSize(MAX_EVIDENCE_LINKS) @IsArray()
  evidence?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "Answers to the task's form, field by field (see the task's `form`)." })
  @IsOptional() @IsObject()
  data?: FormData;

  @ApiPropertyOptional({ example: 'bob@example.com', description: 'Who did it, if not the API key holder.' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'completedBy must be an email address' })
  completedBy?: string;
}

export class ReassignTaskDto {
  @ApiProperty({ example: 'bob@example.com' })
  @Transform(email) @IsMailbox({ message: 'to must be an email address' })
  to!: string;

  @ApiPropertyOptional({ example: 'Alice is on leave', maxLength: 1000 })
  @IsOptional() @MaxLength(1000) @IsString()
  @MultiLine() reason?: string;
}

export class ListTasksQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'alice@example.com' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'assignee must be an email address' })
  assignee?: string;

  @ApiPropertyOptional({ enum: ['open', 'completed', 'cancelled'] })
  @IsOptional() @IsIn(['open', 'completed', 'cancelled'], { message: 'status must be one of: open, completed, cancelled' })
  status?: 'open' | 'completed' | 'cancelled';

}
