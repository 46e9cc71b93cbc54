import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Area, type AuthedRequest } from '../auth/api-key.guard';
import { checkIdempotencyKey } from '../common/validation';
import { CompleteTaskDto, CreateTaskDto, ListTasksQuery, ReassignTaskDto } from './dto/task.dto';
import { TasksService } from './tasks.service';

@ApiTags('tasks')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid API key (problem+json)' })
@Area('tasks')
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  @ApiOperation({ summary: 'Assign a task: the assignee is mailed a link, reminded, and escalated when overdue' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retrying with the same key returns the same task' })
  @ApiResponse({ status: 201, description: 'Created' })
  @ApiResponse({ status: 200, description: 'Replayed: this Idempotency-Key already created the task' })
  @ApiResponse({ status: 422, description: 'Invalid input, each field named (problem+json)' })
  async create(
    @Body() dto: CreateTaskDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    checkIdempotencyKey(idempotencyKey);
    const { task, created } = await this.tasks.create(dto, req.caller, idempotencyKey);
    res.status(created ? 201 : 200).location(task.links.self);
    return task;
  }

  @Get()
  @ApiOperation({ summary: 'List tasks by assignee and status, soonest due first' })
  list(@Query() query: ListTasksQuery) {
    return this.tasks.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A task with its dated history (every mail and state change)' })
  @ApiResponse({ status: 404, description: 'No such task' })
  get(@Param('id') id: string) {
    return this.tasks.get(id);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Complete a task from a ticketing system' })
  @ApiResponse({ status: 409, description: 'The task is no longer open' })
  @ApiResponse({ status: 422, description: 'Invalid outcome, notes or evidence' })
  complete(@Param('id') id: string, @Body() dto: CompleteTaskDto, @Req() req: AuthedRequest) {
    return this.tasks.complete(id, dto, req.caller);
  }

  @Post(':id/reassign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give the task to someone else: they get a new link, the old one stops working' })
  @ApiResponse({ status: 409, description: 'The task is no longer open' })
  reassign(@Param('id') id: string, @Body() dto: ReassignTaskDto, @Req() req: AuthedRequest) {
    return this.tasks.reassign(id, dto, req.caller);
  }
}
