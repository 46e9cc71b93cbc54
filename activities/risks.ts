import type { DataSource, EntityManager } from 'typeorm';
import { Risk, RiskVersion } from '../libs/db/src';
import { riskLevel, type RiskAssessment } from '../libs/domain/src';
import { appendEvidence } from './evidence';

/**
 * Writes an assessment as the next version of a risk (a new risk when `riskId` is absent), with
 * its evidence row. Versions are never overwritten: the register's history is the assessments.
 */
export async function saveRiskVersion(
  manager: EntityManager,
  a: RiskAssessment & { riskId?: string; source: string; assessedBy: string; assessedAt?: Date },
): Promise<RiskVersion> {
  return manager.transaction(async (tx) => {
    const now = a.assessedAt ?? new Date();
    let riskId = a.riskId;
    let version = 1;
    if (riskId) {
      const [row] = await tx.query<Array<{ current_version: number }>>('SELECT current_version FROM risks WHERE id = $1 FOR UPDATE', [riskId]);
      version = row.current_version + 1;
      await tx.getRepository(Risk).update({ id: riskId }, { currentVersion: version, updatedAt: now });
    } else {
      const [{ n }] = await tx.query<Array<{ n: string }>>(`SELECT nextval('risk_numbers') AS n`);
      riskId = `R-${n.padStart(4, '0')}`;
      await tx.getRepository(Risk).insert({ id: riskId, currentVersion: 1, createdAt: now, updatedAt: now });
    }
    const row = tx.getRepository(RiskVersion).create({
      riskId,
      version,
      asset: a.asset,
      threat: a.threat,
      vulnerability: a.vulnerability,
      owner: a.owner.toLowerCase(),
      consequence: a.consequence,
      likelihood: a.likelihood,
      level: riskLevel(a),
      treatment: a.treatment,
      rationale: a.rationale,
      controls: a.controls,
      plan: a.plan ?? null,
      source: a.source,
      assessedBy: a.assessedBy,
      assessedAt: now,
    });
    await tx.getRepository(RiskVersion).insert(row);
    await appendEvidence(tx, [{ key: `risk:${riskId}:v${version}`, at: now, actor: a.assessedBy, process: 'riskRegister', reference: riskId, kind: version === 1 ? 'riskIdentified' : 'riskReassessed', payload: row }]);
    return row;
  });
}

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
