import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

function encode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % ALPHABET.length];
  return out;
}

/** Short ids people can read aloud and admins can type into the Temporal UI (60 bits). */
export function newTaskId(): string {
  return encode(randomBytes(12), 12);
}

/** The task id an Idempotency-Key maps to: the same key from the same client gives the same task. */
export function taskIdForIdempotencyKey(clientId: string, key: string): string {
  return encode(createHash('sha256').update(`${clientId}\0${key}`).digest(), 12);
}
