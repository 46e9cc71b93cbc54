import type { Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../libs/config/src';
import { AcknowledgementRound, DocumentRecord, DocumentVersion } from '../libs/db/src';
import {
  ACK_BATCH_SIZE,
  ACK_LINK_VALID_AFTER_DUE_MS,
  ACK_MAIL_CHUNK,
  ACKNOWLEDGE_WITHIN_DAYS,
  acknowledgeDueAt,
  DOCUMENT_VERSION,
  localDate,
  namedDocument,
  roundStartInput,
  type AcknowledgementMailKind,
  type ApprovedPolicies,
  type RecordedPolicies,
} from '../libs/domain/src';
import { sendOnce } from '../libs/mail/src/outbox';
import { appendEvidence, approveDocumentVersion, closeLeavers, currentVersion, markMailed, openBatch, openRequests, overdueByManager, policyFacts, roundSuperseded, unstartedRounds } from '../libs/records/src';
import { signAcknowledgementLink } from '../libs/security/src';
import { renderAcknowledgementEscalation, renderAcknowledgementMail } from '../libs/templates/src';

export interface AcknowledgementActivityDeps {
  db: DataSource;
  mailer: Transporter;
  config: Pick<AppConfig, 'smtp' | 'api' | 'tasks' | 'timeZone'>;
}

export function createAcknowledgementActivities({ db, mailer, config }: AcknowledgementActivityDeps) {
  const today = () => localDate(Date.now(), config.timeZone);
  const round = (id: string) => db.getRepository(AcknowledgementRound).findOneByOrFail({ id });

  return {
    /**
     * Opens the next batch of the round (up to 200 people): how many it holds (0 when nobody is left
     * to ask), and whether a newer major version has replaced the round. The round's requests of
     * people who have left since close first (each morning, once the first people are asked).
     */
    async openAcknowledgementBatch(req: { roundId: string; batchKey: string; dueAt: string }): Promise<{ people: number; superseded: boolean }> {
      if (await roundSuperseded(db, req.roundId)) return { people: 0, superseded: true };
      await db.transaction((tx) => closeLeavers(tx, { roundId: req.roundId }, today()));
      return { people: await openBatch(db, { ...req, today: today(), limit: ACK_BATCH_SIZE }), superseded: false };
    },

    /**
     * Mails the next chunk of a batch's open requests, each person their own link, once per kind
     * (the outbox key). The first chunk first closes the requests of people who have left. Returns
     * where the next chunk starts, or null when the batch is done.
     */
    async mailAcknowledgements(req: { roundId: string; batchKey: string; kind: AcknowledgementMailKind; after: string }): Promise<{ next: string | null; sent: number }> {
      if (req.after === '') await db.transaction((tx) => closeLeavers(tx, { batchKey: req.batchKey }, today()));
      const r = await round(req.roundId);
      if (r.supersededAt) return { next: null, sent: 0 };
      const policy = await policyFacts(db, r);
      const chunk = await openRequests(db, req.batchKey, req.after, ACK_MAIL_CHUNK);
      let sent = 0;
      const refused: Array<{ person: string; reason: string }> = [];
      for (const p of chunk) {
        const token = signAcknowledgementLink(config.tasks.linkSecret, r.id, p.person, new Date(p.dueAt.getTime() + ACK_LINK_VALID_AFTER_DUE_MS));
        const mail = renderAcknowledgementMail(req.kind, policy, { address: p.person, name: p.name, dueAt: p.dueAt, link: `${config.api.publicUrl}/ack/${token}` });
        const outcome = await sendOnce(db.manager, mailer, config.smtp.from, `ack:${r.id}:${p.person}:${req.kind}`, null, mail);
        if (outcome.rejected) refused.push({ person: p.person, reason: outcome.rejected });
        else if (!outcome.alreadySent) sent++;
      }
      await markMailed(db, r.id, chunk.map((p) => p.person), req.kind);
      // A refused address is recorded once, for the policy owner to put right in the directory.
      await appendEvidence(db.manager, refused.map((f) => ({ key: `ack:${r.id}:${f.person}:undeliverable`, actor: 'ismsflow', process: 'policyAcknowledgement', reference: r.id, kind: 'acknowledgementUndeliverable', payload: f })));
      return { next: chunk.length === ACK_MAIL_CHUNK ? chunk.at(-1)!.person : null, sent };
    },

    /**
     * Tells each manager who of theirs has not acknowledged (the policy's owner for people with no
     * manager): one mail per manager, naming people, carrying no one's link.
     */
    async escalateAcknowledgements(req: { roundId: string; batchKey: string }): Promise<number> {
      const r = await round(req.roundId);
      if (r.supersededAt) return 0;
      const policy = await policyFacts(db, r);
      const contacts = await overdueByManager(db, req.batchKey);
      for (const [contact, overdue] of contacts) {
        await sendOnce(db.manager, mailer, config.smtp.from, `ack:${req.batchKey}:escalation:${contact}`, null, renderAcknowledgementEscalation(policy, contact, overdue, r.dueAt));
        await markMailed(db, r.id, overdue.map((o) => o.person), 'escalated');
        await appendEvidence(db.manager, [{ key: `ack:${req.batchKey}:escalation:${contact}`, actor: 'ismsflow', process: 'policyAcknowledgement', reference: r.id, kind: 'acknowledgementEscalated', payload: { to: contact, people: overdue.map((o) => o.person) } }]);
      }
      return contacts.size;
    },

    /**
     * A policy review's approved versions into the documents register (7.5), so approving a policy
     * in the programme asks its audience as approving it in the register does. A row that names no
     * registered document, or holds an invalid version or review date, is skipped with the reason.
     * Returns every round of those documents not yet begun, so a retry (its first answer lost)
     * still starts the rounds the first attempt opened.
     */
    async recordApprovedPolicies(req: ApprovedPolicies): Promise<RecordedPolicies> {
      const docs = await db.getRepository(DocumentRecord).find();
      const out: RecordedPolicies = { recorded: [], unchanged: [], skipped: [], rounds: [] };
      const named = new Map<string, DocumentRecord>();
      for (const row of req.policies) {
        const doc = namedDocument(row.policy, docs);
        const reason = !doc
          ? 'no document in the register has this id or title'
          : !DOCUMENT_VERSION.test(row.version.trim())
            ? 'the version must be 1 to 20 letters, digits, dots or dashes'
            : !(row.nextReview > req.approvedOn)
              ? `the next review must be after the approval (${req.approvedOn})`
              : req.reviewer === req.approver
                ? 'the approver must not be the author (7.5.2): approve it in the documents register'
                : undefined;
        if (reason) {
          out.skipped.push({ policy: row.policy, reason });
          continue;
        }
        named.set(doc!.id, doc!);
        const version = row.version.trim();
        const { created } = await db.transaction(async (tx) =>
          approveDocumentVersion(tx, {
            documentId: doc!.id,
            version,
            author: req.reviewer,
            approver: req.approver,
            recordedBy: null,
            approvedOn: req.approvedOn,
            nextReview: row.nextReview,
            summary: row.changes,
            // The review names no new location: the document stays where its last version is.
            link: (await currentVersion(tx, doc!.id))?.link ?? null,
            acknowledgeBy: new Date(acknowledgeDueAt(Date.now(), ACKNOWLEDGE_WITHIN_DAYS, config.timeZone)),
          }),
        );
        // A version already there is this approval's (a retry: the same approver, the same day), or the
        // one in force that the review kept: then no new version, and the register is unchanged.
        const existing = created ? null : await db.getRepository(DocumentVersion).findOneBy({ documentId: doc!.id, version });
        const ours = created || (existing?.approver === req.approver && existing.approvedOn === req.approvedOn && existing.author === req.reviewer);
        (ours ? out.recorded : out.unchanged).push(`${doc!.id} ${version}`);
      }
      for (const round of await unstartedRounds(db.manager, [...named.keys()])) out.rounds.push({ input: roundStartInput(round, config.timeZone), owner: named.get(round.documentId)!.owner });
      return out;
    },
  };
}
