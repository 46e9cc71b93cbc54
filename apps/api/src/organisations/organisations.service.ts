import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Organisation } from '../../../../libs/db/src';
import { canonicalJson } from '../../../../libs/security/src';
import { ProblemException } from '../common/problem';
import type { OrganisationDto, UpdateOrganisationDto } from './dto/organisation.dto';

@Injectable()
export class OrganisationsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates it; the very same request again answers with it, another one for the same id is a conflict. */
  async create(dto: OrganisationDto): Promise<{ organisation: Organisation; created: boolean }> {
    const repo = this.db.getRepository(Organisation);
    const now = new Date();
    const result = await repo.createQueryBuilder().insert().values({ ...dto, createdAt: now, updatedAt: now }).orIgnore().execute();
    const organisation = await repo.findOneByOrFail({ id: dto.id });
    const created = (result.raw as unknown[]).length > 0;
    if (!created && canonicalJson(this.fields(organisation)) !== canonicalJson(this.fields(dto))) {
      throw new ProblemException(409, `Organisation ${dto.id} already exists with other settings: change it with PUT`, [{ field: 'id', message: 'already taken' }]);
    }
    return { organisation, created };
  }

  async update(id: string, dto: UpdateOrganisationDto): Promise<Organisation> {
    const repo = this.db.getRepository(Organisation);
    await this.get(id);
    await repo.update({ id }, { ...dto, updatedAt: new Date() });
    return repo.findOneByOrFail({ id });
  }

  async get(id: string): Promise<Organisation> {
    const found = /^[a-z0-9][a-z0-9-]{1,39}$/.test(id) ? await this.db.getRepository(Organisation).findOneBy({ id }) : null;
    if (!found) throw new ProblemException(404, `There is no organisation ${id}`);
    return found;
  }

  list(): Promise<Organisation[]> {
    return this.db.getRepository(Organisation).find({ order: { name: 'ASC' } });
  }

  private fields(o: Pick<Organisation, 'name' | 'ismsManager' | 'topManagement' | 'certificationBody' | 'scope' | 'timeZone' | 'workingDays' | 'doraWeekendRelief'>) {
    const { name, ismsManager, topManagement, certificationBody, scope, timeZone, workingDays, doraWeekendRelief } = o;
    return { name, ismsManager, topManagement, certificationBody: { ...certificationBody }, scope, timeZone, workingDays, doraWeekendRelief: doraWeekendRelief ? { bankHolidays: [...doraWeekendRelief.bankHolidays] } : null };
  }
}
