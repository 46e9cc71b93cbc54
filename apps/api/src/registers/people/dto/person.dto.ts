import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { AUDIENCE_SYNTAX } from '../../../../../../libs/domain/src';
import { IsAudience, IsCalendarDate, IsMailbox } from '../../../common/input-policy';
import { email, PageQuery, trim } from '../../../common/validation';

/** A person as an HR system or identity provider sends them; the address is the key, in the path or the file. */
export class PersonDto {
  @ApiProperty({ example: 'Alice Example' }) @Transform(trim) @MaxLength(200) @IsNotEmpty() @IsString() name!: string;
  @ApiProperty({ example: 'Finance' }) @Transform(trim) @MaxLength(100) @IsNotEmpty() @IsString() department!: string;
  @ApiPropertyOptional({ example: 'bob@acme.example', description: 'Their manager, who is told when their tasks are overdue' })
  @IsOptional() @Transform(email) @IsMailbox({ message: 'manager must be an email address' }) manager?: string;
  @ApiProperty({ example: '2026-01-05' }) @IsCalendarDate() @IsString() startDate!: string;
  @ApiPropertyOptional({ example: '2027-06-30', description: 'The last day of work' }) @IsOptional() @IsCalendarDate() @IsString() leaveDate?: string;
  @ApiPropertyOptional({ default: true, description: 'false: no longer doing work for the organisation (as DELETE does)' }) @IsOptional() @IsBoolean() active?: boolean;
}

/** A row of an imported file: a person with their address. */
export class PersonRowDto extends PersonDto {
  @Transform(email) @IsMailbox({ message: 'email must be an email address' }) email!: string;
}

export class ListPeopleQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'department:Finance', description: `Who is on staff today in an audience: ${AUDIENCE_SYNTAX}` })
  @IsOptional()
  @IsAudience()
  audience?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only active (true) or deactivated (false) entries' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'active must be true or false' })
  active?: string;
}
