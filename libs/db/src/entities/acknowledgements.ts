import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AcknowledgementMailKind } from '../../../domain/src';

/** Policy acknowledgement rounds: who was asked to read which major version, and what became of it. */

/** One round per document and major version (`POL-01@2`); its workflow asks the audience, batch by batch. */
@Entity('acknowledgement_rounds')
@Index('IDX_acknowledgement_rounds_not_started', ['createdAt'], { where: '"process_started_at" IS NULL' })
export class AcknowledgementRound {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text', name: 'document_id' }) @Index('IDX_acknowledgement_rounds_document') documentId!: string;
  /** The version whose approval started it; later minor versions are acknowledged under the same round. */
  @Column({ type: 'text' }) version!: string;
  @Column({ type: 'text' }) major!: string;
  @Column({ type: 'timestamptz', name: 'due_at' }) dueAt!: Date;
  @Column({ type: 'text', name: 'started_by' }) startedBy!: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'process_started_at', nullable: true }) processStartedAt!: Date | null;
  /** When a newer major version took its place: its open requests were closed then. */
  @Column({ type: 'timestamptz', name: 'superseded_at', nullable: true }) supersededAt!: Date | null;
}

/** One person asked in one round: mailed with their own link, reminded, escalated to their manager. */
@Entity('acknowledgement_requests')
@Index('IDX_acknowledgement_requests_batch', ['batchKey', 'status', 'person'])
@Index('IDX_acknowledgement_requests_person', ['person', 'status'])
export class AcknowledgementRequest {
  @PrimaryColumn({ type: 'text', name: 'round_id' }) roundId!: string;
  @PrimaryColumn({ type: 'text' }) person!: string;
  /** The batch workflow that mails this person (`<round>/<n>`). */
  @Column({ type: 'text', name: 'batch_key' }) batchKey!: string;
  @Column({ type: 'text' }) status!: 'open' | 'acknowledged' | 'closed';
  @Column({ type: 'timestamptz', name: 'due_at' }) dueAt!: Date;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  /** The last mail sent about it. */
  @Column({ type: 'text', name: 'last_mail', nullable: true }) lastMail!: AcknowledgementMailKind | 'escalated' | null;
  @Column({ type: 'timestamptz', name: 'acknowledged_at', nullable: true }) acknowledgedAt!: Date | null;
  /** Why it closed unanswered: the person left, or a newer major version replaced the round. */
  @Column({ type: 'text', name: 'closed_reason', nullable: true }) closedReason!: 'left' | 'superseded' | null;
}
