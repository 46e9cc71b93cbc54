import { Body, Controller, Get, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Area, type AuthedRequest } from '../../auth/api-key.guard';
import { ListTrainingQuery, TrainingBatchDto } from './dto/training.dto';
import { TrainingService } from './training.service';

@ApiTags('registers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('registers')
@Controller('training-records')
export class TrainingController {
  constructor(private readonly training: TrainingService) {}

  @Post()
  @ApiBody({ type: TrainingBatchDto })
  @ApiOperation({ summary: 'Training records from the LMS (person, course, date, result); the same record again is ignored' })
  record(@Body() dto: TrainingBatchDto, @Req() req: AuthedRequest) {
    return this.training.record(dto, req.caller.name);
  }

  @Get()
  @ApiOperation({ summary: 'Training records, newest first' })
  list(@Query() q: ListTrainingQuery) {
    return this.training.list(q);
  }
}
