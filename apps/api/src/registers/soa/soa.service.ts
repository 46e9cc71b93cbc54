import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SoaControl } from '../../../../../libs/db/src';
import { appendEvidence } from '../../../../../libs/records/src';
import { ProblemException } from '../../common/problem';
import type { SoaEntryDto } from './dto/soa.dto';

/** The Statement of Applicability (ISO 27001 6.1.3 d): the 93 Annex A 2022 controls and a decision on each. */
@Injectable()
export class SoaService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every control with the risks whose current version it treats. */
  async list() {
    const controls = await this.db.query<Array<Record<string, unknown>>>(
      `SELECT c.control_id AS "controlId", c.title, c.theme, c.applicable, c.justification, c.implementation, c.updated_by AS "updatedBy", c.updated_at AS "updatedAt",
              COALESCE(array_agg(cur.risk_id ORDER BY cur.risk_id) FILTER (WHERE cur.risk_id IS NOT NULL), '{}') AS "linkedRisks"
         FROM soa_controls c
         LEFT JOIN (SELECT v.risk_id, v.controls FROM risk_versions v JOIN risks k ON k.id = v.risk_id AND k.current_version = v.version) cur
           ON cur.controls ? c.control_id
        GROUP BY c.control_id
        ORDER BY split_part(c.control_id, '.', 2)::int, split_part(c.control_id, '.', 3)::int`,
    );
    const decided = controls.filter((c) => c.applicable !== null).length;
    return { controls, decided, total: controls.length };
  }

  /** The same decision again (a retry) is no new decision: nothing written, nothing logged. */
  async decide(controlId: string, dto: SoaEntryDto, actor: string): Promise<SoaControl> {
    if (!dto.applicable && dto.implementation !== 'not started') {
      throw ProblemException.invalid([{ field: 'implementation', message: 'an excluded control is not implemented: set implementation to not started' }]);
    }
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(SoaControl);
      const control = await repo.findOne({ where: { controlId }, lock: { mode: 'pessimistic_write' } });
      if (!control) throw new ProblemException(404, `${controlId} is not an Annex A 2022 control (A.5.1 to A.8.34)`);
      if (control.applicable === dto.applicable && control.justification === dto.justification && control.implementation === dto.implementation) return control;
      const now = new Date();
      await repo.update({ controlId }, { ...dto, updatedBy: actor, updatedAt: now });
      await appendEvidence(tx, [{ key: `soa:${controlId}:${now.toISOString()}`, at: now, actor, process: 'statementOfApplicability', reference: controlId, kind: 'soaDecision', payload: dto }]);
      return repo.findOneByOrFail({ controlId });
    });
  }
}
