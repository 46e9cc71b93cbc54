import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';

/**
 * Requests per minute per API key (its hash, never the key), or per client IP without one: a
 * leaked or looping integration slows down alone, and unauthenticated floods are held by address.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(req: Request): Promise<string> {
    const key = req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? req.header('x-api-key');
    return Promise.resolve(key ? `key:${createHash('sha256').update(key).digest('hex').slice(0, 32)}` : `ip:${req.ip ?? 'unknown'}`);
  }
}
