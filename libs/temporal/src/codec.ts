import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const te = new TextEncoder();
const td = new TextDecoder();

/**
 * AES-256-GCM over every payload (workflow inputs, results, signals, activity arguments), so incident
 * details are not readable in the Temporal server's database or by its operators. Each payload gets a
 * fresh 96-bit IV; the key id travels with it so keys can be rotated (old ones kept for decoding).
 * Payloads that are not ours (written before encryption was switched on) pass through.
 */
export class AesGcmCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly current: { id: string; key: Buffer },
    older: Array<{ id: string; key: Buffer }> = [],
  ) {
    if (current.key.length !== 32) throw new Error('The payload encryption key must be 32 bytes (base64 of 32 random bytes)');
    this.keys = new Map([...older, current].map((k) => [k.id, k.key]));
  }

  /** A key from its base64 text; its id is a digest of it, so no one has to name keys. */
  static fromBase64(base64: string): AesGcmCodec {
    const key = Buffer.from(base64, 'base64');
    return new AesGcmCodec({ id: createHash('sha256').update(key).digest('hex').slice(0, 16), key });
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((p) => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
        const plain = temporal.api.common.v1.Payload.encode(p).finish();
        const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return { metadata: { encoding: te.encode(ENCODING), 'encryption-key-id': te.encode(this.current.id) }, data };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((p) => {
        if (!p.metadata || td.decode(p.metadata.encoding) !== ENCODING) return p;
        const keyId = td.decode(p.metadata['encryption-key-id']);
        const key = this.keys.get(keyId);
        if (!key) throw new Error(`No key ${keyId} to decrypt this payload: configure it as an old key`);
        const data = Buffer.from(p.data!);
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(data.length - 16));
        const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      }),
    );
  }
}

/** The data converter for a client or worker: with the codec when a key is configured. */
export function dataConverter(config: { temporal: { payloadKey?: string } }) {
  return config.temporal.payloadKey ? { payloadCodecs: [AesGcmCodec.fromBase64(config.temporal.payloadKey)] } : undefined;
}
