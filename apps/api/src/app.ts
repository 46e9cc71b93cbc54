import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../../../libs/config/src';
import { AppModule } from './app.module';
import { AuditLog } from './auth/audit-log';
import { validationPipe } from './common/input-policy';
import { ProblemException } from './common/problem';
import { measureRequests } from './metrics';

type BodyParserError = Error & { status?: number; type?: string };

/** The API as an application object: `main.ts` listens with it, tests run it in-process. */
export async function createApiApp(config: AppConfig, logger: LogLevel[] | false = ['warn', 'error']): Promise<INestApplication> {
  // rawBody: Nest keeps each body's bytes as req.rawBody, for the signature check of inbound ticketing webhooks.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger, bodyParser: false, rawBody: true });
  // First of all: every state-changing call is audited, also those refused before Nest sees them.
  app.use(app.get(AuditLog).middleware);
  app.useBodyParser('json', { limit: '256kb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  // Staff files (POST /people/import): 50,000 rows fit.
  app.useBodyParser('text', { type: 'text/csv', limit: '10mb' });
  // Body-parser errors happen before Nest's filters see the request: answer them as problems here.
  app.use((err: BodyParserError, req: Request, res: Response, next: NextFunction) => {
    if (!err?.status || err.status >= 500) return next(err);
    const detail = err.type === 'entity.too.large' ? 'The request body is too large' : 'The request body could not be parsed';
    const message = err.type === 'entity.parse.failed' ? 'The request body is not valid JSON' : detail;
    res.status(err.status).type('application/problem+json').json({ ...new ProblemException(err.status, detail, [{ field: 'body', message }]).problem, instance: req.originalUrl });
  });
  app.disable('x-powered-by');
  // Behind a proxy (docker/nginx.conf, a load balancer) the client's address is in X-Forwarded-For.
  if (config.api.trustProxy) app.set('trust proxy', /^\d+$/.test(config.api.trustProxy) ? Number(config.api.trustProxy) : config.api.trustProxy);
  app.use(measureRequests);
  // Security headers. Pages run only ismsflow's own scripts (inline styles allowed); Swagger UI at
  // /docs brings its own inline set-up, so it gets every header but the content security policy.
  const pages = helmet({
    contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'], 'form-action': ["'self'"] } },
  });
  const docs = helmet({ contentSecurityPolicy: false });
  app.use((req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/docs') ? docs : pages)(req, res, next));
  // The Temporal UI calls the codec server from its own origin, with credentials.
  const uiOrigin = new URL(config.temporal.uiUrl).origin;
  app.use('/codec', (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('access-control-allow-origin', uiOrigin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('access-control-allow-headers', 'content-type, x-namespace, authorization');
    res.setHeader('access-control-allow-methods', 'POST');
    res.setHeader('vary', 'origin');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('ismsflow API')
    .setDescription('Starts and drives the ISMS workflows. Errors are RFC 9457 problem+json naming the field.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (`npm run apikey -- create <name>`)' })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
  return app;
}
