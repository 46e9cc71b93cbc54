import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { ApiKey } from '../../../../libs/db/src';
import { findApiKey } from '../../../../libs/security/src';
import { ProblemException } from '../common/problem';

const PUBLIC = 'ismsflow:public';
/** Routes anyone may call: the health check, docs, and task pages (whose link is the credential). */
export const Public = () => SetMetadata(PUBLIC, true);

export type Caller = Pick<ApiKey, 'id' | 'name' | 'role'>;
export type AuthedRequest = Request & { caller: Caller };

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.header('authorization');
    const key = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? req.header('x-api-key');
    if (!key) {
      throw new ProblemException(401, 'An API key is required', [
        { field: 'Authorization', message: 'send "Authorization: Bearer <api key>" (or an X-API-Key header)' },
      ]);
    }
    const found = await findApiKey(this.db, key);
    if (!found) throw new ProblemException(401, 'The API key is not valid', [{ field: 'Authorization', message: 'unknown or revoked API key' }]);
    req.caller = { id: found.id, name: found.name, role: found.role };
    return true;
  }
}
