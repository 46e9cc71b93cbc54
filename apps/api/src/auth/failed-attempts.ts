import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { hashApiKey } from '../../../../libs/security/src';
import { ProblemException } from '../common/problem';

/**
 * Failed authentications per address in the current minute, wherever a credential is tried (an API
 * key, a webhook signature, the dashboard's sign-in, the codec endpoint); past the limit, 429s until
 * the minute ends. Keys that just worked are remembered (by hash, for a few minutes), so they are never
 * held off. One instance for the whole API, so guessing in one place counts in all.
 */
@Injectable()
export class FailedAttempts {
  private readonly byAddress = new Map<string, { count: number; until: number }>();
  private readonly goodKeys = new Map<string, number>();
  private readonly perMinute: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.perMinute = config.api.failedAuthPerMinute;
  }

  /** Throws a 429 (with Retry-After on `res`) while the address is over the limit. */
  check(address: string | undefined, res: Response): void {
    const entry = this.byAddress.get(address ?? 'unknown');
    if (!entry || entry.until <= Date.now() || entry.count < this.perMinute) return;
    const seconds = Math.ceil((entry.until - Date.now()) / 1000);
    res.setHeader('Retry-After', String(seconds));
    throw tooManyRequests(`${this.perMinute} failed authentications a minute from this address`, seconds);
  }

  count(address: string | undefined): void {
    const now = Date.now();
    if (this.byAddress.size > 10_000) for (const [a, e] of this.byAddress) if (e.until <= now) this.byAddress.delete(a);
    const entry = this.byAddress.get(address ?? 'unknown');
    if (!entry || entry.until <= now) this.byAddress.set(address ?? 'unknown', { count: 1, until: now + 60_000 });
    else entry.count++;
  }

  valid(key: string): void {
    if (this.goodKeys.size > 10_000) this.goodKeys.clear();
    this.goodKeys.set(hashApiKey(key), Date.now() + 5 * 60_000);
  }

  recentlyValid(key: string): boolean {
    return (this.goodKeys.get(hashApiKey(key)) ?? 0) > Date.now();
  }
}

/** A 429 in the style of every other error, saying when to try again (also in Retry-After). */
export function tooManyRequests(what: string, seconds: number): ProblemException {
  return new ProblemException(429, `Too many requests: ${what}. Try again in ${seconds} s.`, [{ field: 'Authorization', message: `wait ${seconds} s (Retry-After)` }]);
}
