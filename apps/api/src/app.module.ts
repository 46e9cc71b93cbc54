import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { AppConfig } from '../../../libs/config/src';
import { ConfigModule } from '../../../libs/config/src/config.module';
import { DbModule } from '../../../libs/db/src/db.module';
import { MailModule } from '../../../libs/mail/src/mail.module';
import { TemporalModule } from '../../../libs/temporal/src/temporal.module';
import { ThrottlerModule } from '@nestjs/throttler';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AuthModule } from './auth/auth.module';
import { AuditLog } from './auth/audit-log';
import { RateLimitGuard } from './auth/rate-limit.guard';
import { ProblemFilter } from './common/problem.filter';
import { CertificationModule } from './certification/certification.module';
import { EvidenceModule } from './evidence/evidence.module';
import { RegistersModule } from './registers/registers.module';
import { AcknowledgementsModule } from './acknowledgements/acknowledgements.module';
import { PagesModule } from './pages/pages.module';
import { HealthModule } from './health/health.module';
import { IncidentsModule } from './incidents/incidents.module';
import { NonconformitiesModule } from './nonconformities/nonconformities.module';
import { OrganisationsModule } from './organisations/organisations.module';
import { PendingStartsModule } from './pending-starts/pending-starts.module';
import { TasksModule } from './tasks/tasks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Named `default` so its headers are the standard ones (Retry-After, not Retry-After-<name>).
        ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: 60_000, limit: config.api.rateLimitPerMinute }] }),
        ConfigModule.forRoot(config), DbModule, AuthModule, MailModule, TemporalModule, HealthModule, TasksModule, NonconformitiesModule, IncidentsModule, OrganisationsModule, CertificationModule, EvidenceModule, RegistersModule, AcknowledgementsModule, PagesModule, PendingStartsModule],
      providers: [
        AuditLog,
        // Rate limits first: a flood is refused before its keys are looked up.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
