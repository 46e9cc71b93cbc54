/**
 * The container image's health check (docker/Dockerfile), for both roles: an API answers on its
 * /health (database, Temporal and SMTP up); a worker has no API port, and answers on METRICS_PORT.
 */
async function healthy(): Promise<boolean> {
  const api = await fetch(`http://127.0.0.1:${process.env.PORT ?? 3000}/health`).catch(() => undefined);
  if (api) return api.ok;
  if (!process.env.METRICS_PORT) return false;
  const metrics = await fetch(`http://127.0.0.1:${process.env.METRICS_PORT}/metrics`).catch(() => undefined);
  return metrics?.ok ?? false;
}

healthy().then(
  (ok) => process.exit(ok ? 0 : 1),
  () => process.exit(1),
);
