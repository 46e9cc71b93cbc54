import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { CycleView, RegulatoryDeadline } from '../../../domain/src';

/** The rows that own a process (NCs, incidents, certification cycles) and their dated timelines. */

/** One nonconformity (ISO 27001 clause 10.2): what went wrong, and where its correction stands. */
@Entity('nonconformities')
@Index('IDX_nonconformities_not_started', ['raisedAt'], { where: '"process_started_at" IS NULL' })
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
  /** The calendar its days are counted on (the raising cycle's or incident's organisation); null: ORGANISATION_TIME_ZONE. */
  @Column({ type: 'text', name: 'time_zone', nullable: true }) timeZone!: string | null;
  /** When its process began: set once, it is never started again (a redelivery, a retry, after retention). */
  @Column({ type: 'timestamptz', name: 'process_started_at', nullable: true }) processStartedAt!: Date | null;
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
@Index('IDX_incidents_not_started', ['reportedAt'], { where: '"process_started_at" IS NULL' })
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
  /** When its process began: set once, it is never started again (a redelivery, a retry, after retention). */
  @Column({ type: 'timestamptz', name: 'process_started_at', nullable: true }) processStartedAt!: Date | null;
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
  /** DORA's weekend and bank holiday relief (RTS 2025/301 Art. 5(4)) for an entity Art. 5(5) does not exclude; null: the stricter times. */
  @Column({ type: 'jsonb', name: 'dora_weekend_relief', nullable: true }) doraWeekendRelief!: { bankHolidays: string[] } | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

/**
 * A certification cycle (`<organisation>:<decision date>`, or `<organisation>:initial`): the
 * request that set it up, and the view its workflow last wrote (plan, audits, status).
 */
@Entity('certification_cycles')
@Index('IDX_certification_cycles_not_started', ['createdAt'], { where: '"process_started_at" IS NULL' })
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
  /** The workflow's input as first started, so a start that was lost is made with the same one (null: rows from before it was kept). */
  @Column({ type: 'jsonb', nullable: true }) input!: Record<string, unknown> | null;
  @Column({ type: 'jsonb', nullable: true }) view!: CycleView | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  /** When its process began: set once, it is never started again (a redelivery, a retry, after retention). */
  @Column({ type: 'timestamptz', name: 'process_started_at', nullable: true }) processStartedAt!: Date | null;
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
