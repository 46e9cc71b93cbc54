import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../../libs/config/src';
import { Improvement } from '../../../../../libs/db/src';
import { IMPROVEMENT_NUMBER, localDate } from '../../../../../libs/domain/src';
import { decideImprovement, raiseImprovement } from '../../../../../libs/records/src';
import type { Acting } from '../../auth/acting';
import { ProblemException } from '../../common/problem';
import type { ImprovementDecisionDto, ImprovementDto, ListImprovementsQuery } from './dto/improvement.dto';

/** The improvements register (ISO 27001 10.1): raised, owned, decided once, every step dated evidence. */
@Injectable()
export class ImprovementsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The same source reference again is the same improvement (created: false), unless it says something else. */
  async raise(dto: ImprovementDto, actor: string, idempotencyKey?: string): Promise<{ improvement: Improvement; created: boolean }> {
    const { improvement, created } = await raiseImprovement(this.db, { ...dto, raisedBy: actor, ...(idempotencyKey ? { idempotencyKey } : {}) });
    if (!created && (improvement.title !== dto.title || improvement.owner !== dto.owner)) {
      const field = improvement.idempotencyKey && improvement.idempotencyKey === idempotencyKey ? 'Idempotency-Key' : 'sourceRef';
      throw new ProblemException(409, `${improvement.id} was raised with this ${field}, with another title or owner`, [{ field, message: `already raised as ${improvement.id}` }]);
    }
    return { improvement, created };
  }

  async decide(id: string, dto: ImprovementDecisionDto, who: Acting): Promise<Improvement> {
    const improvement = await this.get(id);
    const today = localDate(Date.now(), this.config.timeZone);
    const raisedOn = localDate(improvement.raisedAt.getTime(), this.config.timeZone);
    if (dto.decidedOn > today) throw ProblemException.invalid([{ field: 'decidedOn', message: `decidedOn must not be in the future (today is ${today})` }]);
    if (dto.decidedOn < raisedOn) throw ProblemException.invalid([{ field: 'decidedOn', message: `decidedOn must not be before the improvement was raised (${raisedOn})` }]);
    const decided = await decideImprovement(this.db, id, { outcome: dto.outcome, summary: dto.summary, decidedOn: dto.decidedOn, decidedBy: who.actor, ...(who.recordedBy ? { recordedBy: who.recordedBy } : {}) });
    if (!decided) throw new ProblemException(409, `${id} was decided already (${improvement.status}): a decision is never overwritten`, [{ field: 'outcome', message: 'already decided' }]);
    return this.get(id);
  }

  async get(id: string): Promise<Improvement> {
    const found = IMPROVEMENT_NUMBER.test(id) ? await this.db.getRepository(Improvement).findOneBy({ id }) : null;
    if (!found) throw new ProblemException(404, `There is no improvement ${id}`);
    return found;
  }

  async list(q: ListImprovementsQuery) {
    const where = { ...(q.status ? { status: q.status } : {}), ...(q.source ? { source: q.source } : {}), ...(q.owner ? { owner: q.owner } : {}) };
    const [items, total] = await this.db.getRepository(Improvement).findAndCount({ where, order: { raisedAt: 'DESC', id: 'DESC' }, take: q.limit, skip: q.offset });
    return { items, total, limit: q.limit, offset: q.offset };
  }
}
