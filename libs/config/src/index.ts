import { readFileSync } from 'node:fs';
import { DEFAULT_CORRECTIVE_ACTION_POLICY, DEFAULT_INCIDENT_POLICY, DEFAULT_REMINDER_POLICY, isTimeZone, type CorrectiveActionPolicy, type IncidentPolicy, type TaskReminderPolicy } from '../../domain/src';

/** Everything configurable, read once from the environment (a secret may come from `<NAME>_FILE`). */
export interface AppConfig {
  databaseUrl: string;
  /** `payloadKey`: base64 AES-256 key; when set, workflow payloads are encrypted (libs/temporal/src/codec.ts). */
  temporal: { address: string; namespace: string; taskQueue: string; uiUrl: string; payloadKey?: string; tls?: TemporalTls; apiKey?: string };
  smtp: { url: string; from: string };
  /** `rateLimitPerMinute`: requests per API key (or per IP without one) per minute. */
  /** `trustProxy`: Express's "trust proxy" (e.g. `uniquelocal`, `1`): whose X-Forwarded-For to believe. */
  /** `failedAuthPerMinute`: failed authentications per client address per minute before it gets 429s. */
  api: { port: number; publicUrl: string; rateLimitPerMinute: number; failedAuthPerMinute: number; trustProxy?: string };
  tasks: { linkSecret: string; policy: TaskReminderPolicy };
  worker: { maxCachedWorkflows: number; workflowBundle?: string };
  /** Nonconformities: who approves by default, and how long each step of clause 10.2 may take. */
  nc: { ismsManager?: string; policy: CorrectiveActionPolicy };
  /** Who handles incidents, protects data and owns security, unless an incident names them. */
  incidents: { handler?: string; dpo?: string; ciso?: string; policy: IncidentPolicy };
  /** ORGANISATION_TIME_ZONE: the calendar (IANA zone) of incidents and nonconformities that name no organisation. */
  timeZone: string;
  /** Per ticketing system (TICKET_WEBHOOKS). */
  webhooks: Record<string, TicketSystem>;
  /** METRICS_PORT: where the API or the worker serves Prometheus metrics (`/metrics`); none when unset. */
  metricsPort?: number;
}

/**
 * A ticketing system ismsflow talks to: `url` where it posts the incident's state (signed with
 * `secret`), `verifyInbound` when the system's own webhooks must carry that signature (then they need
 * no API key), `timeZone` the zone of times the system sends without an offset (ServiceNow).
 */
export interface TicketSystem {
  url?: string;
  secret?: string;
  verifyInbound?: boolean;
  timeZone?: string;
}

