import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Risk, RiskAcceptance, RiskVersion } from '../../../../../libs/db/src';
import { acceptanceState, ANNEX_A_IDS, riskBand, type RiskAssessment, type RiskTreatment } from '../../../../../libs/domain/src';
import { appendEvidence, saveRiskVersion } from '../../../../../libs/records/src';
import { ProblemException } from '../../common/problem';
import type { AcceptanceDto, ListRisksQuery, RiskDto } from './dto/risk.dto';

/** The risk register (ISO 27001 6.1.2, 6.1.3, 8.2, 8.3): dated versions, never overwritten, and the owners' acceptances. */
@Injectable()
export class RisksService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A new risk (version 1); returns its id. */
  async create(dto: RiskDto, assessedBy: string): Promise<string> {
    checkControls(dto);
    return (await saveRiskVersion(this.db.manager, { ...dto, controls: dto.controls ?? [], source: 'api', assessedBy })).riskId;
  }

  async reassess(id: string, dto: RiskDto, assessedBy: string): Promise<void> {
    await this.find(id);
    checkControls(dto);
    await saveRiskVersion(this.db.manager, { ...dto, controls: dto.controls ?? [], riskId: id, source: 'api', assessedBy });
  }

  /** The owner accepts the current version's residual risk; the same acceptance again (a retry) adds nothing. */
  async accept(id: string, dto: AcceptanceDto, acceptedBy: string, recordedBy: string | undefined): Promise<void> {
    const risk = await this.find(id);
    const current = await this.db.getRepository(RiskVersion).findOneByOrFail({ riskId: id, version: risk.currentVersion });
    const errors = [
      ...(dto.version !== risk.currentVersion ? [{ field: 'version', message: `version ${dto.version} is not the current one (${risk.currentVersion}): accept what is assessed now` }] : []),
      ...(acceptedBy !== current.owner ? [{ field: 'acceptedBy', message: `only the risk owner (${current.owner}) accepts the residual risk` }] : []),
    ];
    if (errors.length) throw ProblemException.invalid(errors);
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM risks WHERE id = $1 FOR UPDATE', [id]);
      if (await tx.getRepository(RiskAcceptance).existsBy({ riskId: id, version: dto.version, acceptedBy })) return;
      const row = await tx.getRepository(RiskAcceptance).save({ riskId: id, version: dto.version, acceptedBy, recordedBy: recordedBy ?? null, acceptedAt: new Date(), note: dto.note ?? null });
      await appendEvidence(tx, [{ key: `risk:${id}:v${dto.version}:accepted`, at: row.acceptedAt, actor: acceptedBy, process: 'riskRegister', reference: id, kind: 'riskAccepted', payload: { version: dto.version, note: row.note, ...(recordedBy ? { recordedBy } : {}) } }]);
    });
  }

  /** The whole register in three queries, however many risks it holds. */
  async list(q: ListRisksQuery) {
    const [risks, versions, acceptances] = await Promise.all([
      this.db.getRepository(Risk).find({ order: { id: 'ASC' } }),
      this.db.getRepository(RiskVersion).find({ order: { riskId: 'ASC', version: 'ASC' } }),
      this.db.getRepository(RiskAcceptance).find({ order: { acceptedAt: 'ASC' } }),
    ]);
    const all = risks.map((r) => riskView(r, versions.filter((v) => v.riskId === r.id), acceptances.filter((a) => a.riskId === r.id)));
    return all.filter((r) => (!q.owner || r.current.owner === q.owner) && (!q.band || r.band === q.band) && (q.acceptanceRequired === undefined || r.acceptanceRequired === q.acceptanceRequired));
  }

  async get(id: string) {
    const risk = await this.find(id);
    const [versions, acceptances] = await Promise.all([
      this.db.getRepository(RiskVersion).find({ where: { riskId: id }, order: { version: 'ASC' } }),
      this.db.getRepository(RiskAcceptance).find({ where: { riskId: id }, order: { acceptedAt: 'ASC' } }),
    ]);
    return riskView(risk, versions, acceptances);
  }

  private async find(id: string): Promise<Risk> {
    const risk = /^R-\d{4,}$/.test(id) ? await this.db.getRepository(Risk).findOneBy({ id }) : null;
    if (!risk) throw new ProblemException(404, `There is no risk ${id}`);
    return risk;
  }
}

/** A risk as the register shows it: its current version, band and acceptance, from its versions (in order) and acceptances. */
function riskView(risk: Risk, versions: RiskVersion[], acceptances: RiskAcceptance[]) {
  const current = versions.find((v) => v.version === risk.currentVersion)!;
  const state = acceptanceState(
    versions.map((v) => ({ version: v.version, assessment: assessment(v) })),
    acceptances.map((a) => a.version),
  );
  return { id: risk.id, current, band: riskBand(current.level), ...state, versions, acceptances };
}

const assessment = (v: RiskVersion): RiskAssessment => ({ ...v, treatment: v.treatment as RiskTreatment, plan: v.plan ?? undefined });

function checkControls(dto: RiskDto): void {
  const unknown = (dto.controls ?? []).filter((c) => !ANNEX_A_IDS.has(c));
  if (unknown.length) throw ProblemException.invalid([{ field: 'controls', message: `not Annex A 2022 controls: ${unknown.join(', ')}` }]);
}
