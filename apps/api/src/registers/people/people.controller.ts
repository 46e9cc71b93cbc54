import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { isEmail } from '../../../../../libs/domain/src';
import { Area, type AuthedRequest } from '../../auth/api-key.guard';
import { ProblemException } from '../../common/problem';
import { ListPeopleQuery, PersonDto } from './dto/person.dto';
import { readPeopleFile } from './people-import';
import { PeopleService } from './people.service';

/** The address in the path, as the directory keys it (one spelling); anything else names the field. */
function address(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (!isEmail(email)) throw ProblemException.invalid([{ field: 'email', message: 'email must be an email address' }]);
  return email;
}

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Put(':email')
  @ApiOperation({ summary: 'Create or replace a person\'s entry (as an HR system or identity provider syncs it); the same entry again changes nothing' })
  @ApiResponse({ status: 201, description: 'Created' })
  @ApiResponse({ status: 200, description: 'Changed, or unchanged' })
  async put(@Param('email') raw: string, @Body() dto: PersonDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response) {
    const email = address(raw);
    const change = await this.people.put(email, dto, req.caller.name);
    res.status(change === 'created' ? 201 : 200).location(`/people/${encodeURIComponent(email)}`);
    return { ...(await this.people.get(email)), change };
  }

  @Delete(':email')
  @ApiOperation({ summary: 'Deactivate a leaver: no longer in any audience; the entry stays for the records' })
  async deactivate(@Param('email') raw: string, @Req() req: AuthedRequest) {
    const email = address(raw);
    const change = await this.people.deactivate(email, req.caller.name);
    return { ...(await this.people.get(email)), change };
  }

  @Post('import')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'email,name,department,manager,startDate,leaveDate,active\nalice@acme.example,Alice Example,Finance,bob@acme.example,2026-01-05,,true' } })
  @ApiOperation({ summary: 'A staff file (CSV with a header row): each row creates or updates an entry; a bad row is reported by line and field, the rest is kept' })
  async import(@Req() req: AuthedRequest) {
    if (!req.is('text/csv') || typeof req.body !== 'string') {
      throw new ProblemException(415, 'Send the staff file as text/csv', [{ field: 'Content-Type', message: 'must be text/csv' }]);
    }
    const file = await readPeopleFile(req.body);
    const changes = file.entries.length ? await this.people.importEntries(file.entries, req.caller.name) : [];
    const count = (c: string) => changes.filter((x) => x === c).length;
    return { received: file.received, created: count('created'), updated: count('updated'), unchanged: count('unchanged'), rejected: file.received - file.entries.length, errors: file.errors, ignoredColumns: file.ignoredColumns };
  }

  @Get()
  @ApiOperation({ summary: 'The directory by address; with an audience, who is in it today' })
  list(@Query() q: ListPeopleQuery) {
    return this.people.list(q);
  }

  @Get(':email')
  @ApiOperation({ summary: 'A person\'s entry' })
  get(@Param('email') raw: string) {
    return this.people.get(address(raw));
  }
}
