import 'reflect-metadata';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../../libs/config/src';
import { describeStartupFailure } from '../../../libs/devstack/src/startup-error';
import { startWorker } from './run';

async function main(): Promise<void> {
  const config = loadConfig();
  // Warnings and errors only: the bundler's build report at INFO drowns everything else. With
  // METRICS_PORT, the SDK's Prometheus metrics (task latencies, schedule-to-start, failures, slots).
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    ...(config.metricsPort !== undefined ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.metricsPort}` } } } } : {}),
  });
  const { running, close } = await startWorker(config);
  console.log(`worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}${config.metricsPort !== undefined ? `, metrics on :${config.metricsPort}/metrics` : ''}`);
  // The SDK drains in-flight tasks on SIGINT/SIGTERM; then the database and SMTP pools close.
  await running;
  await close();
}

main().catch((err: unknown) => {
  console.error(describeStartupFailure(err, 'the worker'));
  process.exit(1);
});
