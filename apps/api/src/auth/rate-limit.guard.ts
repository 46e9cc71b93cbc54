import { createHash } from 'node:crypto';
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { isPublicRoute } from './api-key.guard';
import { tooManyRequests } from './failed-attempts';

/**
 * Requests per minute per API key (its hash, never the key), or per client address without one: a
 * leaked or looping integration slows down alone. Pages reached by link (task pages, my tasks, the
 * dashboard's sign-in, the calendar) count per address whatever headers a request carries, so made-up
 * keys cannot buy fresh buckets; failed authentications, wherever a credential is tried, are limited
 * per address in FailedAttempts.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  // The throttler passes the route's context as a second argument, though its own signature omits it.
  protected override getTracker(req: Request, ...[context]: [ExecutionContext?]): Promise<string> {
    const key = req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? req.header('x-api-key');
    const byAddress = !key || (context !== undefined && isPublicRoute(this.reflector, context));
    return Promise.resolve(byAddress ? `ip:${req.ip ?? 'unknown'}` : `key:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`);
  }

  protected override throwThrottlingException(context: ExecutionContext, limit: ThrottlerLimitDetail): Promise<void> {
    const seconds = Math.max(1, limit.timeToBlockExpire);
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(seconds));
    throw tooManyRequests(`at most ${limit.limit} requests a minute`, seconds);
  }
}
