import { Module } from '@nestjs/common';
import { TaskPageController } from './task-page.controller';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

@Module({ controllers: [TasksController, TaskPageController], providers: [TasksService] })
export class TasksModule {}
