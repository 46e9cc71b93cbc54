import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TrainingRecord } from '../../../../../libs/db/src';
import { appendEvidence } from '../../../../../libs/records/src';
import { insertIfNew } from '../../common/insert-if-new';
import type { ListTrainingQuery, TrainingBatchDto } from './dto/training.dto';

/** Competence and awareness records (ISO 27001 7.2, 7.3), as the LMS sends them. */
@Injectable()
export class TrainingService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The same record again is ignored: counted as received, not added. */
  async record(dto: TrainingBatchDto, actor: string): Promise<{ received: number; added: number }> {
    let added = 0;
    await this.db.transaction(async (tx) => {
      for (const r of dto.records) {
        if (!(await insertIfNew(tx, TrainingRecord, { ...r, recordedBy: actor }, 'id'))) continue;
        added++;
        await appendEvidence(tx, [{ key: `training:${r.person}:${r.course}:${r.completedOn}`, at: new Date(), actor, process: 'training', reference: r.person, kind: 'trainingRecorded', payload: r }]);
      }
    });
    return { received: dto.records.length, added };
  }

  /** Newest first. */
  async list(q: ListTrainingQuery) {
    const where = { ...(q.person ? { person: q.person } : {}), ...(q.course ? { course: q.course } : {}) };
    const items = await this.db.getRepository(TrainingRecord).find({ where, order: { completedOn: 'DESC', id: 'DESC' }, take: q.limit, skip: q.offset });
    return { items, limit: q.limit, offset: q.offset };
  }
}
