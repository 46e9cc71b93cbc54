import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Payload } from '@temporalio/common';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { findApiKey, findSessionKey } from '../../../../libs/security/src';
import { AesGcmCodec } from '../../../../libs/temporal/src/codec';
import { Public } from '../auth/api-key.guard';
import { FailedAttempts } from '../auth/failed-attempts';
import { ProblemException } from '../common/problem';
import { sessionCookie } from '../pages/cookies';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const isBase64 = (v: unknown) => typeof v === 'string' && v.length % 4 === 0 && BASE64.test(v);

/** What is wrong with one payload as the Temporal UI sends it, if anything. */
function payloadProblems(p: unknown): string[] {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return ['must be an object with metadata and data'];
  const { metadata, data } = p as Record<string, unknown>;
  const problems: string[] = [];
  if (metadata !== undefined && (!metadata || typeof metadata !== 'object' || Array.isArray(metadata) || !Object.values(metadata).every(isBase64))) {
    problems.push('metadata must map names to base64 text');
  }
  if (data !== undefined && !isBase64(data)) problems.push('data must be base64 text');
  return problems;
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
    private readonly failures: FailedAttempts,
  ) {
    this.codec = config.temporal.payloadKey ? AesGcmCodec.fromBase64(config.temporal.payloadKey) : undefined;
  }

  @Post('decode')
  @HttpCode(200)
  async decode(@Body() body: { payloads?: unknown }, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const codec = await this.authorised(req, res);
    return { payloads: (await codec.decode(this.payloads(body))).map(toJson) };
  }

  @Post('encode')
  @HttpCode(200)
  async encode(@Body() body: { payloads?: unknown }, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const codec = await this.authorised(req, res);
    return { payloads: (await codec.encode(this.payloads(body))).map(toJson) };
  }

  /** Temporal's JSON payloads (`{metadata: {name: base64}, data: base64}`), each checked before any is decoded. */
  private payloads(body: { payloads?: unknown }): Payload[] {
    if (!Array.isArray(body?.payloads) || body.payloads.length > 1000) throw ProblemException.invalid([{ field: 'payloads', message: 'payloads must be a list of at most 1,000 payloads' }]);
    const errors = body.payloads.flatMap((p: unknown, i) => payloadProblems(p).map((message) => ({ field: `payloads.${i}`, message: `payload ${i + 1}: ${message}` })));
    if (errors.length) throw ProblemException.invalid(errors);
    return (body.payloads as JsonPayload[]).map(toPayload);
  }

  private async authorised(req: Request, res: Response): Promise<AesGcmCodec> {
    const bearer = req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    // Guessing keys here counts with every other failed authentication from the address.
    if (bearer && !this.failures.recentlyValid(bearer)) this.failures.check(req.ip, res);
    const key = bearer ? await findApiKey(this.db, bearer) : await findSessionKey(this.db, sessionCookie(req));
    if (!key) {
      if (bearer) this.failures.count(req.ip);
      throw new ProblemException(401, 'An admin API key or dashboard session is required');
    }
    if (bearer) this.failures.valid(bearer);
    if (key.role !== 'admin') throw new ProblemException(403, 'Only admins may decode payloads');
    if (!this.codec) throw new ProblemException(404, 'Payload encryption is not configured (PAYLOAD_ENCRYPTION_KEY)');
    return this.codec;
  }
}
