import { readEnv } from '../libs/config/src';

/**
 * The container image's health check (docker/Dockerfile), for both roles: an API answers on its
 * /health (database, Temporal and SMTP up); a worker has no API port, and answers on METRICS_PORT.
 */
async function healthy(): Promise<boolean> {
  const { PORT, METRICS_PORT } = readEnv(['PORT', 'METRICS_PORT']);
  const api = await fetch(`http://127.0.0.1:${PORT}/health`).catch(() => undefined);
  if (api) return api.ok;
  if (METRICS_PORT === undefined) return false;
  const metrics = await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`).catch(() => undefined);
  return metrics?.ok ?? false;
}

healthy().then(
  (ok) => process.exit(ok ? 0 : 1),
  () => process.exit(1),
);
