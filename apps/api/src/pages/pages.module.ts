import { Module } from '@nestjs/common';
import { AssetsController, DashboardController } from './dashboard.controller';
import { CodecController } from '../codec/codec.controller';
import { MyTasksController } from './my-tasks.controller';

/** Pages people look at: their own tasks, and the admins' dashboard. */
@Module({ controllers: [MyTasksController, DashboardController, AssetsController, CodecController] })
export class PagesModule {}
