import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DocumentAcknowledgement, DocumentRecord, DocumentVersion } from '../../../../../libs/db/src';
import { appendEvidence } from '../../../../../libs/records/src';
import { insertIfNew } from '../../common/insert-if-new';
import { ProblemException } from '../../common/problem';
import type { DocumentDto, DocumentVersionDto } from './dto/document.dto';

/** Documented information (ISO 27001 7.5): documents, their approved versions (never overwritten) and who acknowledged them. */
@Injectable()
export class DocumentsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(dto: DocumentDto, actor: string): Promise<void> {
    const now = new Date();
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, DocumentRecord, { ...dto, createdAt: now }, 'id'))) throw new ProblemException(409, `Document ${dto.id} exists`, [{ field: 'id', message: 'already taken' }]);
      await appendEvidence(tx, [{ key: `document:${dto.id}`, at: now, actor, process: 'documentControl', reference: dto.id, kind: 'documentRegistered', payload: dto }]);
    });
  }

  /** An approved version comes into force; the approver is never its author. */
  async addVersion(id: string, dto: DocumentVersionDto, approver: string, recordedBy: string | undefined): Promise<void> {
    await this.find(id);
    const errors = [
      ...(dto.nextReview <= dto.approvedOn ? [{ field: 'nextReview', message: 'nextReview must be after approvedOn' }] : []),
      ...(approver === dto.author ? [{ field: 'approver', message: 'the approver must not be the author' }] : []),
    ];
    if (errors.length) throw ProblemException.invalid(errors);
    const now = new Date();
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, DocumentVersion, { ...dto, approver, recordedBy: recordedBy ?? null, link: dto.link ?? null, documentId: id, createdAt: now }, 'version'))) throw new ProblemException(409, `Version ${dto.version} of ${id} exists: versions are never overwritten`, [{ field: 'version', message: 'already exists' }]);
      await appendEvidence(tx, [{ key: `document:${id}:v${dto.version}`, at: now, actor: approver, process: 'documentControl', reference: id, kind: 'documentApproved', payload: { ...dto, approver, ...(recordedBy ? { recordedBy } : {}) } }]);
    });
  }

  /** The person acknowledges the version in force; the same acknowledgement again adds nothing. */
  async acknowledge(id: string, person: string, recordedBy: string | undefined): Promise<void> {
    const current = (await this.get(id)).current;
    if (!current) throw new ProblemException(409, `${id} has no approved version to acknowledge`);
    const now = new Date();
    await this.db.transaction(async (tx) => {
      await tx.createQueryBuilder().insert().into(DocumentAcknowledgement).values({ documentId: id, version: current.version, person, recordedBy: recordedBy ?? null, acknowledgedAt: now }).orIgnore().execute();
      await appendEvidence(tx, [{ key: `document:${id}:v${current.version}:ack:${person}`, at: now, actor: person, process: 'documentControl', reference: id, kind: 'documentAcknowledged', payload: { version: current.version, ...(recordedBy ? { recordedBy } : {}) } }]);
    });
  }

  /** The whole register in two queries, however many documents it holds. */
  async list() {
    const [docs, versions] = await Promise.all([
      this.db.getRepository(DocumentRecord).find({ order: { id: 'ASC' } }),
      this.db.getRepository(DocumentVersion).find({ order: { approvedOn: 'ASC', createdAt: 'ASC' } }),
    ]);
    return docs.map((d) => {
      const { versions: _versions, ...rest } = documentView(d, versions.filter((v) => v.documentId === d.id));
      return rest;
    });
  }

  async get(id: string) {
    const doc = await this.find(id);
    const versions = await this.db.getRepository(DocumentVersion).find({ where: { documentId: id }, order: { approvedOn: 'ASC', createdAt: 'ASC' } });
    const acknowledgements = await this.db.getRepository(DocumentAcknowledgement).find({ where: { documentId: id }, order: { acknowledgedAt: 'ASC' } });
    return { ...documentView(doc, versions), acknowledgements };
  }

  private async find(id: string): Promise<DocumentRecord> {
    const doc = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(id) ? await this.db.getRepository(DocumentRecord).findOneBy({ id }) : null;
    if (!doc) throw new ProblemException(404, `There is no document ${id}`);
    return doc;
  }
}

/** A document with the version in force (the latest approved) and whether its review is overdue. */
function documentView(doc: DocumentRecord, versions: DocumentVersion[]) {
  const current = versions.at(-1) ?? null;
  const today = new Date().toISOString().slice(0, 10);
  return { ...doc, current, reviewOverdue: current ? current.nextReview < today : false, versions: versions.map((v) => ({ ...v, archived: v !== current })) };
}
