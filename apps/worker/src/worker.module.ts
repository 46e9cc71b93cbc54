import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../../libs/config/src';
import { ConfigModule } from '../../../libs/config/src/config.module';
import { DbModule } from '../../../libs/db/src/db.module';
import { MailModule } from '../../../libs/mail/src/mail.module';

/** What activities need: the database and the mail transport. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [ConfigModule.forRoot(config), DbModule, MailModule] };
  }
}
