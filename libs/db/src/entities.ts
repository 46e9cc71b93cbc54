import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { CycleView, FormData, RegulatoryDeadline, TaskForm } from '../../domain/src';

/** The record of one emailed task: what auditors sample, and what `GET /tasks` reads. */
@Entity('tasks')
@Index('IDX_tasks_assignee_status_due', ['assignee', 'status', 'dueAt'])
@Index('IDX_tasks_status_due', ['status', 'dueAt'])
export class TaskRecord {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text', name: 'workflow_id' }) workflowId!: string;
  @Column({ type: 'text' }) process!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) instructions!: string;
  @Column({ type: 'text' }) assignee!: string;
  @Column({ type: 'text', name: 'escalate_to', nullable: true }) escalateTo!: string | null;
  @Column({ type: 'text', name: 'external_ref', nullable: true }) externalRef!: string | null;
  @Column({ type: 'timestamptz', name: 'due_at' }) dueAt!: Date;
  @Column({ type: 'text' }) status!: 'open' | 'completed' | 'cancelled';
  @Column({ type: 'jsonb' }) outcomes!: string[];
  @Column({ type: 'int', name: 'link_version', default: 1 }) linkVersion!: number;
  @Column({ type: 'text', name: 'created_by' }) createdBy!: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'completed_at', nullable: true }) completedAt!: Date | null;
  @Column({ type: 'text', name: 'completed_by', nullable: true }) completedBy!: string | null;
  @Column({ type: 'text', name: 'completed_via', nullable: true }) completedVia!: string | null;
  /** The API key that recorded the completion when it named someone else as the person who did it. */
  @Column({ type: 'text', name: 'recorded_by', nullable: true }) recordedBy!: string | null;
  @Column({ type: 'text', nullable: true }) outcome!: string | null;
  @Column({ type: 'text', nullable: true }) notes!: string | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) evidence!: string[];
  @Column({ type: 'jsonb', nullable: true }) form!: TaskForm | null;
  /** The answers given on the form. */
  @Column({ type: 'jsonb', nullable: true }) data!: FormData | null;
  /** Hash of the creating request, so a reused Idempotency-Key with another body is refused. */
  @Column({ type: 'text', name: 'request_hash', nullable: true }) requestHash!: string | null;
}

/** Dated history of a task: every state change and every mail. Keyed so a retry adds nothing. */
@Entity('task_events')
@Unique('UQ_task_events_task_key', ['taskId', 'key'])
export class TaskEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ type: 'text', name: 'task_id' }) @Index('IDX_task_events_task') taskId!: string;
  @Column({ type: 'text' }) key!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'text' }) actor!: string;
  @Column({ type: 'jsonb', default: () => "'{}'" }) data!: Record<string, unknown>;
}

/** One emailed link per task and assignee version; the token itself is never stored. */
@Entity('task_links')
@Unique('UQ_task_links_task_version', ['taskId', 'version'])
export class TaskLink {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ type: 'text', name: 'task_id' }) taskId!: string;
  @Column({ type: 'int' }) version!: number;
  @Column({ type: 'text' }) assignee!: string;
  @Column({ type: 'text', name: 'token_hash', unique: true }) tokenHash!: string;
  @Column({ type: 'timestamptz', name: 'expires_at' }) expiresAt!: Date;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'used_at', nullable: true }) usedAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}

/** Outbox of every mail: the unique key is what keeps a retried activity from mailing twice. */
@Entity('outbound_mail')
export class OutboundMail {
  @PrimaryColumn({ type: 'text', name: 'idempotency_key' }) idempotencyKey!: string;
  @Column({ type: 'text', name: 'message_id' }) messageId!: string;
  @Column({ type: 'text', name: 'task_id', nullable: true }) @Index('IDX_outbound_mail_task') taskId!: string | null;
  @Column({ type: 'text', name: 'to_address' }) to!: string;
  @Column({ type: 'text' }) subject!: string;
  /** `rejected`: the relay refused it for good (a 5xx); `error` says why, and it is never retried. */
  @Column({ type: 'text' }) status!: 'sending' | 'sent' | 'rejected';
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'sent_at', nullable: true }) sentAt!: Date | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
}

