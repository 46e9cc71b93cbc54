import type { EntityManager } from 'typeorm';

/**
 * The next number of this year in a counter table (NC-2026-0001, OFI-2026-0001): taken inside the
 * transaction that writes the record, so the row lock serialises concurrent writers and a rolled-back
 * write leaves no gap.
 */
export async function nextOfYear(tx: EntityManager, counters: 'nc_counters' | 'improvement_counters'): Promise<{ year: number; sequence: number }> {
  const year = new Date().getUTCFullYear();
  const [{ last }]: Array<{ last: number }> = await tx.query(
    `INSERT INTO ${counters} (year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET last = ${counters}.last + 1 RETURNING last`,
    [year],
  );
  return { year, sequence: last };
}
