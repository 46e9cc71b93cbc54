import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProblemException, type Problem } from './problem';

/** Every error leaves the API as application/problem+json (RFC 9457). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    if (databaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${(exception as Error).message}`);
      res.status(503).setHeader('retry-after', '5');
      res.type('application/problem+json').json({ ...new ProblemException(503, 'The database is unavailable: try again in a few seconds').problem, instance: req.originalUrl });
      return;
    }
    const problem = toProblem(exception);
    if (problem.status >= 500 && problem.status !== 503) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    // Unavailable for now (the records, a process): say when to try again.
    if (problem.status === 503) res.setHeader('retry-after', '30');
    res.status(problem.status).type('application/problem+json').json({ ...problem, instance: req.originalUrl });
  }
}

/** PostgreSQL down, restarting or unreachable: a temporary condition the caller may retry (503), not our bug (500). */
function databaseUnavailable(exception: unknown): boolean {
  // Our own refusals are never the database's (their detail may quote what was sent).
  if (exception instanceof ProblemException) return false;
  // Duck-typed: socket errors come from Node's own realm, where `instanceof Error` need not hold.
  if (typeof exception !== 'object' || exception === null || typeof (exception as Error).message !== 'string') return false;
  const code = (exception as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (exception as { code?: string }).code;
  return (
    ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006'].includes(code ?? '') ||
    /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/.test((exception as Error).message)
  );
}

function toProblem(exception: unknown): Problem {
  if (exception instanceof ProblemException) return exception.problem;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
    return new ProblemException(status, detail).problem;
  }
  return new ProblemException(500, 'Something went wrong on our side; it has been logged.').problem;
}
