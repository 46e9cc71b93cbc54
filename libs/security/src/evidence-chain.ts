import { createHash } from 'node:crypto';

/**
 * The evidence log's hash chain: each row's hash covers its own fields and the previous row's hash,
 * so editing, deleting or reordering any row breaks every hash after it. Pure: the database
 * appends with it, `GET /evidence/verify` and an auditor's own script recompute it.
 */
export interface EvidenceFields {
  seq: number;
  key: string;
  at: Date;
  actor: string;
  process: string;
  reference: string;
  kind: string;
  payloadDigest: string;
  prevHash: string;
}

/** The first row's `prevHash`. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with keys sorted at every level and no undefined values: the same data, the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

export function payloadDigest(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload ?? null)).digest('hex');
}

export function evidenceHash(f: EvidenceFields): string {
  return createHash('sha256')
    .update([f.prevHash, f.seq, f.key, f.at.toISOString(), f.actor, f.process, f.reference, f.kind, f.payloadDigest].join('\n'))
    .digest('hex');
}

export type ChainBreak = { seq: number; reason: string };

/**
 * Checks rows in the order they were read (by seq): numbering without gaps (a deleted row), each
 * pointing at the previous hash (deleted or reordered rows), each hash matching its fields (an edit).
 * Feed it batch by batch; it remembers where the chain stands.
 */
export function chainChecker() {
  let prev: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  return {
    check(row: EvidenceFields & { hash: string }): ChainBreak | undefined {
      if (row.seq !== prev.seq + 1) return { seq: row.seq, reason: `row ${prev.seq + 1} is missing: the row after ${prev.seq} is ${row.seq}` };
      if (row.prevHash !== prev.hash) return { seq: row.seq, reason: `row ${row.seq} does not follow row ${prev.seq}: rows were removed or reordered` };
      if (evidenceHash(row) !== row.hash) return { seq: row.seq, reason: `row ${row.seq} was changed after it was written` };
      prev = { seq: row.seq, hash: row.hash };
      checked++;
      return undefined;
    },
    get checked() {
      return checked;
    },
  };
}
