import { Global, Module } from '@nestjs/common';
import { ApiKeyCache } from './api-key-cache';
import { FailedAttempts } from './failed-attempts';

/** What every part of the API that checks a credential shares: the key cache and the failure count. */
@Global()
@Module({ providers: [ApiKeyCache, FailedAttempts], exports: [ApiKeyCache, FailedAttempts] })
export class AuthModule {}
