import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Area, type AuthedRequest } from '../auth/api-key.guard';
import { checkIdempotencyKey } from '../common/validation';
import { CancelNonconformityDto, ChangeOwnerDto, ListNonconformitiesQuery, RaiseNonconformityDto } from './dto/nonconformity.dto';
import { NonconformitiesService } from './nonconformities.service';

@ApiTags('nonconformities')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('nonconformities')
@Controller('nonconformities')
export class NonconformitiesController {
  constructor(private readonly ncs: NonconformitiesService) {}

  @Post()
  @ApiOperation({ summary: 'Raise a nonconformity: it gets the next NC number and runs through clause 10.2' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retrying with the same key returns the same NC' })
  @ApiResponse({ status: 201, description: 'Raised' })
  @ApiResponse({ status: 200, description: 'Already raised (same Idempotency-Key or source reference)' })
  @ApiResponse({ status: 422, description: 'Invalid input, each field named (problem+json)' })
  async raise(
    @Body() dto: RaiseNonconformityDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    checkIdempotencyKey(idempotencyKey);
    const { nc, created } = await this.ncs.raise(dto, req.caller, idempotencyKey);
    const json = this.ncs.toJson(nc);
    res.status(created ? 201 : 200).location(json.links.self);
    return json;
  }

  @Get()
  @ApiOperation({ summary: 'List nonconformities by status, source, classification, owner, overdue; newest first' })
  list(@Query() query: ListNonconformitiesQuery) {
    return this.ncs.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The full record: the NC, its dated timeline, its tasks, and its live step' })
  @ApiResponse({ status: 404, description: 'No such NC' })
  get(@Param('id') id: string) {
    return this.ncs.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel, with a reason (recorded in the timeline); its open task is cancelled' })
  @ApiResponse({ status: 409, description: 'Already closed or cancelled' })
  cancel(@Param('id') id: string, @Body() dto: CancelNonconformityDto, @Req() req: AuthedRequest) {
    return this.ncs.cancel(id, dto.reason, req.caller);
  }

  @Post(':id/owner')
  @HttpCode(200)
  @ApiOperation({ summary: "Change the owner: the steps to come and the owner's open tasks go to the new one" })
  @ApiResponse({ status: 409, description: 'Already closed or cancelled' })
  changeOwner(@Param('id') id: string, @Body() dto: ChangeOwnerDto, @Req() req: AuthedRequest) {
    return this.ncs.changeOwner(id, dto, req.caller);
  }
}
