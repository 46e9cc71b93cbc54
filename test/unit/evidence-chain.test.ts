import { chainChecker, evidenceHash, GENESIS_HASH, payloadDigest, type EvidenceFields } from '../../libs/security/src';

/** A chain of `n` rows as the database would hold them. */
function chain(n: number): Array<EvidenceFields & { hash: string }> {
  const rows: Array<EvidenceFields & { hash: string }> = [];
  for (let seq = 1; seq <= n; seq++) {
    const fields = {
      seq,
      key: `task:t${seq}:completed`,
      at: new Date(Date.UTC(2026, 10, seq)),
      actor: `person${seq}@acme.example`,
      process: 'humanTask',
      reference: `t${seq}`,
      kind: 'completed',
      payloadDigest: payloadDigest({ outcome: 'done', n: seq }),
      prevHash: rows.at(-1)?.hash ?? GENESIS_HASH,
    };
    rows.push({ ...fields, hash: evidenceHash(fields) });
  }
  return rows;
}

const firstBreak = (rows: Array<EvidenceFields & { hash: string }>) => {
  const checker = chainChecker();
  for (const row of rows) {
    const broken = checker.check(row);
    if (broken) return broken;
  }
  return undefined;
};

describe('the evidence hash chain', () => {
  it('holds for rows as written', () => {
    expect(firstBreak(chain(20))).toBeUndefined();
  });

  it('finds an edited row', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], actor: 'someone.else@acme.example' };
    expect(firstBreak(rows)).toEqual({ seq: 3, reason: 'row 3 was changed after it was written' });
  });

  it('finds a deleted row', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(firstBreak(rows)).toMatchObject({ seq: 3, reason: expect.stringContaining('row 2 is missing') });
  });

  it('finds reordered rows, even renumbered', () => {
    const rows = chain(5);
    const swapped = [rows[0], { ...rows[2], seq: 2 }, { ...rows[1], seq: 3 }, rows[3], rows[4]];
    expect(firstBreak(swapped)).toMatchObject({ seq: 2, reason: expect.stringContaining('removed or reordered') });
  });

  it('digests payloads whatever their key order', () => {
    expect(payloadDigest({ a: 1, b: { c: 2, d: 3 } })).toBe(payloadDigest({ b: { d: 3, c: 2 }, a: 1 }));
    expect(payloadDigest({ a: 1 })).not.toBe(payloadDigest({ a: 2 }));
  });
});
