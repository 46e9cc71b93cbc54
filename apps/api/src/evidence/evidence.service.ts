import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MoreThan, type DataSource } from 'typeorm';
import { EvidenceEntry } from '../../../../libs/db/src';
import { chainChecker, type ChainBreak } from '../../../../libs/security/src';
import { writeEvidencePack, type Period } from './evidence-pack';

const BATCH = 2000;

@Injectable()
export class EvidenceService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Recomputes the whole chain, batch by batch (memory does not grow with the log), and reports the
   * first broken link. The head (last seq and hash) lets an auditor notice rows cut off the end
   * later: a chain is only as long as the head someone wrote down.
   */
  async verify(): Promise<{ ok: boolean; checked: number; head: { seq: number; hash: string } | null; firstBroken: ChainBreak | null }> {
    const checker = chainChecker();
    let after = 0;
    let head: { seq: number; hash: string } | null = null;
    for (;;) {
      const rows = await this.db.getRepository(EvidenceEntry).find({ where: { seq: MoreThan(after) }, order: { seq: 'ASC' }, take: BATCH });
      for (const row of rows) {
        const broken = checker.check(row);
        if (broken) return { ok: false, checked: checker.checked, head, firstBroken: broken };
        head = { seq: row.seq, hash: row.hash };
      }
      if (rows.length < BATCH) return { ok: true, checked: checker.checked, head, firstBroken: null };
      after = rows[rows.length - 1].seq;
    }
  }

  /** Verifies the chain first, so the pack's front page can say whether it holds. */
  async pack(out: Writable, period: Period): Promise<void> {
    await writeEvidencePack(this.db, out, period, await this.verify());
  }

  async list(q: { from?: string; to?: string; reference?: string; limit: number; offset: number }) {
    const qb = this.db.getRepository(EvidenceEntry).createQueryBuilder('e');
    if (q.from) qb.andWhere('e.at >= :from', { from: new Date(q.from) });
    if (q.to) qb.andWhere('e.at < :to', { to: new Date(q.to) });
    if (q.reference) qb.andWhere('(e.reference = :ref OR e.reference LIKE :prefix)', { ref: q.reference, prefix: `${q.reference}/%` });
    const items = await qb.orderBy('e.seq', 'ASC').take(q.limit).skip(q.offset).getMany();
    return { items, limit: q.limit, offset: q.offset };
  }
}
