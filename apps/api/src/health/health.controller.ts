import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import { MAILER } from '../../../../libs/mail/src/mail.module';
import { TEMPORAL_CLIENT } from '../../../../libs/temporal/src/temporal.module';
import { Public } from '../auth/api-key.guard';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(MAILER) private readonly mailer: Transporter,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Reports the database, Temporal and SMTP: 200 when all are up, 503 otherwise' })
  check() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 3000 }),
      () =>
        this.probe('temporal', async () => {
          const info = await this.temporal.workflowService.getSystemInfo({});
          return { serverVersion: info.serverVersion };
        }),
      () => this.probe('smtp', async () => ((await this.mailer.verify()), {})),
    ]);
  }

  private async probe<K extends string>(key: K, fn: () => Promise<Record<string, unknown>>) {
    const session = this.indicators.check(key);
    try {
      return session.up(await withTimeout(fn(), 3000));
    } catch (err) {
      return session.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
