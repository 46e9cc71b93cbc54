import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../../../activities';
import type { AppConfig } from '../../../libs/config/src';
import { dataConverter } from '../../../libs/temporal/src/codec';
import { temporalConnectionOptions } from '../../../libs/temporal/src/connection';

/**
 * The Temporal worker. A prebuilt bundle (production, tests) skips bundling at start-up; without
 * one the workflows are bundled from source.
 */
export async function createWorker(opts: {
  config: Pick<AppConfig, 'temporal' | 'worker'>;
  activities: Activities;
  connection?: NativeConnection;
}): Promise<Worker> {
  const { config } = opts;
  const connection = opts.connection ?? (await NativeConnection.connect(temporalConnectionOptions(config.temporal)));
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: opts.activities,
    ...(config.worker.workflowBundle
      ? { workflowBundle: { codePath: config.worker.workflowBundle } }
      : { workflowsPath: require.resolve('../../../workflows') }),
    // Each cached workflow keeps its state in memory (about 1 MB): bound it explicitly. Evicted ones
    // replay from history when they next wake, which is rare for workflows that sleep for days.
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    // On SIGTERM: stop polling, let the activities in hand finish (they send mail and write records)
    // rather than cancel them at once, the SDK's default. Keep it under the platform's kill timeout.
    shutdownGraceTime: '30 seconds',
    dataConverter: dataConverter(config),
  });
}