/** TLS to the Temporal frontend; with a client certificate and key it is mTLS (PEM text). */
export interface TemporalTls {
  serverName?: string;
  caCert?: string;
  clientCert?: string;
  clientKey?: string;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function required(env: Env, name: string): string {
  const value = read(env, name);
  if (value === undefined) throw new ConfigError(`${name} (or ${name}_FILE) must be set`);
  return value;
}

function int(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  return value;
}

function timeZone(env: Env, name: string, fallback: string): string {
  const value = read(env, name) ?? fallback;
  if (!isTimeZone(value)) throw new ConfigError(`${name} must be an IANA time zone such as Europe/Berlin, got "${value}"`);
  return value;
}

function hoursList(env: Env, name: string, fallback: number[]): number[] {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new ConfigError(`${name} must be a comma-separated list of hours, got "${raw}"`);
  return values;
}

/** TICKET_WEBHOOKS: JSON `{"jira": {"url": "https://...", "secret": "...", "verifyInbound": true}, "servicenow": {"timeZone": "Europe/Berlin"}}`. */
function webhooks(raw: string | undefined): AppConfig['webhooks'] {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('TICKET_WEBHOOKS must be JSON: {"<system>": {"url": "https://...", "secret": "...", "verifyInbound": true}}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError('TICKET_WEBHOOKS must be a JSON object keyed by system');
  for (const [system, hook] of Object.entries(parsed as Record<string, Record<string, unknown>>)) {
    const where = `TICKET_WEBHOOKS.${system}`;
    if (!hook || typeof hook !== 'object') throw new ConfigError(`${where} must be an object`);
    const { url, secret, verifyInbound, timeZone } = hook;
    if (url !== undefined && (typeof url !== 'string' || !/^https?:\/\//.test(url))) throw new ConfigError(`${where}.url must be an http(s) URL`);
    if (secret !== undefined && (typeof secret !== 'string' || secret.length < 16)) throw new ConfigError(`${where}.secret must be at least 16 characters`);
    if ((url !== undefined || verifyInbound === true) && secret === undefined) throw new ConfigError(`${where} needs a secret: ${url !== undefined ? 'outbound calls are signed with it' : 'verifyInbound checks signatures with it'}`);
    if (verifyInbound !== undefined && typeof verifyInbound !== 'boolean') throw new ConfigError(`${where}.verifyInbound must be true or false`);
    if (timeZone !== undefined && (typeof timeZone !== 'string' || !isTimeZone(timeZone))) throw new ConfigError(`${where}.timeZone must be an IANA time zone such as Europe/Berlin`);
  }
  return parsed as AppConfig['webhooks'];
}

/**
 * TEMPORAL_TLS=true for TLS with the system's CAs; TEMPORAL_TLS_CA, _CERT and _KEY (PEM, or their
 * `_FILE`s) for a private CA and mTLS; TEMPORAL_TLS_SERVER_NAME when the address is not the certificate's
 * name. Temporal Cloud with an API key (TEMPORAL_API_KEY) is TLS too.
 */
function temporalTls(env: Env): TemporalTls | undefined {
  const tls: TemporalTls = {
    serverName: read(env, 'TEMPORAL_TLS_SERVER_NAME'),
    caCert: read(env, 'TEMPORAL_TLS_CA'),
    clientCert: read(env, 'TEMPORAL_TLS_CERT'),
    clientKey: read(env, 'TEMPORAL_TLS_KEY'),
  };
  if (!tls.clientCert !== !tls.clientKey) throw new ConfigError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (mTLS needs both)');
  const flag = read(env, 'TEMPORAL_TLS');
  if (flag !== undefined && !['true', 'false'].includes(flag)) throw new ConfigError(`TEMPORAL_TLS must be true or false, got "${flag}"`);
  const wanted = flag === 'true' || (flag !== 'false' && (Object.values(tls).some(Boolean) || read(env, 'TEMPORAL_API_KEY') !== undefined));
  if (!wanted && Object.values(tls).some(Boolean)) throw new ConfigError('TEMPORAL_TLS=false contradicts the TEMPORAL_TLS_* settings');
  return wanted ? tls : undefined;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const payloadKey = read(env, 'PAYLOAD_ENCRYPTION_KEY');
  if (payloadKey !== undefined && Buffer.from(payloadKey, 'base64').length !== 32) throw new ConfigError('PAYLOAD_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32)');
  const linkSecret = required(env, 'TASK_LINK_SECRET');
  if (linkSecret.length < 32) throw new ConfigError('TASK_LINK_SECRET must be at least 32 characters');
  const port = int(env, 'PORT', 3000);
  const d = DEFAULT_REMINDER_POLICY;
  const nc = DEFAULT_CORRECTIVE_ACTION_POLICY;
  const days = (name: keyof CorrectiveActionPolicy) => int(env, `NC_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, nc[name] ?? 0);
  return {
    databaseUrl: required(env, 'DATABASE_URL'),
    temporal: {
      address: read(env, 'TEMPORAL_ADDRESS') ?? '127.0.0.1:7233',
      namespace: read(env, 'TEMPORAL_NAMESPACE') ?? 'default',
      taskQueue: read(env, 'TEMPORAL_TASK_QUEUE') ?? 'ismsflow',
      uiUrl: read(env, 'TEMPORAL_UI_URL') ?? 'http://localhost:8233',
      payloadKey,
      tls: temporalTls(env),
      apiKey: read(env, 'TEMPORAL_API_KEY'),
    },
    smtp: {
      url: read(env, 'SMTP_URL') ?? 'smtp://127.0.0.1:1025',
      from: read(env, 'MAIL_FROM') ?? 'ismsflow <ismsflow@localhost>',
    },
    api: { port, publicUrl: (read(env, 'PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/$/, ''), rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 600), failedAuthPerMinute: int(env, 'RATE_LIMIT_FAILED_AUTH_PER_MINUTE', 30), trustProxy: read(env, 'TRUST_PROXY') },
    tasks: {
      linkSecret,
      policy: {
        remindBeforeDueHours: hoursList(env, 'TASK_REMIND_BEFORE_DUE_HOURS', d.remindBeforeDueHours),
        remindAtDue: (read(env, 'TASK_REMIND_AT_DUE') ?? String(d.remindAtDue)) !== 'false',
        escalateAfterDueHours: int(env, 'TASK_ESCALATE_AFTER_DUE_HOURS', d.escalateAfterDueHours),
        repeatEscalationEveryHours: int(env, 'TASK_REPEAT_ESCALATION_HOURS', d.repeatEscalationEveryHours),
        linkValidAfterDueHours: int(env, 'TASK_LINK_VALID_AFTER_DUE_HOURS', d.linkValidAfterDueHours),
      },
    },
    worker: {
      maxCachedWorkflows: int(env, 'WORKER_MAX_CACHED_WORKFLOWS', 500),
      workflowBundle: read(env, 'WORKFLOW_BUNDLE'),
    },
    webhooks: webhooks(read(env, 'TICKET_WEBHOOKS')),
    metricsPort: read(env, 'METRICS_PORT') === undefined ? undefined : int(env, 'METRICS_PORT', 0),
    incidents: {
      handler: read(env, 'INCIDENT_HANDLER_EMAIL'),
      dpo: read(env, 'DPO_EMAIL'),
      ciso: read(env, 'CISO_EMAIL'),
      policy: {
        triageHours: int(env, 'INCIDENT_TRIAGE_HOURS', DEFAULT_INCIDENT_POLICY.triageHours),
        assessmentHours: int(env, 'INCIDENT_ASSESSMENT_HOURS', DEFAULT_INCIDENT_POLICY.assessmentHours),
        reviewDays: int(env, 'INCIDENT_REVIEW_DAYS', DEFAULT_INCIDENT_POLICY.reviewDays),
        closureDays: int(env, 'INCIDENT_CLOSURE_DAYS', DEFAULT_INCIDENT_POLICY.closureDays),
        reportReminderFractions: DEFAULT_INCIDENT_POLICY.reportReminderFractions,
        gdprSubjectsTargetHours: int(env, 'GDPR_SUBJECTS_TARGET_HOURS', DEFAULT_INCIDENT_POLICY.gdprSubjectsTargetHours),
        doraUpdateTargetHours: int(env, 'DORA_UPDATE_TARGET_HOURS', DEFAULT_INCIDENT_POLICY.doraUpdateTargetHours),
        announceDelayAtFraction: DEFAULT_INCIDENT_POLICY.announceDelayAtFraction,
        continueAsNewAfterEvents: DEFAULT_INCIDENT_POLICY.continueAsNewAfterEvents,
      },
    },
    timeZone: timeZone(env, 'ORGANISATION_TIME_ZONE', 'UTC'),
    nc: {
      ismsManager: read(env, 'ISMS_MANAGER_EMAIL'),
      policy: Object.fromEntries(Object.keys(nc).map((k) => [k, days(k as keyof CorrectiveActionPolicy)])) as unknown as CorrectiveActionPolicy,
    },
  };
}
