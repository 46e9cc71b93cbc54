import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Supplier } from '../../../../../libs/db/src';
import { appendEvidence } from '../../../../../libs/records/src';
import { toCsv } from '../../common/csv';
import { insertIfNew } from '../../common/insert-if-new';
import { ProblemException } from '../../common/problem';
import { CRITICALITY, type SupplierDto, type UpdateSupplierDto } from './dto/supplier.dto';

/** DORA Art. 28(3) register of information: one row per ICT third-party arrangement. */
const REGISTER_COLUMNS = ['lei', 'name', 'country', 'ict_services', 'criticality', 'supports_critical_function', 'contract_start', 'contract_end', 'last_review', 'certificates'];

/** Suppliers and ICT third-party providers (A.5.19-5.22, DORA Art. 28): every change logged as evidence. */
@Injectable()
export class SuppliersService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(dto: SupplierDto, actor: string): Promise<void> {
    checkDates(dto);
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, Supplier, row(dto.id, dto), 'id'))) throw new ProblemException(409, `Supplier ${dto.id} exists: change it with PUT`, [{ field: 'id', message: 'already taken' }]);
      await evidence(tx, dto.id, dto, actor);
    });
  }

  /** The same record again (a retry) changes nothing: nothing written, nothing logged. */
  async update(id: string, dto: UpdateSupplierDto, actor: string): Promise<void> {
    await this.get(id);
    checkDates(dto);
    await this.db.transaction(async (tx) => {
      const current = await tx.getRepository(Supplier).findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
      const next = row(id, dto);
      if ((Object.keys(next) as Array<keyof typeof next>).every((k) => k === 'updatedAt' || isDeepStrictEqual(current[k], next[k]))) return;
      await tx.getRepository(Supplier).update({ id }, next);
      await evidence(tx, id, dto, actor);
    });
  }

  async registerOfInformation(): Promise<string> {
    const rows = await this.db.getRepository(Supplier).find({ where: { ictProvider: true }, order: { name: 'ASC' } });
    return toCsv(
      rows.map((s) => [s.lei ?? '', s.name, s.country ?? '', s.services, s.criticality, s.criticality === 'critical' ? 'yes' : 'no', s.contractStart ?? '', s.contractEnd ?? '', s.lastReview ?? '', s.certificates.map((c) => `${c.type} until ${c.validUntil}`).join('; ')]),
      { header: true, columns: REGISTER_COLUMNS },
    );
  }

  /** Most critical first. */
  async list() {
    const rows = await this.db.getRepository(Supplier).find({ order: { name: 'ASC' } });
    const rank = (c: string) => CRITICALITY.indexOf(c as (typeof CRITICALITY)[number]);
    return rows.sort((a, b) => rank(a.criticality) - rank(b.criticality)).map(supplierView);
  }

  async get(id: string) {
    const s = /^[a-z0-9][a-z0-9-]{1,39}$/.test(id) ? await this.db.getRepository(Supplier).findOneBy({ id }) : null;
    if (!s) throw new ProblemException(404, `There is no supplier ${id}`);
    return supplierView(s);
  }
}

/** A supplier with an overdue review (critical and high: yearly) and expired certificates flagged. */
function supplierView(s: Supplier) {
  const today = new Date().toISOString().slice(0, 10);
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  return {
    ...s,
    reviewOverdue: (s.criticality === 'critical' || s.criticality === 'high') && (!s.lastReview || s.lastReview < yearAgo),
    expiredCertificates: s.certificates.filter((c) => c.validUntil < today).map((c) => c.type),
  };
}

function row(id: string, dto: UpdateSupplierDto) {
  return {
    id,
    name: dto.name,
    services: dto.services,
    criticality: dto.criticality,
    ictProvider: dto.ictProvider,
    lei: dto.lei ?? null,
    country: dto.country ?? null,
    contractStart: dto.contractStart ?? null,
    contractEnd: dto.contractEnd ?? null,
    lastReview: dto.lastReview ?? null,
    certificates: (dto.certificates ?? []).map((c) => ({ type: c.type, validUntil: c.validUntil })),
    updatedAt: new Date(),
  };
}

function checkDates(dto: UpdateSupplierDto): void {
  if (dto.contractStart && dto.contractEnd && dto.contractEnd < dto.contractStart) throw ProblemException.invalid([{ field: 'contractEnd', message: 'contractEnd must not be before contractStart' }]);
}

function evidence(tx: EntityManager, id: string, dto: UpdateSupplierDto, actor: string) {
  const at = new Date();
  return appendEvidence(tx, [{ key: `supplier:${id}:${at.toISOString()}`, at, actor, process: 'supplierRegister', reference: id, kind: 'supplierRecorded', payload: dto }]);
}
