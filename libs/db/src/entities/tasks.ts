import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { FormData, TaskForm } from '../../../domain/src';

/** Tasks people complete from their mail, their links and history, and the outbox that sends each mail once. */

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
