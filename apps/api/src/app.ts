import { ValidationPipe, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../../../libs/config/src';
import { AppModule } from './app.module';
import { fieldErrors, ProblemException } from './common/problem';

/** The API as an application object: `main.ts` listens with it, tests run it in-process. */
export async function createApiApp(config: AppConfig, logger: LogLevel[] | false = ['log', 'warn', 'error']): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger, bodyParser: false });
  app.useBodyParser('json', { limit: '256kb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  app.disable('x-powered-by');
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => ProblemException.invalid(fieldErrors(errors)),
    }),
  );
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
