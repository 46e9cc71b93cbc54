import { createServer, type Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { findPortHolder, portInUse } from '../../../libs/devstack/src/ports';
import { asStartupError } from '../../../libs/devstack/src/startup-error';

/**
 * The API's Prometheus metrics: Node's process figures (CPU, memory, event-loop lag) and every
 * request's duration by route pattern and status. Served on METRICS_PORT, apart from the API,
 * as the worker serves Temporal's SDK metrics: a port for the scraper, not for the internet.
 */
export const apiMetrics = new Registry();
collectDefaultMetrics({ register: apiMetrics, prefix: 'ismsflow_api_' });

const requests = new Histogram({
  name: 'ismsflow_api_request_duration_seconds',
  help: 'API requests by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [apiMetrics],
});

export function measureRequests(req: Request, res: Response, next: NextFunction): void {
  const end = requests.startTimer();
  // The route pattern (`/tasks/:id/complete`), never the raw path: ids would make a series each.
  res.on('finish', () => end({ method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? 'unmatched', status: String(res.statusCode) }));
  next();
}

const METRICS_PART = "the API's metrics endpoint";

/** Resolves once listening; a port someone holds is a StartupError naming METRICS_PORT. */
export async function serveMetrics(port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    apiMetrics.metrics().then(
      (text) => res.writeHead(200, { 'content-type': apiMetrics.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? portInUse({ part: METRICS_PART, variable: 'METRICS_PORT', port, host }, findPortHolder(port)) : asStartupError(METRICS_PART, err)),
    );
    server.listen(port, host, resolve);
  });
  return server;
}
