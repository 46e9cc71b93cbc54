import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Payload } from '@temporalio/common';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { findApiKey, findSessionKey } from '../../../../libs/security/src';
import { AesGcmCodec } from '../../../../libs/temporal/src/codec';
import { Public } from '../auth/api-key.guard';
import { ProblemException } from '../common/problem';
import { sessionCookie } from '../pages/cookies';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/**
 * The codec server the Temporal UI calls to show encrypted payloads to an admin: an admin API key,
 * or the dashboard session (the UI sends it with "include cross-origin credentials").
 */
@Public()
@ApiExcludeController()
@Controller('codec')
export class CodecController {
  private readonly codec: AesGcmCodec | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.codec = config.temporal.payloadKey ? AesGcmCodec.fromBase64(config.temporal.payloadKey) : undefined;
  }

  @Post('decode')
  @HttpCode(200)
  async decode(@Body() body: { payloads?: JsonPayload[] }, @Req() req: Request) {
    const codec = await this.authorised(req);
    return { payloads: (await codec.decode(this.payloads(body))).map(toJson) };
  }

  @Post('encode')
  @HttpCode(200)
  async encode(@Body() body: { payloads?: JsonPayload[] }, @Req() req: Request) {
    const codec = await this.authorised(req);
    return { payloads: (await codec.encode(this.payloads(body))).map(toJson) };
  }

  private payloads(body: { payloads?: JsonPayload[] }): Payload[] {
    if (!Array.isArray(body?.payloads) || body.payloads.length > 1000) throw ProblemException.invalid([{ field: 'payloads', message: 'payloads must be a list of payloads' }]);
    return body.payloads.map(toPayload);
  }

  private async authorised(req: Request): Promise<AesGcmCodec> {
    const bearer = req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const key = bearer ? await findApiKey(this.db, bearer) : await findSessionKey(this.db, sessionCookie(req));
    if (!key) throw new ProblemException(401, 'An admin API key or dashboard session is required');
    if (key.role !== 'admin') throw new ProblemException(403, 'Only admins may decode payloads');
    if (!this.codec) throw new ProblemException(404, 'Payload encryption is not configured (PAYLOAD_ENCRYPTION_KEY)');
    return this.codec;
  }
}
