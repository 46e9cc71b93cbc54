import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Audience } from '../../../domain/src';

/** The evidence log and the registers auditors ask for: risks, SoA, documents, suppliers, training, objectives, people. */

/**
 * The append-only evidence log: one row per state change, completed task and approval, each
 * hash-chained to the one before (libs/security/src/evidence-chain.ts). A trigger refuses every
 * UPDATE, DELETE and TRUNCATE, and the application's role holds no such privilege on it.
 */
@Entity('evidence_log')
export class EvidenceEntry {
  @PrimaryColumn({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) seq!: number;
  /** What it records, once: a retried activity appends nothing. */
  @Column({ type: 'text' }) @Index('UQ_evidence_log_key', { unique: true }) key!: string;
  @Column({ type: 'timestamptz' }) @Index('IDX_evidence_log_at') at!: Date;
  @Column({ type: 'text' }) actor!: string;
  @Column({ type: 'text' }) process!: string;
  @Column({ type: 'text' }) reference!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text', name: 'payload_digest' }) payloadDigest!: string;
  @Column({ type: 'text', name: 'prev_hash' }) prevHash!: string;
  @Column({ type: 'text' }) hash!: string;
}

/** A risk in the register; its assessments are dated versions, never overwritten. */
@Entity('risks')
export class Risk {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'int', name: 'current_version' }) currentVersion!: number;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

@Entity('risk_versions')
@Index('IDX_risk_versions_owner', ['owner'])
export class RiskVersion {
  @PrimaryColumn({ type: 'text', name: 'risk_id' }) riskId!: string;
  @PrimaryColumn({ type: 'int' }) version!: number;
  @Column({ type: 'text' }) asset!: string;
  @Column({ type: 'text' }) threat!: string;
  @Column({ type: 'text' }) vulnerability!: string;
  @Column({ type: 'text' }) owner!: string;
  @Column({ type: 'int' }) consequence!: number;
  @Column({ type: 'int' }) likelihood!: number;
  @Column({ type: 'int' }) level!: number;
  @Column({ type: 'text' }) treatment!: string;
  @Column({ type: 'text' }) rationale!: string;
  @Column({ type: 'jsonb' }) controls!: string[];
  @Column({ type: 'text', nullable: true }) plan!: string | null;
  /** Where the assessment came from: the API, or the risk assessment activity that recorded it. */
  @Column({ type: 'text' }) source!: string;
  @Column({ type: 'text', name: 'assessed_by' }) assessedBy!: string;
  @Column({ type: 'timestamptz', name: 'assessed_at' }) assessedAt!: Date;
}

/** The risk owner's acceptance of the residual risk, naming the version it applies to. */
@Entity('risk_acceptances')
@Index('IDX_risk_acceptances_risk', ['riskId'])
export class RiskAcceptance {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ type: 'text', name: 'risk_id' }) riskId!: string;
  @Column({ type: 'int' }) version!: number;
  @Column({ type: 'text', name: 'accepted_by' }) acceptedBy!: string;
  /** The caller who recorded it for the person named (an API key with the on-behalf scope), else null. */
  @Column({ type: 'text', name: 'recorded_by', nullable: true }) recordedBy!: string | null;
  @Column({ type: 'timestamptz', name: 'accepted_at' }) acceptedAt!: Date;
  @Column({ type: 'text', nullable: true }) note!: string | null;
}

/** One Annex A control in the Statement of Applicability. */
@Entity('soa_controls')
export class SoaControl {
  @PrimaryColumn({ type: 'text', name: 'control_id' }) controlId!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) theme!: string;
  @Column({ type: 'boolean', nullable: true }) applicable!: boolean | null;
  @Column({ type: 'text', nullable: true }) justification!: string | null;
  @Column({ type: 'text' }) implementation!: string;
  @Column({ type: 'text', name: 'updated_by', nullable: true }) updatedBy!: string | null;
  @Column({ type: 'timestamptz', name: 'updated_at', nullable: true }) updatedAt!: Date | null;
}

@Entity('documents')
export class DocumentRecord {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text' }) owner!: string;
  /** Who must read and acknowledge each major version (a policy); null: nobody is asked. */
  @Column({ type: 'jsonb', nullable: true }) audience!: Audience | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

/** A document's approved versions: the newest is in force, the others archived, none overwritten. */
@Entity('document_versions')
export class DocumentVersion {
  @PrimaryColumn({ type: 'text', name: 'document_id' }) documentId!: string;
  @PrimaryColumn({ type: 'text' }) version!: string;
  @Column({ type: 'text' }) author!: string;
  @Column({ type: 'text' }) approver!: string;
  /** The caller who recorded it for the person named (an API key with the on-behalf scope), else null. */
  @Column({ type: 'text', name: 'recorded_by', nullable: true }) recordedBy!: string | null;
  @Column({ type: 'date', name: 'approved_on' }) approvedOn!: string;
  @Column({ type: 'date', name: 'next_review' }) nextReview!: string;
  @Column({ type: 'text' }) summary!: string;
  @Column({ type: 'text', nullable: true }) link!: string | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity('document_acknowledgements')
@Unique('UQ_document_acknowledgements', ['documentId', 'version', 'person'])
@Index('IDX_document_acknowledgements_major', ['documentId', 'major', 'person'])
export class DocumentAcknowledgement {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ type: 'text', name: 'document_id' }) documentId!: string;
  @Column({ type: 'text' }) version!: string;
  /** The major version acknowledged: it covers every minor version after it. */
  @Column({ type: 'text' }) major!: string;
  @Column({ type: 'text' }) person!: string;
  /** The caller who recorded it for the person named (an API key with the on-behalf scope), else null. */
  @Column({ type: 'text', name: 'recorded_by', nullable: true }) recordedBy!: string | null;
  @Column({ type: 'timestamptz', name: 'acknowledged_at' }) acknowledgedAt!: Date;
}

