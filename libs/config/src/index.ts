import type { CorrectiveActionPolicy, IncidentPolicy, TaskReminderPolicy } from '../../domain/src';
import { DEFAULT_INCIDENT_POLICY } from '../../domain/src';
import { ConfigError, readEnv, type Env } from './env';

export { ConfigError, givenEnv, readEnv, type Env, type EnvValues } from './env';
export { VARIABLE_NAMES, VARIABLES, type EnvVariable, type VariableName } from './variables';

/** Everything the API and the worker can be configured with, read once from the environment (libs/config/src/variables.ts). */
export interface AppConfig {
  databaseUrl: string;
  /** `payloadKey`: base64 AES-256 key; when set, workflow payloads are encrypted (libs/temporal/src/codec.ts). */
  temporal: { address: string; namespace: string; taskQueue: string; uiUrl: string; payloadKey?: string; tls?: TemporalTls; apiKey?: string };
  smtp: { url: string; from: string };
  /** `host`: the address the API listens on. */
  /** `rateLimitPerMinute`: requests per API key (or per IP without one) per minute. */
  /** `trustProxy`: Express's "trust proxy" (e.g. `uniquelocal`, `1`): whose X-Forwarded-For to believe. */
  /** `failedAuthPerMinute`: failed authentications per client address per minute before it gets 429s. */
  api: { port: number; host: string; publicUrl: string; rateLimitPerMinute: number; failedAuthPerMinute: number; trustProxy?: string };
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

/** The variables the API and the worker read; `npm start` checks them before it starts anything. */
export const APP_VARIABLES = [
  'DATABASE_URL',
  'TASK_LINK_SECRET',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'TEMPORAL_UI_URL',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CA',
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY',
  'PAYLOAD_ENCRYPTION_KEY',
  'SMTP_URL',
  'MAIL_FROM',
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'RATE_LIMIT_PER_MINUTE',
  'RATE_LIMIT_FAILED_AUTH_PER_MINUTE',
  'TRUST_PROXY',
  'METRICS_PORT',
  'TASK_REMIND_BEFORE_DUE_HOURS',
  'TASK_REMIND_AT_DUE',
  'TASK_ESCALATE_AFTER_DUE_HOURS',
  'TASK_REPEAT_ESCALATION_HOURS',
  'TASK_LINK_VALID_AFTER_DUE_HOURS',
  'WORKER_MAX_CACHED_WORKFLOWS',
  'WORKFLOW_BUNDLE',
  'TICKET_WEBHOOKS',
  'ISMS_MANAGER_EMAIL',
  'NC_CORRECTION_DAYS',
  'NC_ROOT_CAUSE_DAYS',
  'NC_ACTION_PLAN_DAYS',
  'NC_APPROVAL_DAYS',
  'NC_EFFECTIVENESS_WAIT_DAYS',
  'NC_EFFECTIVENESS_REVIEW_DAYS',
  'NC_ISMS_CHANGES_DAYS',
  'NC_CLOSURE_DAYS',
  'NC_DEADLINE_WARNING_DAYS',
  'NC_MIN_STEP_DAYS',
  'ORGANISATION_TIME_ZONE',
  'INCIDENT_HANDLER_EMAIL',
  'DPO_EMAIL',
  'CISO_EMAIL',
  'INCIDENT_TRIAGE_HOURS',
  'INCIDENT_ASSESSMENT_HOURS',
  'INCIDENT_REVIEW_DAYS',
  'INCIDENT_CLOSURE_DAYS',
  'GDPR_SUBJECTS_TARGET_HOURS',
  'DORA_UPDATE_TARGET_HOURS',
] as const;

/**
 * TEMPORAL_TLS=true for TLS with the system's CAs; TEMPORAL_TLS_CA, _CERT and _KEY (PEM, or their
 * `_FILE`s) for a private CA and mTLS; TEMPORAL_TLS_SERVER_NAME when the address is not the certificate's
 * name. Temporal Cloud with an API key (TEMPORAL_API_KEY) is TLS too.
 */
function temporalTls(v: ReturnType<typeof readAppEnv>): TemporalTls | undefined {
  const tls: TemporalTls = { serverName: v.TEMPORAL_TLS_SERVER_NAME, caCert: v.TEMPORAL_TLS_CA, clientCert: v.TEMPORAL_TLS_CERT, clientKey: v.TEMPORAL_TLS_KEY };
  const fail = (variable: string, message: string) => new ConfigError([{ variable, message }]);
  if (!tls.clientCert !== !tls.clientKey) throw fail(tls.clientCert ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (mTLS needs both)');
  const configured = Object.values(tls).some(Boolean);
  if (v.TEMPORAL_TLS === false && configured) throw fail('TEMPORAL_TLS', 'TEMPORAL_TLS=false contradicts the TEMPORAL_TLS_* settings');
  const wanted = v.TEMPORAL_TLS ?? (configured || v.TEMPORAL_API_KEY !== undefined);
  return wanted ? tls : undefined;
}

const readAppEnv = (env: Env) => readEnv(APP_VARIABLES, env, { required: ['DATABASE_URL', 'TASK_LINK_SECRET'] });

/** The API's and the worker's configuration; a ConfigError names every variable that is wrong or missing. */
export function loadConfig(env: Env = process.env): AppConfig {
  const v = readAppEnv(env);
  return {
    databaseUrl: v.DATABASE_URL,
    temporal: {
      address: v.TEMPORAL_ADDRESS,
      namespace: v.TEMPORAL_NAMESPACE,
      taskQueue: v.TEMPORAL_TASK_QUEUE,
      uiUrl: v.TEMPORAL_UI_URL,
      payloadKey: v.PAYLOAD_ENCRYPTION_KEY,
      tls: temporalTls(v),
      apiKey: v.TEMPORAL_API_KEY,
    },
    smtp: { url: v.SMTP_URL, from: v.MAIL_FROM },
    api: {
      port: v.PORT,
      host: v.HOST,
      publicUrl: (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/$/, ''),
      rateLimitPerMinute: v.RATE_LIMIT_PER_MINUTE,
      failedAuthPerMinute: v.RATE_LIMIT_FAILED_AUTH_PER_MINUTE,
      trustProxy: v.TRUST_PROXY,
    },
    tasks: {
      linkSecret: v.TASK_LINK_SECRET,
      policy: {
        remindBeforeDueHours: v.TASK_REMIND_BEFORE_DUE_HOURS,
        remindAtDue: v.TASK_REMIND_AT_DUE,
        escalateAfterDueHours: v.TASK_ESCALATE_AFTER_DUE_HOURS,
        repeatEscalationEveryHours: v.TASK_REPEAT_ESCALATION_HOURS,
        linkValidAfterDueHours: v.TASK_LINK_VALID_AFTER_DUE_HOURS,
      },
    },
    worker: { maxCachedWorkflows: v.WORKER_MAX_CACHED_WORKFLOWS, workflowBundle: v.WORKFLOW_BUNDLE },
    webhooks: v.TICKET_WEBHOOKS,
    metricsPort: v.METRICS_PORT,
    incidents: {
      handler: v.INCIDENT_HANDLER_EMAIL,
      dpo: v.DPO_EMAIL,
      ciso: v.CISO_EMAIL,
      policy: {
        triageHours: v.INCIDENT_TRIAGE_HOURS,
        assessmentHours: v.INCIDENT_ASSESSMENT_HOURS,
        reviewDays: v.INCIDENT_REVIEW_DAYS,
        closureDays: v.INCIDENT_CLOSURE_DAYS,
        gdprSubjectsTargetHours: v.GDPR_SUBJECTS_TARGET_HOURS,
        doraUpdateTargetHours: v.DORA_UPDATE_TARGET_HOURS,
        // Not configurable: when the regulatory clocks' reminders come, when DORA's delay is announced, when the workflow continues as new.
        reportReminderFractions: DEFAULT_INCIDENT_POLICY.reportReminderFractions,
        announceDelayAtFraction: DEFAULT_INCIDENT_POLICY.announceDelayAtFraction,
        continueAsNewAfterEvents: DEFAULT_INCIDENT_POLICY.continueAsNewAfterEvents,
      },
    },
    timeZone: v.ORGANISATION_TIME_ZONE,
    nc: {
      ismsManager: v.ISMS_MANAGER_EMAIL,
      policy: {
        correctionDays: v.NC_CORRECTION_DAYS,
        rootCauseDays: v.NC_ROOT_CAUSE_DAYS,
        actionPlanDays: v.NC_ACTION_PLAN_DAYS,
        approvalDays: v.NC_APPROVAL_DAYS,
        effectivenessWaitDays: v.NC_EFFECTIVENESS_WAIT_DAYS,
        effectivenessReviewDays: v.NC_EFFECTIVENESS_REVIEW_DAYS,
        ismsChangesDays: v.NC_ISMS_CHANGES_DAYS,
        closureDays: v.NC_CLOSURE_DAYS,
        deadlineWarningDays: v.NC_DEADLINE_WARNING_DAYS,
        minStepDays: v.NC_MIN_STEP_DAYS,
      },
    },
  };
}
