import type { EntityManager } from 'typeorm';
import { EvidenceEntry } from '../../db/src';
import { evidenceHash, GENESIS_HASH, payloadDigest } from '../../security/src';

export interface Evidence {
  /** What it records, once: the same key again (a retried activity) appends nothing. */
  key: string;
  at?: Date;
  actor: string;
  process: string;
  reference: string;
  kind: string;
  /** Only its digest is logged; the record itself lives in its own table. */
  payload?: unknown;
}

/** One lock for the whole chain: appends are serialised so each row follows the one before. */
const CHAIN_LOCK = 0x15_35_f1_0e;

/**
 * Appends entries to the evidence log, in the caller's transaction when there is one, so a record
 * and its evidence are written together or not at all.
 */
export async function appendEvidence(manager: EntityManager, entries: Evidence[]): Promise<void> {
  if (entries.length === 0) return;
  await manager.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    const keys = entries.map((e) => e.key);
    const logged = new Set((await tx.query<Array<{ key: string }>>('SELECT key FROM evidence_log WHERE key = ANY($1)', [keys])).map((r) => r.key));
    const [last] = await tx.query<Array<{ seq: string; hash: string }>>('SELECT seq, hash FROM evidence_log ORDER BY seq DESC LIMIT 1');
    let prev = { seq: last ? Number(last.seq) : 0, hash: last?.hash ?? GENESIS_HASH };
    const rows: EvidenceEntry[] = [];
    for (const e of entries) {
      if (logged.has(e.key)) continue;
      logged.add(e.key);
      const fields = {
        seq: prev.seq + 1,
        key: e.key,
        at: e.at ?? new Date(),
        actor: e.actor,
        process: e.process,
        reference: e.reference,
        kind: e.kind,
        payloadDigest: payloadDigest(e.payload),
        prevHash: prev.hash,
      };
      const row = Object.assign(new EvidenceEntry(), fields, { hash: evidenceHash(fields) });
      rows.push(row);
      prev = row;
    }
    // In slices: one INSERT holds at most 65,535 parameters (a staff file of 10,000 people is 110,000).
    for (let i = 0; i < rows.length; i += 1000) await tx.getRepository(EvidenceEntry).insert(rows.slice(i, i + 1000));
  });
}
