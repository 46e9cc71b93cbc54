import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Client } from '@temporalio/client';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../../libs/config/src';
import { AcknowledgementRound, DocumentAcknowledgement, DocumentRecord, DocumentVersion } from '../../../../../libs/db/src';
import { ACKNOWLEDGE_WITHIN_DAYS, acknowledgeDueAt, endOfDay, formatAudience, localDate, parseAudience, roundStartInput } from '../../../../../libs/domain/src';
import { appendEvidence, approveDocumentVersion, openRound, startNotBegun, type PendingStartsResult, recordAcknowledgement, startOwnedProcess, unstartedRounds } from '../../../../../libs/records/src';
import { processStarts } from '../../../../../libs/temporal/src/processes';
import { TEMPORAL_CLIENT } from '../../../../../libs/temporal/src/temporal.module';
import { insertIfNew } from '../../common/insert-if-new';
import { ProblemException } from '../../common/problem';
import type { DocumentDto, DocumentVersionDto } from './dto/document.dto';

type Round = AcknowledgementRound;

/** Documented information (ISO 27001 7.5): documents, their approved versions (never overwritten) and who acknowledged them. */
@Injectable()
export class DocumentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(dto: DocumentDto, actor: string): Promise<void> {
    const now = new Date();
    await this.db.transaction(async (tx) => {
      if (!(await insertIfNew(tx, DocumentRecord, { ...dto, audience: dto.audience ? parseAudience(dto.audience)! : null, createdAt: now }, 'id'))) throw new ProblemException(409, `Document ${dto.id} exists`, [{ field: 'id', message: 'already taken' }]);
      await appendEvidence(tx, [{ key: `document:${dto.id}`, at: now, actor, process: 'documentControl', reference: dto.id, kind: 'documentRegistered', payload: dto }]);
    });
  }

  /**
   * An approved version comes into force; the approver is never its author. When the document has an
   * audience and the version is a new major one, the audience is asked to acknowledge it (a round).
   */
  async addVersion(id: string, dto: DocumentVersionDto, approver: string, recordedBy: string | undefined): Promise<void> {
    const doc = await this.find(id);
    const today = localDate(Date.now(), this.config.timeZone);
    const errors = [
      ...(dto.nextReview <= dto.approvedOn ? [{ field: 'nextReview', message: 'nextReview must be after approvedOn' }] : []),
      ...(approver === dto.author ? [{ field: 'approver', message: 'the approver must not be the author' }] : []),
      ...(dto.acknowledgeBy !== undefined && dto.acknowledgeBy <= today ? [{ field: 'acknowledgeBy', message: `acknowledgeBy must be after today (${today})` }] : []),
    ];
    if (errors.length) throw ProblemException.invalid(errors);
    const acknowledgeBy = dto.acknowledgeBy ? new Date(endOfDay(dto.acknowledgeBy, this.config.timeZone)) : new Date(acknowledgeDueAt(Date.now(), ACKNOWLEDGE_WITHIN_DAYS, this.config.timeZone));
    const { created, round } = await this.db.transaction((tx) =>
      approveDocumentVersion(tx, { documentId: id, version: dto.version, author: dto.author, approver, recordedBy: recordedBy ?? null, approvedOn: dto.approvedOn, nextReview: dto.nextReview, summary: dto.summary, link: dto.link ?? null, acknowledgeBy }),
    );
    if (!created) {
      // A retry of an approval whose round did not start (Temporal was down) starts it now.
      await this.startRounds(id);
      throw new ProblemException(409, `Version ${dto.version} of ${id} exists: versions are never overwritten`, [{ field: 'version', message: 'already exists' }]);
    }
    if (round) await this.startRound(doc, round);
  }

  /** Who must acknowledge the document; setting it asks them about the version in force, if it has no round yet. */
  async setAudience(id: string, text: string | null, actor: string): Promise<void> {
    const doc = await this.find(id);
    const audience = text === null ? null : parseAudience(text)!;
    const current = (await this.get(id)).current;
    const round = await this.db.transaction(async (tx: EntityManager) => {
      await tx.getRepository(DocumentRecord).update({ id }, { audience });
      await appendEvidence(tx, [{ key: `document:${id}:audience:${new Date().toISOString()}`, actor, process: 'documentControl', reference: id, kind: 'documentAudienceSet', payload: { audience } }]);
      if (!audience || !current) return undefined;
      return (await openRound(tx, { documentId: id, version: current.version, dueAt: new Date(acknowledgeDueAt(Date.now(), ACKNOWLEDGE_WITHIN_DAYS, this.config.timeZone)), startedBy: actor })).round;
    });
    if (round && !round.supersededAt) await this.startRound(doc, round);
  }

  /** Starts the round's workflow unless it has begun (startOwnedProcess: the row remembers). */
  private async startRound(doc: DocumentRecord, round: Round): Promise<void> {
    const start = processStarts.acknowledgementRound(roundStartInput(round, this.config.timeZone), doc.owner);
    await startOwnedProcess(this.db.manager, this.temporal, this.config.temporal.taskQueue, AcknowledgementRound, round, start);
  }

  /** The sweep: acknowledgement rounds whose start was lost are started (see PendingStarts). */
  async startPending(now = Date.now()): Promise<PendingStartsResult> {
    return startNotBegun(this.db.manager, AcknowledgementRound, 'createdAt', now, async (round) => this.startRound(await this.find(round.documentId), round), { supersededAt: IsNull() });
  }

  private async startRounds(id: string): Promise<void> {
    const doc = await this.find(id);
    for (const round of await unstartedRounds(this.db.manager, [id])) await this.startRound(doc, round);
  }

  /** The person acknowledges the version in force; the same acknowledgement again adds nothing. */
  async acknowledge(id: string, person: string, recordedBy: string | undefined): Promise<void> {
    const current = (await this.get(id)).current;
    if (!current) throw new ProblemException(409, `${id} has no approved version to acknowledge`);
    await this.db.transaction((tx) => recordAcknowledgement(tx, { documentId: id, version: current.version, person, recordedBy: recordedBy ?? null, via: 'api' }));
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
  return { ...doc, audience: doc.audience ? formatAudience(doc.audience) : null, current, reviewOverdue: current ? current.nextReview < today : false, versions: versions.map((v) => ({ ...v, archived: v !== current })) };
}
