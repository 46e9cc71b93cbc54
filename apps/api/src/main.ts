import 'reflect-metadata';
import { loadConfig } from '../../../libs/config/src';
import { createApiApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.api.port, process.env.HOST ?? '0.0.0.0');
  console.log(`listening on ${config.api.publicUrl} (OpenAPI at ${config.api.publicUrl}/docs)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
