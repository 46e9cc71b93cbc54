import { DEFAULT_CORRECTIVE_ACTION_POLICY as NC, DEFAULT_INCIDENT_POLICY as INCIDENT, DEFAULT_REMINDER_POLICY as TASK } from '../../domain/src';
import * as t from './types';

/** One environment variable: its value's type, default, meaning, and examples its test runs. */
export interface EnvVariable<T = unknown> {
  type: t.ValueType<T>;
  /** The text used when the variable is unset; parsed like a value that was set. */
  default?: string;
  /** What the README says when the default is not a fixed text (computed, or given by `npm start`). */
  defaultText?: string;
  description: string;
  /** Never shown in a message; may come from a file named by `<NAME>_FILE`. */
  secret?: boolean;
  /** May come from a file named by `<NAME>_FILE` (every secret may). */
  file?: boolean;
  /**
   * For test/unit/config-variables.test.ts: a valid value (not the default), and malformed ones that must be
   * refused with an error naming the variable; `with`: other variables the valid value needs.
   */
  examples: { valid: string; invalid: string[]; with?: Record<string, string> };
}

const PEM = (kind: string) => `-----BEGIN ${kind}-----\nMIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnRl\n-----END ${kind}-----\n`;
const days = t.wholeNumber(0, 3650, 'days');
const hours = t.wholeNumber(0, 87600, 'hours');

/**
 * Every environment variable ismsflow reads, by its full name (so `grep NC_CORRECTION_DAYS` finds
 * it): the API and the worker (libs/config/src/index.ts, loadConfig), `npm start` and the admin
 * scripts (scripts/, libs/devstack/), the benchmark. The README's Configuration table is generated
 * from this list (`npm run docs:config`), and a unit test runs each entry's examples.
 *
 * Not here, because only tests and the benchmark read them, each where it is used: CHROMIUM_PATH
 * (test/support/browser.ts), TEST_STACK_DIR and TEST_API_KEY (set by test/support/stack-setup.ts
 * for the test processes), MAILPIT_URL (the test stack's mailbox), BENCH_* (bench/run.ts, README
 * "Performance"). scripts/install-temporal.js reads ISMSFLOW_SKIP_TEMPORAL_INSTALL itself: it runs
 * on `npm install`, before anything can be compiled; the entry below documents it.
 */
