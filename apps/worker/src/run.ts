import { NestFactory } from '@nestjs/core';
import type { Worker } from '@temporalio/worker';
import type { Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { createActivities, type Activities } from '../../../activities';
import type { AppConfig } from '../../../libs/config/src';
import { MAILER } from '../../../libs/mail/src/mail.module';
import { createWorker } from './worker';
import { WorkerModule } from './worker.module';

/**
 * Builds the worker from the Nest context's providers; `close` drains it, then closes them. Fault
 * tests may wrap the real activities (`wrap`) to fail one at a chosen moment.
 */
export async function startWorker(
  config: AppConfig,
  wrap: (real: Activities) => Activities = (real) => real,
): Promise<{ worker: Worker; running: Promise<void>; close: () => Promise<void> }> {
  const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['warn', 'error'] });
  const activities = wrap(createActivities({ db: ctx.get(DataSource), mailer: ctx.get<Transporter>(MAILER), config }));
  const worker = await createWorker({ config, activities });
  const running = worker.run();
  return {
    worker,
    running,
    close: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await ctx.close();
    },
  };
}
