import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../../libs/config/src';
import { Person } from '../../../../../libs/db/src';
import { localDate, parseAudience, type FieldError } from '../../../../../libs/domain/src';
import { appendEvidence, closeLeavers } from '../../../../../libs/records/src';
import { ProblemException } from '../../common/problem';
import type { ListPeopleQuery, PersonDto } from './dto/person.dto';

/** A directory entry as written: what a change is compared on. */
export type PersonValues = Pick<Person, 'name' | 'department' | 'manager' | 'startDate' | 'leaveDate' | 'active'>;
export type Change = 'created' | 'updated' | 'unchanged';
const FIELDS: Array<keyof PersonValues> = ['name', 'department', 'manager', 'startDate', 'leaveDate', 'active'];

/** The staff directory (ISO 27001 7.2, 7.3): kept by an HR system or identity provider, every change logged as evidence. */
@Injectable()
export class PeopleService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The whole entry, as sent: created, changed, or (the same again) unchanged, with nothing logged. */
  async put(email: string, dto: PersonDto, actor: string): Promise<Change> {
    const values = personValues(dto);
    const errors = entryProblems(email, values);
    if (errors.length) throw ProblemException.invalid(errors);
    return (await this.db.transaction((tx) => this.write(tx, [{ email, values }], actor)))[0];
  }

  /** Gone: no longer doing work for the organisation. The entry stays, so records keep who did what. */
  async deactivate(email: string, actor: string): Promise<Change> {
    const person = await this.get(email);
    if (!person.active) return 'unchanged';
    const today = localDate(Date.now(), this.config.timeZone);
    const leaveDate = person.leaveDate !== null && person.leaveDate < today ? person.leaveDate : today;
    const values: PersonValues = { name: person.name, department: person.department, manager: person.manager, startDate: person.startDate, leaveDate, active: false };
    return (await this.db.transaction((tx) => this.write(tx, [{ email, values }], actor, 'personDeactivated')))[0];
  }

  /** Entries read from a staff file, in one transaction. */
  importEntries(entries: Array<{ email: string; values: PersonValues }>, actor: string): Promise<Change[]> {
    return this.db.transaction((tx) => this.write(tx, entries, actor));
  }

  /**
   * Writes entries in one transaction, each compared with what is stored: only real changes are
   * written and logged. People writes take turns (an HR sync and an import at once), so a change is
   * judged against the entry as it is.
   */
  private async write(tx: EntityManager, entries: Array<{ email: string; values: PersonValues }>, actor: string, kind = 'personRecorded'): Promise<Change[]> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ismsflow:people'))`);
    const stored = new Map((await tx.getRepository(Person).findBy({ email: In(entries.map((e) => e.email)) })).map((p) => [p.email, p]));
    const at = new Date();
    const changes = entries.map(({ email, values }): Change => {
      const before = stored.get(email);
      if (!before) return 'created';
      return FIELDS.every((f) => before[f] === values[f]) ? 'unchanged' : 'updated';
    });
    const changed = entries.filter((_, i) => changes[i] !== 'unchanged');
    for (let i = 0; i < changed.length; i += 1000) {
      await tx.getRepository(Person).upsert(changed.slice(i, i + 1000).map((e) => ({ email: e.email, ...e.values, updatedAt: at, updatedBy: actor })), ['email']);
    }
    await appendEvidence(
      tx,
      entries.flatMap((e, i) => (changes[i] === 'unchanged' ? [] : [{ key: `person:${e.email}:${at.toISOString()}`, at, actor, process: 'people', reference: e.email, kind, payload: { ...e.values, change: changes[i] } }])),
    );
    // Leavers' open acknowledgements close now; those whose last day is still ahead close when it has passed.
    await closeLeavers(tx, { people: changed.map((e) => e.email) }, localDate(Date.now(), this.config.timeZone));
    return changes;
  }

  async get(email: string): Promise<Person> {
    const person = await this.db.getRepository(Person).findOneBy({ email });
    if (!person) throw new ProblemException(404, `There is no one with the address ${email} in the directory`);
    return person;
  }

  /** Entries by address; with an audience, who is in it today (on staff: active, started, not yet left). */
  async list(q: ListPeopleQuery) {
    const query = this.db.getRepository(Person).createQueryBuilder('p').orderBy('p.email', 'ASC').take(q.limit).skip(q.offset);
    if (q.active !== undefined) query.andWhere('p.active = :active', { active: q.active === 'true' });
    const audience = q.audience === undefined ? undefined : parseAudience(q.audience);
    if (audience) {
      const today = localDate(Date.now(), this.config.timeZone);
      query.andWhere('p.active AND p.start_date <= :today AND (p.leave_date IS NULL OR p.leave_date >= :today)', { today });
      if (audience.kind === 'department') query.andWhere('p.department = :department', { department: audience.department });
      if (audience.kind === 'newStarters') query.andWhere('p.start_date >= :since', { since: audience.since });
    }
    const [items, total] = await query.getManyAndCount();
    return { items, total, limit: q.limit, offset: q.offset };
  }
}

/** What is stored of a sent entry: absent optional fields are empty, and an entry is active unless it says not. */
export function personValues(dto: PersonDto): PersonValues {
  return { name: dto.name, department: dto.department, manager: dto.manager ?? null, startDate: dto.startDate, leaveDate: dto.leaveDate ?? null, active: dto.active ?? true };
}

/** Rules across fields: no one manages themselves, and no one leaves before they start. */
export function entryProblems(email: string, v: PersonValues): FieldError[] {
  return [
    ...(v.manager === email ? [{ field: 'manager', message: 'manager must be someone else' }] : []),
    ...(v.leaveDate !== null && v.leaveDate < v.startDate ? [{ field: 'leaveDate', message: 'leaveDate must not be before startDate' }] : []),
  ];
}
