import 'reflect-metadata';
import { loadConfig } from '../../../libs/config/src';
import { describeStartupFailure } from '../../../libs/devstack/src/startup-error';
import { createApiApp } from './app';
import { serveMetrics } from './metrics';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  // On SIGTERM (enableShutdownHooks) the server stops accepting connections, the requests in flight
  // finish, and only then are the database pool and the Temporal connection closed.
  await app.listen(config.api.port, config.api.host);
  if (config.metricsPort !== undefined) await serveMetrics(config.metricsPort, config.api.host);
  console.log(`listening on ${config.api.publicUrl} (OpenAPI at ${config.api.publicUrl}/docs)${config.metricsPort !== undefined ? `, metrics on :${config.metricsPort}/metrics` : ''}`);
}

main().catch((err: unknown) => {
  console.error(describeStartupFailure(err, 'the API'));
  process.exit(1);
});