@Entity('api_keys')
/** A name names one key in use; a revoked key's name may be given again (the audit log keeps the key id). */
@Index('UQ_api_keys_active_name', ['name'], { unique: true, where: '"revoked_at" IS NULL' })
export class ApiKey {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', name: 'key_hash', unique: true }) keyHash!: string;
  @Column({ type: 'text' }) role!: 'admin' | 'integration';
  /** What it may do (libs/security SCOPES); an admin key may do everything. */
  @Column({ type: 'jsonb', default: () => "'[]'" }) scopes!: string[];
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true }) lastUsedAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}


/** One nonconformity (ISO 27001 clause 10.2): what went wrong, and where its correction stands. */
@Entity('nonconformities')
@Index('IDX_nc_status', ['status'])
@Index('IDX_nc_owner_status', ['owner', 'status'])
@Index('UQ_nc_source_ref', ['source', 'sourceRef'], { unique: true, where: '"source_ref" IS NOT NULL' })
export class Nonconformity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text', name: 'workflow_id' }) workflowId!: string;
  @Column({ type: 'text' }) source!: string;
  @Column({ type: 'text', name: 'source_ref', nullable: true }) sourceRef!: string | null;
  @Column({ type: 'text' }) requirement!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ type: 'jsonb', default: () => "'[]'" }) evidence!: string[];
  @Column({ type: 'text' }) classification!: string;
  @Column({ type: 'text' }) owner!: string;
  @Column({ type: 'text', name: 'isms_manager' }) ismsManager!: string;
  @Column({ type: 'text' }) reviewer!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'int', default: 1 }) round!: number;
  @Column({ type: 'timestamptz', name: 'step_due_at', nullable: true }) stepDueAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'plan_due_at', nullable: true }) planDueAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'close_by', nullable: true }) closeBy!: Date | null;
  @Column({ type: 'timestamptz', name: 'deadline_missed_at', nullable: true }) deadlineMissedAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'raised_at' }) raisedAt!: Date;
  @Column({ type: 'text', name: 'raised_by' }) raisedBy!: string;
  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column({ type: 'text', name: 'closed_by', nullable: true }) closedBy!: string | null;
  @Column({ type: 'text', name: 'idempotency_key', nullable: true, unique: true }) idempotencyKey!: string | null;
  @Column({ type: 'text', name: 'request_hash' }) requestHash!: string;
}

/**
 * The NC's dated timeline: raised, correction, each root-cause round, plan, approvals, actions,
 * effectiveness reviews, ISMS changes, closure. Append-only: a second round is a new row.
 */
@Entity('nc_entries')
@Unique('UQ_nc_entries_nc_key', ['ncId', 'key'])
export class NcEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ type: 'text', name: 'nc_id' }) @Index('IDX_nc_entries_nc') ncId!: string;
  @Column({ type: 'text' }) key!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'int' }) round!: number;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'text' }) actor!: string;
  @Column({ type: 'jsonb', default: () => "'{}'" }) data!: Record<string, unknown>;
}

/** The last NC number given out per year (NC-2026-0007). */
@Entity('nc_counters')
export class NcCounter {
  @PrimaryColumn({ type: 'int' }) year!: number;
  @Column({ type: 'int' }) last!: number;
}


