import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Area } from '../auth/api-key.guard';
import { AcknowledgementsService } from './acknowledgements.service';
import { ListAcknowledgementsQuery } from './dto/acknowledgement.dto';

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('acknowledgements')
export class AcknowledgementsController {
  constructor(private readonly acknowledgements: AcknowledgementsService) {}

  @Get()
  @ApiOperation({ summary: 'Who was asked to acknowledge which policy, and what became of it (open, acknowledged, closed when they left or a newer version replaced it)' })
  list(@Query() q: ListAcknowledgementsQuery) {
    return this.acknowledgements.list(q);
  }

  @Get('coverage')
  @ApiOperation({ summary: 'Per policy and department: the people on staff in its audience, and how many acknowledged the major version in force' })
  async coverage() {
    return { items: await this.acknowledgements.coverage() };
  }

  @Get('rounds/:id')
  @ApiOperation({ summary: 'A round (a document\'s major version) with its requests counted by status' })
  round(@Param('id') id: string) {
    return this.acknowledgements.round(id);
  }
}
