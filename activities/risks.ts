import type { DataSource } from 'typeorm';
import { RiskVersion } from '../libs/db/src';
import type { RiskAssessment } from '../libs/domain/src';
import { saveRiskVersion } from '../libs/records/src';

export function createRiskActivities({ db }: { db: DataSource }) {
  return {
    /**
     * The risks a risk assessment approved, into the register: a risk already there (same asset and
     * threat) gets a new version, a new one is added. Once per activity: a retry finds its source.
     */
    async recordRisks(req: { source: string; assessedBy: string; risks: RiskAssessment[] }): Promise<string[]> {
      return db.transaction(async (tx) => {
        const done = await tx.getRepository(RiskVersion).find({ where: { source: req.source }, order: { riskId: 'ASC' } });
        if (done.length) return done.map((r) => r.riskId);
        const ids: string[] = [];
        for (const r of req.risks) {
          const [existing] = await tx.query<Array<{ risk_id: string }>>(
            `SELECT v.risk_id FROM risk_versions v JOIN risks k ON k.id = v.risk_id AND k.current_version = v.version
              WHERE lower(v.asset) = lower($1) AND lower(v.threat) = lower($2) LIMIT 1`,
            [r.asset, r.threat],
          );
          ids.push((await saveRiskVersion(tx, { ...r, riskId: existing?.risk_id, source: req.source, assessedBy: req.assessedBy })).riskId);
        }
        return ids;
      });
    },
  };
}
