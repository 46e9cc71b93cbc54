import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Who may call: API keys, dashboard sessions, and the audit log of every state-changing call. */

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