export const VARIABLES = {
  DATABASE_URL: {
    type: t.postgresUrl, secret: true,
    defaultText: 'embedded PostgreSQL under `npm start`',
    description: 'PostgreSQL connection URL',
    examples: { valid: 'postgres://ismsflow:pw@db.internal:5432/ismsflow', invalid: ['mysql://db.internal/ismsflow', 'db.internal:5432'] },
  },
  TASK_LINK_SECRET: {
    type: t.secretText(32), secret: true,
    defaultText: 'generated into `.data/` by `npm start`',
    description: 'HMAC key for task links, "my tasks" links, calendar feeds and CSRF tokens',
    examples: { valid: 'k'.repeat(40), invalid: ['too-short-secret'] },
  },
  TEMPORAL_ADDRESS: {
    type: t.hostAndPort, default: '127.0.0.1:7233',
    defaultText: '`127.0.0.1:7233` (the dev server under `npm start`)',
    description: 'Temporal frontend',
    examples: { valid: 'temporal.internal:7233', invalid: ['temporal.internal', 'http://temporal:7233/x'] },
  },
  TEMPORAL_NAMESPACE: {
    type: t.name, default: 'default',
    description: 'Temporal namespace',
    examples: { valid: 'isms-prod', invalid: ['isms prod'] },
  },
  TEMPORAL_TASK_QUEUE: {
    type: t.name, default: 'ismsflow',
    description: 'task queue of the workflows and activities',
    examples: { valid: 'ismsflow-eu', invalid: ['isms flow'] },
  },
  TEMPORAL_UI_URL: {
    type: t.httpUrl, default: 'http://localhost:8233',
    description: 'for links to a workflow in the Temporal UI',
    examples: { valid: 'https://temporal.example.com', invalid: ['temporal.example.com', 'ftp://temporal'] },
  },
  TEMPORAL_TLS: {
    type: t.bool,
    defaultText: '`false`, `true` when a `TEMPORAL_TLS_*` setting or `TEMPORAL_API_KEY` is set',
    description: 'TLS to the Temporal frontend with the system\'s CAs',
    examples: { valid: 'true', invalid: ['yes', '1'] },
  },
  TEMPORAL_TLS_CA: {
    type: t.pem, file: true,
    description: 'a private CA for the Temporal frontend\'s certificate',
    examples: { valid: PEM('CERTIFICATE'), invalid: ['not a certificate'] },
  },
  TEMPORAL_TLS_CERT: {
    type: t.pem, file: true,
    description: 'the client certificate for mTLS (with `TEMPORAL_TLS_KEY`)',
    examples: { valid: PEM('CERTIFICATE'), invalid: ['not a certificate'], with: { TEMPORAL_TLS_KEY: PEM('PRIVATE KEY') } },
  },
  TEMPORAL_TLS_KEY: {
    type: t.pem, secret: true,
    description: 'the client key for mTLS (with `TEMPORAL_TLS_CERT`)',
    examples: { valid: PEM('PRIVATE KEY'), invalid: ['not a key'], with: { TEMPORAL_TLS_CERT: PEM('CERTIFICATE') } },
  },
  TEMPORAL_TLS_SERVER_NAME: {
    type: t.hostName,
    defaultText: 'the address\'s host',
    description: 'the name on the Temporal frontend\'s certificate, when it differs',
    examples: { valid: 'frontend.temporal.internal', invalid: ['front end', 'https://frontend'] },
  },
  TEMPORAL_API_KEY: {
    type: t.singleLineSecret, secret: true,
    description: 'Temporal Cloud API key (`TEMPORAL_ADDRESS=<region>.<cloud>.api.temporal.io:7233`, `TEMPORAL_NAMESPACE=<ns>.<account>`)',
    examples: { valid: 'eyJhbGciOiJFUzI1NiJ9.cloud-key', invalid: ['two\nlines'] },
  },
  TRUST_PROXY: {
    type: t.trustProxy,
    description: 'behind a proxy: Express\'s "trust proxy", so the client\'s address comes from X-Forwarded-For',
    examples: { valid: 'uniquelocal, 203.0.113.0/24', invalid: ['true', 'everyone'] },
  },
  METRICS_PORT: {
    type: t.port,
    defaultText: 'none (no metrics endpoint)',
    description: 'API: its Prometheus metrics at `:<port>/metrics` (requests by route and status, process); worker: Temporal\'s SDK metrics there. Under `npm start`, which runs both, the worker\'s are on the next port',
    examples: { valid: '9464', invalid: ['metrics', '0', '65536'] },
  },
  SMTP_URL: {
    type: t.smtpUrl, secret: true, default: 'smtp://127.0.0.1:1025',
    defaultText: '`smtp://127.0.0.1:1025` (the catcher under `npm start`)',
    description: 'the organisation\'s mail relay',
    examples: { valid: 'smtps://isms:pw@mail.example.com:465', invalid: ['mail.example.com:25', 'http://mail.example.com'] },
  },
  MAIL_FROM: {
    type: t.mailbox, default: 'ismsflow <ismsflow@localhost>',
    description: 'sender of every mail',
    examples: { valid: 'ISMS <isms@example.com>', invalid: ['ismsflow', 'two@at@example.com'] },
  },
  PORT: {
    type: t.port, default: '3000',
    description: 'API port',
    examples: { valid: '8080', invalid: ['eighty', '70000'] },
  },
  HOST: {
    type: t.listenAddress, default: '0.0.0.0',
    description: 'the address the API listens on',
    examples: { valid: '127.0.0.1', invalid: ['local host', '-bad-'] },
  },
  RATE_LIMIT_PER_MINUTE: {
    type: t.wholeNumber(1, 1e9), default: '600',
    description: 'requests per API key (or per address without one) per minute',
    examples: { valid: '1200', invalid: ['many', '0', '-5'] },
  },
  RATE_LIMIT_FAILED_AUTH_PER_MINUTE: {
    type: t.wholeNumber(1, 1e9), default: '30',
    description: 'failed authentications per client address per minute, then 429 until the minute ends',
    examples: { valid: '5', invalid: ['many', '0'] },
  },
  PAYLOAD_ENCRYPTION_KEY: {
    type: t.aesKey, secret: true,
    defaultText: 'none (payloads unencrypted)',
    description: 'base64 AES-256 key: encrypts workflow payloads; the API serves the codec endpoint for the Temporal UI',
    examples: { valid: Buffer.alloc(32, 7).toString('base64'), invalid: [Buffer.alloc(16, 7).toString('base64'), 'not base64!'] },
  },
  PUBLIC_URL: {
    type: t.httpUrl,
    defaultText: '`http://localhost:$PORT`',
    description: 'base of the links in mails; `https` makes the dashboard\'s cookies Secure',
    examples: { valid: 'https://isms.example.com', invalid: ['isms.example.com'] },
  },
  TASK_REMIND_BEFORE_DUE_HOURS: {
    type: t.hoursList, default: String(TASK.remindBeforeDueHours),
    description: 'reminders before the due date',
    examples: { valid: '168, 24', invalid: ['soon', '72,,24', '-1'] },
  },
  TASK_REMIND_AT_DUE: {
    type: t.bool, default: String(TASK.remindAtDue),
    description: 'a reminder at the due time',
    examples: { valid: 'false', invalid: ['no', '0'] },
  },
  TASK_ESCALATE_AFTER_DUE_HOURS: {
    type: hours, default: String(TASK.escalateAfterDueHours),
    description: 'first escalation after the due date',
    examples: { valid: '48', invalid: ['soon', '1.5'] },
  },
  TASK_REPEAT_ESCALATION_HOURS: {
    type: hours, default: String(TASK.repeatEscalationEveryHours),
    description: 'repeat escalations while open (`0`: once)',
    examples: { valid: '0', invalid: ['weekly'] },
  },
  TASK_LINK_VALID_AFTER_DUE_HOURS: {
    type: hours, default: String(TASK.linkValidAfterDueHours),
    description: 'how long a link works after the due date',
    examples: { valid: '168', invalid: ['forever', '100000'] },
  },
  ISMS_MANAGER_EMAIL: {
    type: t.email,
    defaultText: 'none (`npm start`: `isms-manager@example.com`)',
    description: 'approves NC plans and closures unless an NC names its own',
    examples: { valid: 'isms@example.com', invalid: ['isms manager', 'isms@localhost'] },
  },
  NC_CORRECTION_DAYS: {
    type: days, default: String(NC.correctionDays),
    description: 'days for an NC\'s correction',
    examples: { valid: '3', invalid: ['a week'] },
  },
  NC_ROOT_CAUSE_DAYS: {
    type: days, default: String(NC.rootCauseDays),
    description: 'days for its root-cause analysis',
    examples: { valid: '21', invalid: ['-1'] },
  },
  NC_ACTION_PLAN_DAYS: {
    type: days, default: String(NC.actionPlanDays),
    description: 'days for its action plan',
    examples: { valid: '10', invalid: ['x'] },
  },
  NC_APPROVAL_DAYS: {
    type: days, default: String(NC.approvalDays),
    description: 'days for the ISMS manager\'s approval of the plan',
    examples: { valid: '2', invalid: ['2d'] },
  },
  NC_EFFECTIVENESS_WAIT_DAYS: {
    type: days, default: String(NC.effectivenessWaitDays),
    description: 'wait after the actions before the effectiveness review',
    examples: { valid: '45', invalid: ['4000'] },
  },
  NC_EFFECTIVENESS_REVIEW_DAYS: {
    type: days, default: String(NC.effectivenessReviewDays),
    description: 'days for the effectiveness review',
    examples: { valid: '7', invalid: ['1.5'] },
  },
  NC_ISMS_CHANGES_DAYS: {
    type: days, default: String(NC.ismsChangesDays),
    description: 'days for the changes to the ISMS',
    examples: { valid: '30', invalid: ['thirty'] },
  },
  NC_CLOSURE_DAYS: {
    type: days, default: String(NC.closureDays),
    description: 'days for the closure approval',
    examples: { valid: '3', invalid: ['a week'] },
  },
  NC_DEADLINE_WARNING_DAYS: {
    type: days, default: String(NC.deadlineWarningDays),
    description: 'warn the ISMS manager this long before a certification body\'s closure deadline',
    examples: { valid: '21', invalid: ['soon'] },
  },
  NC_MIN_STEP_DAYS: {
    type: days, default: String(NC.minStepDays),
    description: 'with a body\'s deadline, the least time each NC step gets when the configured days do not fit',
    examples: { valid: '2', invalid: ['one'] },
  },
  ORGANISATION_TIME_ZONE: {
    type: t.timeZone, default: 'UTC',
    description: 'time zone of incidents and NCs that name no organisation: "one month after" and "the end of the day" are counted on its calendar',
    examples: { valid: 'Europe/Berlin', invalid: ['Mars/Olympus', 'CEST+1'] },
  },
  INCIDENT_HANDLER_EMAIL: {
    type: t.email,
    defaultText: 'none (`npm start`: `incident-handler@example.com`)',
    description: 'handles incidents unless an incident names someone',
    examples: { valid: 'soc@example.com', invalid: ['soc'] },
  },
  DPO_EMAIL: {
    type: t.email,
    defaultText: 'none (`npm start`: `dpo@example.com`)',
    description: 'the data protection officer: assesses personal-data breaches',
    examples: { valid: 'dpo@example.com', invalid: ['dpo@'] },
  },
  CISO_EMAIL: {
    type: t.email,
    defaultText: 'none (`npm start`: `ciso@example.com`)',
    description: 'reports incidents to authorities',
    examples: { valid: 'ciso@example.com', invalid: ['@example.com'] },
  },
  INCIDENT_TRIAGE_HOURS: {
    type: hours, default: String(INCIDENT.triageHours),
    description: 'hours for an incident\'s triage',
    examples: { valid: '2', invalid: ['asap'] },
  },
  INCIDENT_ASSESSMENT_HOURS: {
    type: hours, default: String(INCIDENT.assessmentHours),
    description: 'hours for its assessment, counted from awareness',
    examples: { valid: '24', invalid: ['1e3'] },
  },
  INCIDENT_REVIEW_DAYS: {
    type: days, default: String(INCIDENT.reviewDays),
    description: 'days for the post-incident review',
    examples: { valid: '30', invalid: ['month'] },
  },
  INCIDENT_CLOSURE_DAYS: {
    type: days, default: String(INCIDENT.closureDays),
    description: 'days for the closure',
    examples: { valid: '14', invalid: ['0x10'] },
  },
  GDPR_SUBJECTS_TARGET_HOURS: {
    type: hours, default: String(INCIDENT.gdprSubjectsTargetHours),
    description: 'internal target for telling data subjects (GDPR Art. 34: "without undue delay")',
    examples: { valid: '48', invalid: ['undue'] },
  },
  DORA_UPDATE_TARGET_HOURS: {
    type: hours, default: String(INCIDENT.doraUpdateTargetHours),
    description: 'internal target for DORA\'s updated intermediate report after recovery (RTS 2025/301 Art. 5(1)(b): "without undue delay")',
    examples: { valid: '12', invalid: ['a day'] },
  },
  TICKET_WEBHOOKS: {
    type: t.ticketWebhooks,
    secret: true,
    default: '{}',
    defaultText: 'none',
    description:
      'per ticketing system, `{"jira": {"url": "https://...", "secret": "...", "verifyInbound": true}, "servicenow": {"timeZone": "Europe/Berlin"}}`: where to tell it about its incidents (`url`, signed with `secret`), whether its own webhooks are authenticated by their signature instead of an API key (`verifyInbound`: `X-Hub-Signature[-256]` or `X-Ismsflow-Signature: sha256=<HMAC of the body>`), and the zone of times it sends without an offset (`timeZone`, default UTC)',
    examples: { valid: '{"jira": {"url": "https://jira.example.com/hook", "secret": "0123456789abcdef"}}', invalid: ['{not json', '[]', '{"jira": {"url": "https://jira.example.com/hook"}}', '{"jira": {"secrte": "0123456789abcdef"}}'] },
  },
  WORKER_MAX_CACHED_WORKFLOWS: {
    type: t.wholeNumber(0, 1e6), default: '500',
    description: 'workflow cache size (about 1 MB each; the benchmark\'s worker holding 12,000 open workflows stays near 750 MB with it)',
    examples: { valid: '200', invalid: ['lots'] },
  },
  WORKFLOW_BUNDLE: {
    type: t.existingFile,
    defaultText: 'bundled from source at start',
    description: 'the worker\'s prebuilt workflow bundle from `npm run build`',
    examples: { valid: __filename, invalid: ['/nonexistent/workflow-bundle.js'] },
  },
  EMBEDDED_POSTGRES_PORT: {
    type: t.port, default: '54329',
    description: '`npm start`: port of the embedded PostgreSQL',
    examples: { valid: '55432', invalid: ['postgres'] },
  },
  TEMPORAL_DEV_PORT: {
    type: t.port, default: '7233',
    description: '`npm start`: port of the Temporal dev server',
    examples: { valid: '17233', invalid: ['0'] },
  },
  TEMPORAL_DEV_UI_PORT: {
    type: t.port, default: '8233',
    description: '`npm start`: port of the Temporal dev server\'s UI',
    examples: { valid: '18233', invalid: ['eighty'] },
  },
  SMTP_CATCHER_PORT: {
    type: t.port, default: '1025',
    description: '`npm start`: port of the SMTP catcher',
    examples: { valid: '2525', invalid: ['25a'] },
  },
  MAILBOX_PORT: {
    type: t.port, default: '8025',
    description: '`npm start`: port of the mailbox page',
    examples: { valid: '18025', invalid: ['99999'] },
  },
  ISMSFLOW_DATA_DIR: {
    type: t.folder,
    defaultText: '`.data` in the project folder',
    description: '`npm start`: where it keeps its database, Temporal\'s SQLite file, the generated secrets and its lock',
    examples: { valid: '/var/lib/ismsflow-dev', invalid: ['two\nlines'] },
  },
  DEBUG: {
    type: t.debugList,
    description: '`ismsflow` (or a list naming it, or `*`): stack traces with the message when a part cannot start',
    examples: { valid: 'express:*,ismsflow', invalid: [] },
  },
  TEMPORAL_CLI_PATH: {
    type: t.existingFile,
    defaultText: '`temporal` on PATH, then `.tools/temporal/bin`',
    description: 'the Temporal CLI (`npm start`\'s dev server, `npm run temporal`)',
    examples: { valid: __filename, invalid: ['/nonexistent/temporal'] },
  },
  TEMPORAL_TEST_SERVER_PATH: {
    type: t.existingFile,
    defaultText: '`temporal-test-server` on PATH, then `.tools/temporal/bin`',
    description: 'the Temporal time-skipping test server (tests)',
    examples: { valid: __filename, invalid: ['/nonexistent/temporal-test-server'] },
  },
  ISMSFLOW_SKIP_TEMPORAL_INSTALL: {
    type: t.anyText,
    description: '`npm install`: anything to skip installing the Temporal CLI and test server into `.tools/` (the Docker image does)',
    examples: { valid: '1', invalid: [] },
  },
} satisfies Record<string, EnvVariable>;

export type VariableName = keyof typeof VARIABLES;
export const VARIABLE_NAMES = Object.keys(VARIABLES) as VariableName[];