/** A supplier or ICT third-party provider (DORA Art. 28 register of information). */
@Entity('suppliers')
export class Supplier {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) services!: string;
  @Column({ type: 'text' }) criticality!: string;
  @Column({ type: 'boolean', name: 'ict_provider' }) ictProvider!: boolean;
  @Column({ type: 'text', nullable: true }) lei!: string | null;
  @Column({ type: 'text', nullable: true }) country!: string | null;
  @Column({ type: 'date', name: 'contract_start', nullable: true }) contractStart!: string | null;
  @Column({ type: 'date', name: 'contract_end', nullable: true }) contractEnd!: string | null;
  @Column({ type: 'date', name: 'last_review', nullable: true }) lastReview!: string | null;
  @Column({ type: 'jsonb' }) certificates!: Array<{ type: string; validUntil: string }>;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

@Entity('training_records')
@Unique('UQ_training_records', ['person', 'course', 'completedOn'])
@Index('IDX_training_records_person', ['person'])
export class TrainingRecord {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ type: 'text' }) person!: string;
  @Column({ type: 'text' }) course!: string;
  @Column({ type: 'date', name: 'completed_on' }) completedOn!: string;
  @Column({ type: 'text' }) result!: string;
  @Column({ type: 'text', name: 'recorded_by' }) recordedBy!: string;
}

/** An ISMS objective (6.2) and how it is measured (9.1). */
@Entity('objectives')
export class Objective {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) objective!: string;
  @Column({ type: 'text' }) metric!: string;
  @Column({ type: 'text' }) owner!: string;
  @Column({ type: 'double precision' }) target!: number;
  /** Whether a value at or above the target meets it (`atLeast`) or at or below (`atMost`). */
  @Column({ type: 'text' }) direction!: string;
}

@Entity('kpi_measurements')
export class KpiMeasurement {
  @PrimaryColumn({ type: 'text', name: 'objective_id' }) objectiveId!: string;
  @PrimaryColumn({ type: 'date', name: 'measured_on' }) measuredOn!: string;
  @Column({ type: 'double precision' }) value!: number;
  @Column({ type: 'text', name: 'recorded_by' }) recordedBy!: string;
  @Column({ type: 'timestamptz', name: 'recorded_at' }) recordedAt!: Date;
}

/** Someone doing work under the organisation's control (ISO 27001 7.2, 7.3), as the HR system or identity provider has them. */
@Entity('people')
export class Person {
  /** Lowercase: one person, however a system spells their address. */
  @PrimaryColumn({ type: 'text' }) email!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) @Index('IDX_people_department') department!: string;
  @Column({ type: 'text', nullable: true }) manager!: string | null;
  @Column({ type: 'date', name: 'start_date' }) @Index('IDX_people_start_date') startDate!: string;
  /** The last day of work. */
  @Column({ type: 'date', name: 'leave_date', nullable: true }) leaveDate!: string | null;
  @Column({ type: 'boolean' }) active!: boolean;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  /** The caller (an HR system's key, an import) that last changed the entry. */
  @Column({ type: 'text', name: 'updated_by' }) updatedBy!: string;
}

/** An opportunity for improvement (10.1): who owns it, where it came from, and what became of it. */
@Entity('improvements')
@Index('UQ_improvements_source_ref', ['source', 'sourceRef'], { unique: true, where: '"source_ref" IS NOT NULL' })
@Index('IDX_improvements_status', ['status'])
export class Improvement {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ type: 'text' }) source!: string;
  /** The record it came from (an audit's finding, a staff report): the same one again is the same improvement. */
  @Column({ type: 'text', name: 'source_ref', nullable: true }) sourceRef!: string | null;
  @Column({ type: 'text' }) owner!: string;
  /** The day by which the owner means to have decided, if set. */
  @Column({ type: 'date', name: 'due_on', nullable: true }) dueOn!: string | null;
  /** `open`, then `done` or `rejected`. */
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'text', nullable: true }) outcome!: string | null;
  @Column({ type: 'date', name: 'decided_on', nullable: true }) decidedOn!: string | null;
  @Column({ type: 'text', name: 'decided_by', nullable: true }) decidedBy!: string | null;
  /** The caller who recorded the decision for `decidedBy`, when that was someone else. */
  @Column({ type: 'text', name: 'recorded_by', nullable: true }) recordedBy!: string | null;
  @Column({ type: 'text', name: 'raised_by' }) raisedBy!: string;
  @Column({ type: 'timestamptz', name: 'raised_at' }) raisedAt!: Date;
  /** The Idempotency-Key it was raised with, if any: the same key again is the same improvement. */
  @Column({ type: 'text', name: 'idempotency_key', nullable: true, unique: true }) idempotencyKey!: string | null;
}

@Entity('improvement_counters')
export class ImprovementCounter {
  @PrimaryColumn({ type: 'int' }) year!: number;
  @Column({ type: 'int' }) last!: number;
}
