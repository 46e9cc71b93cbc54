import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { AuditLogEntry } from '../../../../libs/db/src';
import { GroupCommit } from '../../../../libs/records/src';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

type AuditRow = Pick<AuditLogEntry, 'at' | 'keyId' | 'keyName' | 'method' | 'path' | 'status' | 'ip'>;

/** What a request carries for its audit row: the caller its credential proved (ApiKeyGuard, a task link, a sign-in). */
export type Audited = Request & { caller?: { id: string | null; name: string } };

/**
 * The audit log: every state-changing call, however it ends, as one row (who, what, how it ended,
 * from where). It is an Express middleware registered before anything else, so calls refused before
 * Nest's guards run (an unparsable or too large body, a rate limit) are in it as well as the rest.
 * The caller comes from the credential only; `unauthenticated` when none was proven.
 */
@Injectable()
export class AuditLog implements OnApplicationShutdown {
  private readonly logger = new Logger('audit');
  /** Under load one INSERT carries many rows (group commit); a failed write is logged with the calls it held. */
  private readonly rows = new GroupCommit<AuditRow>((rows) =>
    this.db
      .getRepository(AuditLogEntry)
      .insert(rows)
      .catch((err: unknown) => this.logger.error(`audit log write failed for ${rows.map((r) => `${r.method} ${r.path}`).join(', ')}: ${String(err)}`)),
  );

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (!READS.has(req.method)) res.once('finish', () => this.record(req as Audited, res.statusCode));
    next();
  };

  private record(req: Audited, status: number): void {
    const caller = req.caller;
    void this.rows.add({ at: new Date(), keyId: caller?.id ?? null, keyName: caller?.name ?? 'unauthenticated', method: req.method, path: auditedPath(req.originalUrl), status, ip: req.ip ?? null });
  }

  /** Nothing answered goes unaudited: the rows still queued are written before the API stops. */
  async onApplicationShutdown(): Promise<void> {
    await this.rows.drain();
  }
}

/** The path without its query, and without a task or acknowledgement link's token: the log must not hand out credentials. */
export function auditedPath(url: string): string {
  return url.split('?')[0].replace(/^\/(t|ack)\/[^/]+/, '/$1/{token}').slice(0, 2000);
}
