import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../../config/src';

export const MAILER = Symbol('MAILER');

export function createMailer(smtp: AppConfig['smtp']): Transporter {
  // A pool reuses one SMTP connection for bursts of reminders instead of one per mail.
  return createTransport(smtp.url, { pool: true, maxConnections: 2 } as never);
}

@Global()
@Module({
  providers: [{ provide: MAILER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createMailer(config.smtp) }],
  exports: [MAILER],
})
export class MailModule implements OnApplicationShutdown {
  constructor(@Inject(MAILER) private readonly mailer: Transporter) {}
  onApplicationShutdown(): void {
    this.mailer.close();
  }
}