/** One incident, keyed by its ticket (`jira:SEC-42`); the row shows where it stands. */
@Entity('incidents')
@Index('IDX_incidents_step', ['step'])
export class Incident {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text', name: 'workflow_id' }) workflowId!: string;
  @Column({ type: 'text' }) system!: string;
  @Column({ type: 'text', name: 'ticket_id' }) ticketId!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ type: 'timestamptz', name: 'detected_at' }) detectedAt!: Date;
  @Column({ type: 'timestamptz', name: 'reported_at' }) reportedAt!: Date;
  /** Awareness as the ticket gave it (by default its creation). */
  @Column({ type: 'timestamptz', name: 'aware_at' }) awareAt!: Date;
  /** A later awareness recorded at triage, with its reason: the clocks count from it (DOMAIN.md 4). */
  @Column({ type: 'timestamptz', name: 'recorded_aware_at', nullable: true }) recordedAwareAt!: Date | null;
  @Column({ type: 'text', name: 'awareness_reason', nullable: true }) awarenessReason!: string | null;
  /** The organisation whose calendar the clocks follow (none: INCIDENT_TIME_ZONE). */
  @Column({ type: 'text', name: 'organisation_id', nullable: true }) organisationId!: string | null;
  @Column({ type: 'text', name: 'reported_by' }) reportedBy!: string;
  @Column({ type: 'jsonb', name: 'affected_assets', default: () => "'[]'" }) affectedAssets!: string[];
  @Column({ type: 'text' }) handler!: string;
  @Column({ type: 'text' }) step!: string;
  @Column({ type: 'text' }) handling!: string;
  @Column({ type: 'text', nullable: true }) severity!: string | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) regimes!: string[];
  @Column({ type: 'timestamptz', name: 'next_deadline_at', nullable: true }) nextDeadlineAt!: Date | null;
  /** Every regulatory deadline and its state, as the workflow last computed them. */
  @Column({ type: 'jsonb', default: () => "'[]'" }) deadlines!: RegulatoryDeadline[];
  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column({ type: 'text', name: 'closed_by', nullable: true }) closedBy!: string | null;
  @Column({ type: 'jsonb' }) input!: Record<string, unknown>;
}

/** The incident's dated timeline: ticket events, decisions, reports, missed deadlines. Append-only. */
@Entity('incident_entries')
@Unique('UQ_incident_entries_key', ['incidentId', 'key'])
export class IncidentEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ type: 'text', name: 'incident_id' }) @Index('IDX_incident_entries_incident') incidentId!: string;
  @Column({ type: 'text' }) key!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'text' }) actor!: string;
  @Column({ type: 'jsonb', default: () => "'{}'" }) data!: Record<string, unknown>;
}

/** An outbound webhook call that kept failing: kept for an admin to replay. */
@Entity('webhook_dead_letters')
export class WebhookDeadLetter {
  @PrimaryColumn({ type: 'text' }) key!: string;
  @Column({ type: 'text' }) system!: string;
  @Column({ type: 'jsonb' }) payload!: Record<string, unknown>;
  @Column({ type: 'text' }) error!: string;
  @Column({ type: 'timestamptz', name: 'failed_at' }) failedAt!: Date;
}


/** An organisation running its ISMS with ismsflow, and the rules of its certification body. */
@Entity('organisations')
export class Organisation {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', name: 'isms_manager' }) ismsManager!: string;
  @Column({ type: 'jsonb', name: 'top_management', default: () => "'[]'" }) topManagement!: string[];
  @Column({ type: 'jsonb', name: 'certification_body' }) certificationBody!: { name: string; planDueDays: number; majorCloseDays: number; minorCloseBy: 'nextAudit' | 'days'; minorCloseDays?: number };
  @Column({ type: 'text' }) scope!: string;
  @Column({ type: 'text', name: 'time_zone' }) timeZone!: string;
  @Column({ type: 'jsonb', name: 'working_days' }) workingDays!: number[];
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

/**
 * A certification cycle (`<organisation>:<decision date>`, or `<organisation>:initial`): the
 * request that set it up, and the view its workflow last wrote (plan, audits, status).
 */
@Entity('certification_cycles')
export class CertificationCycle {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text', name: 'organisation_id' }) @Index('IDX_certification_cycles_organisation') organisationId!: string;
  @Column({ type: 'date', name: 'decision_date', nullable: true }) decisionDate!: string | null;
  @Column({ type: 'text', name: 'workflow_id' }) workflowId!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'text', name: 'next_audit_kind', nullable: true }) nextAuditKind!: string | null;
  @Column({ type: 'date', name: 'next_audit_date', nullable: true }) nextAuditDate!: string | null;
  /** The request as accepted (normalised), to answer a repeated one and refuse a different one. */
  @Column({ type: 'jsonb' }) request!: Record<string, unknown>;
  @Column({ type: 'jsonb', nullable: true }) view!: CycleView | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

