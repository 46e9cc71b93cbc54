import type { EntityManager } from 'typeorm';
import { Risk, RiskVersion } from '../../db/src';
import { riskLevel, type RiskAssessment } from '../../domain/src';
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
