import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { KpiMeasurement, Objective } from '../../../../../libs/db/src';
import { appendEvidence } from '../../../../../libs/records/src';
import { insertIfNew } from '../../common/insert-if-new';
import { ProblemException } from '../../common/problem';
import type { MeasurementDto, ObjectiveDto } from './dto/objective.dto';

/** ISMS objectives (ISO 27001 6.2) and their dated measurements (9.1), never overwritten. */
@Injectable()
export class ObjectivesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(dto: ObjectiveDto, actor: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, Objective, dto, 'id'))) throw new ProblemException(409, `Objective ${dto.id} exists`, [{ field: 'id', message: 'already taken' }]);
      await appendEvidence(tx, [{ key: `objective:${dto.id}`, actor, process: 'objectives', reference: dto.id, kind: 'objectiveSet', payload: dto }]);
    });
  }

  /** One measurement per objective and day. */
  async measure(id: string, dto: MeasurementDto, actor: string): Promise<void> {
    await this.get(id);
    const now = new Date();
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, KpiMeasurement, { objectiveId: id, ...dto, recordedBy: actor, recordedAt: now }, 'objective_id'))) throw new ProblemException(409, `${id} was already measured on ${dto.measuredOn}`, [{ field: 'measuredOn', message: 'already measured that day' }]);
      await appendEvidence(tx, [{ key: `kpi:${id}:${dto.measuredOn}`, at: now, actor, process: 'kpiMeasurement', reference: id, kind: 'measured', payload: dto }]);
    });
  }

  /** Every objective in two queries, however many there are. */
  async list() {
    const [objectives, measurements] = await Promise.all([
      this.db.getRepository(Objective).find({ order: { id: 'ASC' } }),
      this.db.getRepository(KpiMeasurement).find({ order: { measuredOn: 'ASC' } }),
    ]);
    return objectives.map((o) => objectiveView(o, measurements.filter((m) => m.objectiveId === o.id)));
  }

  async get(id: string) {
    const o = /^[a-z0-9][a-z0-9-]{1,39}$/.test(id) ? await this.db.getRepository(Objective).findOneBy({ id }) : null;
    if (!o) throw new ProblemException(404, `There is no objective ${id}`);
    return objectiveView(o, await this.db.getRepository(KpiMeasurement).find({ where: { objectiveId: id }, order: { measuredOn: 'ASC' } }));
  }
}

/** An objective with its measurements (in date order), the latest, and whether it meets the target. */
function objectiveView(o: Objective, measurements: KpiMeasurement[]) {
  const latest = measurements.at(-1) ?? null;
  const met = latest ? (o.direction === 'atLeast' ? latest.value >= o.target : latest.value <= o.target) : null;
  return { ...o, latest, met, measurements };
}
