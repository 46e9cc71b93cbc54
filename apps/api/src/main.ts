import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../../../libs/config/src';
import { createApiApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.api.port, process.env.HOST ?? '0.0.0.0');
  new Logger('api').log(`listening on ${config.api.publicUrl} (OpenAPI at ${config.api.publicUrl}/docs)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
