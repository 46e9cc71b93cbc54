import { Inject, Injectable, Logger, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import type { ApiKey } from '../../../../libs/db/src';
import { hasScope, verifyWebhookSignature, type Scope } from '../../../../libs/security/src';
import { ProblemException } from '../common/problem';
import { ApiKeyCache } from './api-key-cache';
import { FailedAttempts } from './failed-attempts';

const PUBLIC = 'ismsflow:public';
const AREA = 'ismsflow:area';
const SIGNED_BY = 'ismsflow:signedBy';
/** Routes anyone may call: the health check, docs, and task pages (whose link is the credential). */
export const Public = () => SetMetadata(PUBLIC, true);
export const isPublicRoute = (reflector: Reflector, ctx: ExecutionContext) => reflector.getAllAndOverride<boolean>(PUBLIC, [ctx.getHandler(), ctx.getClass()]) === true;
/**
 * A ticketing system's webhook. When the system has a shared secret with `verifyInbound`
 * (TICKET_WEBHOOKS), the signature of the body is its credential: no API key, since a Jira system
 * webhook cannot send one. Without one, an API key with the route's scope is needed as anywhere else.
 */
export const SignedWebhook = (system: string) => SetMetadata(SIGNED_BY, system);
/** The headers a signature may come in: Jira's (WebSub), GitHub-style, or ismsflow's own. */
const SIGNATURE_HEADERS = ['x-hub-signature-256', 'x-hub-signature', 'x-ismsflow-signature'];
/**
 * The scope a controller's changes need (`<area>:write`; reads need `read`), or `admin` for the
 * whole controller. A route with neither is for admin keys only.
 */
export const Area = (area: 'tasks' | 'incidents' | 'nonconformities' | 'certification' | 'registers' | 'admin') => SetMetadata(AREA, area);

/** Who is calling: an API key, or a ticketing system proven by its signature (no key id then). */
export type Caller = Pick<ApiKey, 'name' | 'role' | 'scopes'> & { id: string | null };
export type AuthedRequest = Request & { caller: Caller; rawBody?: Buffer };

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger('api keys');
  /** When this process last recorded each key's use: most requests then need no write at all. */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeyCache,
    /** Failed authentications per address: guessing keys or signatures is slowed down before any lookup. */
    private readonly failures: FailedAttempts,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (isPublicRoute(this.reflector, ctx)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const read = READS.has(req.method);
    const system = this.reflector.get<string | undefined>(SIGNED_BY, ctx.getHandler());
    const hook = system ? this.config.webhooks[system] : undefined;
    try {
      req.caller = hook?.verifyInbound && hook.secret ? this.signedBy(system!, hook.secret, req, res) : await this.keyHolder(req, res);
    } catch (err) {
      if (err instanceof ProblemException && err.problem.status === 401) this.failures.count(req.ip);
      throw err;
    }

    const area = this.reflector.getAllAndOverride<string | undefined>(AREA, [ctx.getHandler(), ctx.getClass()]) ?? 'admin';
    const needed = (area === 'admin' ? 'admin' : read ? 'read' : `${area}:write`) as Scope;
    if (!hasScope(req.caller, needed)) throw new ProblemException(403, `The API key "${req.caller.name}" lacks the scope ${needed}`, [{ field: 'Authorization', message: `needs the scope ${needed}` }]);
    return true;
  }

  /** A ticketing system whose body carries the HMAC of its shared secret: it may report and update incidents, nothing else. */
  private signedBy(system: string, secret: string, req: AuthedRequest, res: Response): Caller {
    this.failures.check(req.ip, res);
    const given = SIGNATURE_HEADERS.map((h) => req.header(h)).find((v) => v !== undefined);
    if (!verifyWebhookSignature(secret, req.rawBody ?? Buffer.alloc(0), given)) {
      throw new ProblemException(401, `The ${system} webhook is not signed with the shared secret`, [
        { field: 'X-Hub-Signature', message: 'sha256=<HMAC-SHA256 of the body with the shared secret, hex or base64> is required' },
      ]);
    }
    // The ticketing system names its own users (who resolved, who commented): what on-behalf is for.
    return { id: null, name: `${system} webhook`, role: 'integration', scopes: ['incidents:write', 'on-behalf'] };
  }

  private async keyHolder(req: AuthedRequest, res: Response): Promise<Caller> {
    const header = req.header('authorization');
    const key = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? req.header('x-api-key');
    if (!key) {
      throw new ProblemException(401, 'An API key is required', [
        { field: 'Authorization', message: 'send "Authorization: Bearer <api key>" (or an X-API-Key header)' },
      ]);
    }
    // An address that keeps failing is held off before any lookup, unless its key has just worked
    // (a good integration behind the same NAT as someone guessing keeps working).
    if (!this.failures.recentlyValid(key)) this.failures.check(req.ip, res);
    const found = await this.keys.find(key);
    if (!found) throw new ProblemException(401, 'The API key is not valid', [{ field: 'Authorization', message: 'unknown or revoked API key' }]);
    this.failures.valid(key);
    void this.touch(found.id);
    return { id: found.id, name: found.name, role: found.role, scopes: found.scopes };
  }

  /** Last use, at most once a minute per key: enough to spot unused keys, without a write per request. */
  private async touch(id: string): Promise<void> {
    const now = Date.now();
    if (now - (this.touched.get(id) ?? 0) < 60_000) return;
    this.touched.set(id, now);
    await this.db
      .query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id])
      .catch((err: unknown) => this.logger.warn(`could not record the key's last use: ${String(err)}`));
  }
}
