import type { EntityManager } from 'typeorm';
import { DocumentRecord, DocumentVersion, type AcknowledgementRound } from '../../db/src';
import { asksAgain } from '../../domain/src';
import { openRound } from './acknowledgements';
import { appendEvidence } from './evidence';

export interface ApprovedVersion {
  documentId: string;
  version: string;
  author: string;
  approver: string;
  /** The caller who recorded it for the approver named (an API key with the on-behalf scope), else null. */
  recordedBy: string | null;
  approvedOn: string;
  nextReview: string;
  summary: string;
  link: string | null;
  /** When the document's audience must have acknowledged it, if it asks them. */
  acknowledgeBy: Date;
}

/** The version in force: the latest approved. */
export async function currentVersion(tx: EntityManager, documentId: string): Promise<DocumentVersion | null> {
  return tx.getRepository(DocumentVersion).findOne({ where: { documentId }, order: { approvedOn: 'DESC', createdAt: 'DESC' } });
}

/**
 * An approved version into the documents register (ISO 27001 7.5), from the API or a policy review:
 * never overwritten (the same version again is `created: false`), logged as evidence, and when the
 * document has an audience and the version is a new major one, the round that asks them is opened.
 * Starting its workflow is the caller's (startOwnedProcess, or a workflow's startProcess).
 */
export async function approveDocumentVersion(tx: EntityManager, v: ApprovedVersion): Promise<{ created: boolean; round?: AcknowledgementRound }> {
  const doc = await tx.getRepository(DocumentRecord).findOneByOrFail({ id: v.documentId });
  const previous = await currentVersion(tx, v.documentId);
  const { acknowledgeBy, ...fields } = v;
  const inserted = await tx.createQueryBuilder().insert().into(DocumentVersion).values({ ...fields, createdAt: new Date() }).orIgnore().returning('version').execute();
  if (!(inserted.raw as unknown[]).length) return { created: false };
  await appendEvidence(tx, [
    {
      key: `document:${v.documentId}:v${v.version}`,
      actor: v.approver,
      process: 'documentControl',
      reference: v.documentId,
      kind: 'documentApproved',
      payload: fields,
    },
  ]);
  if (!doc.audience || !asksAgain(previous?.version, v.version)) return { created: true };
  return { created: true, round: (await openRound(tx, { documentId: v.documentId, version: v.version, dueAt: acknowledgeBy, startedBy: v.approver })).round };
}