/** One activity of a cycle's programme: its plan and status (from the cycle), its record (from the activity). */
@Entity('cycle_activities')
@Index('IDX_cycle_activities_status_due', ['status', 'due'])
@Index('IDX_cycle_activities_owner_status', ['owner', 'status'])
export class CycleActivityRecord {
  @PrimaryColumn({ type: 'text', name: 'cycle_id' }) cycleId!: string;
  @PrimaryColumn({ type: 'text', name: 'activity_id' }) activityId!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text', name: 'for_audit' }) forAudit!: string;
  @Column({ type: 'date' }) due!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'text' }) owner!: string;
  @Column({ type: 'text', name: 'workflow_id', nullable: true }) workflowId!: string | null;
  @Column({ type: 'date', name: 'completed_on', nullable: true }) completedOn!: string | null;
  @Column({ type: 'text', nullable: true }) summary!: string | null;
  /** What its people recorded (DOMAIN.md section 2): the evidence an auditor samples. */
  @Column({ type: 'jsonb', nullable: true }) record!: Record<string, unknown> | null;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

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
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

/** A document's approved versions: the newest is in force, the others archived, none overwritten. */
@Entity('document_versions')
export class DocumentVersion {
  @PrimaryColumn({ type: 'text', name: 'document_id' }) documentId!: string;
  @PrimaryColumn({ type: 'text' }) version!: string;
  @Column({ type: 'text' }) author!: string;
  @Column({ type: 'text' }) approver!: string;
  @Column({ type: 'date', name: 'approved_on' }) approvedOn!: string;
  @Column({ type: 'date', name: 'next_review' }) nextReview!: string;
  @Column({ type: 'text' }) summary!: string;
  @Column({ type: 'text', nullable: true }) link!: string | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity('document_acknowledgements')
@Unique('UQ_document_acknowledgements', ['documentId', 'version', 'person'])
export class DocumentAcknowledgement {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ type: 'text', name: 'document_id' }) documentId!: string;
  @Column({ type: 'text' }) version!: string;
  @Column({ type: 'text' }) person!: string;
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

/** Every state-changing API call: who (the key's name), what, when, and how it ended. */
@Entity('audit_log')
@Index('IDX_audit_log_at', ['at'])
export class AuditLogEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'text', name: 'key_id', nullable: true }) keyId!: string | null;
  @Column({ type: 'text', name: 'key_name' }) keyName!: string;
  @Column({ type: 'text' }) method!: string;
  @Column({ type: 'text' }) path!: string;
  @Column({ type: 'int' }) status!: number;
  @Column({ type: 'text', nullable: true }) ip!: string | null;
}

/** An admin's dashboard session: the cookie holds a random token, this row its hash; signing out ends it. */
@Entity('dashboard_sessions')
export class DashboardSession {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text', name: 'key_id' }) keyId!: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'expires_at' }) expiresAt!: Date;
  @Column({ type: 'timestamptz', name: 'ended_at', nullable: true }) endedAt!: Date | null;
}

export const ENTITIES = [
  DashboardSession,
  TaskRecord,
  TaskEvent,
  TaskLink,
  OutboundMail,
  ApiKey,
  Nonconformity,
  NcEntry,
  NcCounter,
  Incident,
  IncidentEntry,
  WebhookDeadLetter,
  Organisation,
  CertificationCycle,
  CycleActivityRecord,
  EvidenceEntry,
  Risk,
  RiskVersion,
  RiskAcceptance,
  SoaControl,
  DocumentRecord,
  DocumentVersion,
  DocumentAcknowledgement,
  Supplier,
  TrainingRecord,
  Objective,
  KpiMeasurement,
  AuditLogEntry,
];
