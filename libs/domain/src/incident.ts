/**
 * Incident to root cause (A.5.24-5.28, DOMAIN.md section 4): triage, regulatory assessment and
 * clocks, handling driven by the ticket's events, post-incident review (raising a nonconformity
 * where a control failed), closure. Pure types and forms shared by the workflow and the API.
 */
import type { TaskForm } from './forms';
import type { DoraWeekendRelief, RegulatoryDeadline, RegulatoryFacts, ReportKind } from './regulatory';
import type { TaskReminderPolicy } from './tasks';
import { INCIDENT_SEVERITIES, type IncidentSeverity, type TicketEvent } from './ticket-events';

/** `reporting`: reviewed, waiting for the reports still owed to the authorities before closure. */
export type IncidentStep = 'triage' | 'assessment' | 'handling' | 'review' | 'reporting' | 'closureApproval' | 'closed' | 'notAnIncident';

/** Triage as the intake may already carry it; otherwise the handler records it in a task. */
export interface Triage {
  isIncident: boolean;
  category: string;
  severity: IncidentSeverity;
  personalData: boolean;
  /** NIS2: is the organisation an essential or important entity? */
  entity?: 'essential' | 'important' | 'neither';
  /** DORA applies to financial entities only. */
  financialEntity?: boolean;
  /** DORA classification criteria (RTS 2024/1772). */
  criticalServicesAffected?: boolean;
  maliciousAccess?: boolean;
  /** How many of the other thresholds are met: clients, duration, geography, costs, reputation, data losses. */
  doraThresholdsMet?: number;
  /**
   * A later awareness than the ticket's creation, when a short investigation was needed to establish
   * that a breach occurred (EDPB Guidelines 9/2022); the clocks then count from it. Needs its reason.
   */
  awareAt?: string;
  awarenessReason?: string;
}

/**
 * What the triage says about DORA "major" (RTS 2024/1772): a financial entity, critical services
 * affected, and malicious unauthorised access or two or more thresholds met. An indication for the
 * assessor, not the decision: the thresholds must be checked against the regulation text.
 */
export function doraMajorIndicated(t: Triage): boolean {
  return !!t.financialEntity && !!t.criticalServicesAffected && (!!t.maliciousAccess || (t.doraThresholdsMet ?? 0) >= 2);
}

/** How long each incident step may take: per organisation, with these defaults. */
export interface IncidentPolicy {
  triageHours: number;
  /** The assessment is due this long after awareness (at least a few hours after it is asked for). */
  assessmentHours: number;
  reviewDays: number;
  closureDays: number;
  /** Report reminders at these fractions of the time its clock allows. */
  reportReminderFractions: number[];
  /** GDPR Art. 34 says "without undue delay": the internal target for telling the data subjects. */
  gdprSubjectsTargetHours: number;
  /** DORA's updated intermediate report "without undue delay" after recovery: the internal target. */
  doraUpdateTargetHours: number;
  /** DORA: at this fraction of a report's time, its owner is asked to announce a delay they foresee. */
  announceDelayAtFraction: number;
  /** Continue as new at a quiet moment once the history has this many events (Temporal warns at 10,240). */
  continueAsNewAfterEvents: number;
}

export const DEFAULT_INCIDENT_POLICY: IncidentPolicy = {
  triageHours: 4,
  assessmentHours: 12,
  reviewDays: 14,
  closureDays: 7,
  reportReminderFractions: [0.5, 0.75, 0.9],
  gdprSubjectsTargetHours: 72,
  doraUpdateTargetHours: 24,
  announceDelayAtFraction: 0.75,
  continueAsNewAfterEvents: 2000,
};

/** The policy an incident runs on: inputs stored before a field existed get its default. */
export function incidentPolicy(input: Pick<IncidentInput, 'policy'>): IncidentPolicy {
  return { ...DEFAULT_INCIDENT_POLICY, ...input.policy };
}

export interface IncidentInput {
  incidentId: string;
  system: string;
  ticketId: string;
  title: string;
  description: string;
  detectedAt: string;
  reportedAt: string;
  reportedBy: string;
  /** The caller (API key, webhook) who reported it, when not the reporter named. */
  recordedBy?: string;
  /** The caller may not speak for others (no on-behalf): `reportedBy` is kept as it said, and the record names the caller. */
  reporterUnverified?: boolean;
  affectedAssets: string[];
  /** When the organisation became aware as the ticket says (by default the ticket's creation); triage may record a later one. */
  awareAt: string;
  /** The organisation's IANA time zone, for "one month after" and "end of the day" (absent: UTC). */
  timeZone?: string;
  /** The organisation the incident belongs to, when the intake named one. */
  organisationId?: string;
  /** DORA's weekend and bank holiday relief (RTS 2025/301 Art. 5(4)), when the organisation has it. */
  doraRelief?: DoraWeekendRelief;
  handler: string;
  /** Assesses GDPR and submits its reports. */
  dpo: string;
  /** Assesses NIS2 and DORA, submits their reports, approves closure. */
  ciso: string;
  /** Told when a report task runs late. */
  ismsManager: string;
  triage?: Triage;
  taskPolicy: TaskReminderPolicy;
  /** Absent (or partial) in incidents started before it existed: they run on the defaults. */
  policy?: Partial<IncidentPolicy>;
  /** What a run that continued as new carries on with. */
  carried?: IncidentCarried;
}

/** The state an incident's workflow carries into its next run (continue-as-new). */
export interface IncidentCarried {
  step: IncidentStep;
  handling: string;
  severity?: IncidentSeverity;
  ncNumber?: string;
  facts: RegulatoryFacts;
  awareness: IncidentAwareness;
  seenEvents: string[];
  /** Ticket events received but not yet applied when the run ended. */
  pending?: TicketEvent[];
  assessments: number;
  /** Post-incident reviews started so far (their task ids carry the number). */
  reviewRounds: number;
  indications: string;
  /** Report children started so far, per report: the next one gets the next number. */
  reportsStarted: Partial<Record<ReportKind, number>>;
  runs: number;
}

/** Both awareness records DOMAIN.md section 4 keeps: the ticket's and the one the clocks count from. */
export interface IncidentAwareness {
  fromTicket: string;
  recorded: string;
  reason?: string;
}

/** Who submits each report. */
export const REPORT_OWNER: Record<ReportKind, 'dpo' | 'ciso'> = {
  'gdpr-authority': 'dpo',
  'gdpr-subjects': 'dpo',
  'nis2-early-warning': 'ciso',
  'nis2-notification': 'ciso',
  'nis2-progress': 'ciso',
  'nis2-final': 'ciso',
  'dora-initial': 'ciso',
  'dora-intermediate': 'ciso',
  'dora-final': 'ciso',
};

const yesNo = (name: string, label: string) => ({ name, label, type: 'select' as const, required: true, options: ['yes', 'no'] });
const text = (name: string, label: string, required = true, help?: string) => ({ name, label, type: 'textarea' as const, required, help });

export const incidentForms = {
  /** `awareAt` is the ticket's awareness: triage may record a later one, with its reason. */
  triage: (awareAt?: string): TaskForm => ({
    ...(awareAt ? { check: 'incidentTriage' as const, context: { awareAt } } : {}),
    fields: [
      { name: 'isIncident', label: 'Event or incident?', type: 'select', required: true, options: ['incident', 'event'] },
      { name: 'category', label: 'Category', type: 'text', required: true, help: 'e.g. malware, phishing, data leak, outage, unauthorised access' },
      { name: 'severity', label: 'Severity', type: 'select', required: true, options: [...INCIDENT_SEVERITIES] },
      yesNo('personalData', 'Personal data involved?'),
      { name: 'entity', label: 'NIS2: are we an essential or important entity?', type: 'select', required: true, options: ['essential', 'important', 'neither'] },
      yesNo('financialEntity', 'DORA: are we a financial entity?'),
      yesNo('criticalServicesAffected', 'DORA: are critical or important functions affected?'),
      yesNo('maliciousAccess', 'DORA: malicious unauthorised access, with possible data loss?'),
      {
        name: 'doraThresholdsMet',
        label: 'DORA: how many other thresholds are met?',
        type: 'select',
        required: true,
        options: ['0', '1', '2', '3', '4', '5', '6'],
        help: 'clients affected > 10 % or > 100,000; duration > 24 h or critical downtime > 2 h; two or more Member States; costs > EUR 100,000; reputational impact; data losses',
      },
      ...(awareAt
        ? [
            {
              name: 'awareAt',
              label: 'Became aware later than the ticket says?',
              type: 'text' as const,
              help: `only if a short investigation was needed to establish that it is an incident or breach: the moment it was established, e.g. 2026-03-01T14:30+01:00 (the ticket says ${awareAt}); the clocks then count from it`,
            },
            text('awarenessReason', 'Why awareness came later', false, 'required with a later awareness: what had to be established, and how'),
          ]
        : []),
    ],
  }),
  assessment: (): TaskForm => ({
    fields: [
      yesNo('gdpr', 'GDPR Art. 33: a personal-data breach to notify?'),
      text('gdprRationale', 'GDPR rationale'),
      { name: 'gdprHighRisk', label: 'GDPR Art. 34: high risk to the people affected?', type: 'select', options: ['yes', 'no'] },
      yesNo('nis2', 'NIS2 Art. 23: a significant incident at an essential or important entity?'),
      text('nis2Rationale', 'NIS2 rationale'),
      { name: 'nis2TrustService', label: 'Are we a trust service provider (24 h notification)?', type: 'select', options: ['yes', 'no'] },
      yesNo('dora', 'DORA Art. 19: a major ICT-related incident at a financial entity?'),
      text('doraRationale', 'DORA rationale', true, 'critical services affected, and malicious access or two or more RTS 2024/1772 thresholds'),
    ],
  }),
  report: (report: ReportKind, dueAt: string, startsAt?: string): TaskForm => ({
    fields: [
      {
        name: 'submittedAt',
        label: 'Submitted at',
        type: 'text',
        help: 'when it reached the authority, with its offset (e.g. 2026-03-01T14:30+01:00), if not just now: the deadline and the next report count from it',
      },
      { name: 'reference', label: 'Submission reference', type: 'text', required: true, help: 'the authority’s case number or the portal receipt' },
      { name: 'evidence', label: 'Copy of what was submitted', type: 'urls', required: true },
      text('lateReason', 'If late: why', false, 'required when submitted after the deadline'),
    ],
    check: 'reportSubmission',
    context: { report, dueAt, ...(startsAt ? { startsAt } : {}) },
  }),
  /** RTS 2025/301 Art. 5(3): a DORA report that will be late is announced to the authority, with reasons, before its deadline. */
  announceDelay: (report: ReportKind, dueAt: string): TaskForm => ({
    fields: [
      text('reasons', 'Reasons for the delay, as told to the authority', true),
      { name: 'reference', label: 'How and where the authority was told', type: 'text', required: true, help: 'portal receipt, case number, or the mail sent' },
      { name: 'expectedOn', label: 'Expected submission date', type: 'date' },
    ],
    context: { report, dueAt },
  }),
  review: (): TaskForm => ({
    fields: [
      { name: 'method', label: 'Root-cause method', type: 'select', required: true, options: ['5 Whys', 'Ishikawa', 'fault tree', 'timeline analysis', 'other'] },
      text('rootCause', 'Root cause', true),
      text('lessons', 'Lessons learned', true),
      yesNo('controlFailed', 'Did a control fail (raise a nonconformity)?'),
      { name: 'failedControl', label: 'The control that failed', type: 'text', help: 'e.g. A.8.7 Protection against malware' },
    ],
    check: 'incidentReview',
  }),
  closure: (): TaskForm => ({
    fields: [
      { name: 'decision', label: 'Decision on closing the incident', type: 'select', required: true, options: ['approve', 'reject'] },
      text('reason', 'Reason', false, 'required when you reject'),
    ],
    check: 'approval',
  }),
};

/** The live state a query returns, the API shows and the ticket is told. */
export interface IncidentView {
  incidentId: string;
  step: IncidentStep;
  handling: string;
  severity?: IncidentSeverity;
  regimes: string[];
  /** Absent in incidents started before the rebuild. */
  awareness?: IncidentAwareness;
  timeZone?: string;
  deadlines: RegulatoryDeadline[];
  nextDeadline?: string;
  ncNumber?: string;
  waitingFor: string;
}

/** What people call each report, in tasks and mails. */
export const REPORT_TITLES: Record<ReportKind, string> = {
  'gdpr-authority': 'GDPR breach notification to the supervisory authority',
  'gdpr-subjects': 'GDPR communication to the data subjects',
  'nis2-early-warning': 'NIS2 early warning',
  'nis2-notification': 'NIS2 incident notification',
  'nis2-progress': 'NIS2 progress report',
  'nis2-final': 'NIS2 final report',
  'dora-initial': 'DORA initial notification',
  'dora-intermediate': 'DORA intermediate report',
  'dora-final': 'DORA final report',
};

/** The clock a regulatoryReport child runs; a newer version from its incident replaces it. */
export interface ReportPlan {
  version: number;
  dueAt: string;
  startsAt: string;
  basis: string;
}

/** One report owed, as its own workflow (`<incident workflow id>/report:<kind>:<n>`). */
export interface RegulatoryReportInput {
  incidentId: string;
  system: string;
  ticketId: string;
  title: string;
  report: ReportKind;
  /** The n-th report of this kind for the incident (an updated intermediate is the 2nd, 3rd...). */
  number: number;
  /** Prefix of its task ids. */
  taskPrefix: string;
  owner: string;
  escalateTo: string;
  taskPolicy: TaskReminderPolicy;
  reminderFractions: number[];
  /** DORA (RTS 2025/301 Art. 5(3)): ask for the announcement of a delay at this fraction of the time; absent, none is owed. */
  announceDelayAtFraction?: number;
  plan: ReportPlan;
}

/** How a report child ended: submitted, or withdrawn because the facts no longer call for it. */
export interface ReportOutcome {
  report: ReportKind;
  submission?: import('./regulatory').Submission;
  withdrawn?: string;
}

/** The id of a report's workflow: readable, under its incident's. */
export const reportWorkflowId = (incidentWorkflowId: string, report: ReportKind, n: number) => `${incidentWorkflowId}/report:${report}:${n}`;

/** What each step of an incident waits for, in words (the Temporal UI's current details). */
export const INCIDENT_WAITING_FOR: Record<IncidentStep, string> = {
  triage: 'the handler to triage it',
  assessment: 'the CISO to assess GDPR, NIS2 and DORA',
  handling: 'the ticket to be resolved (contain, eradicate, recover)',
  review: 'the post-incident review',
  reporting: 'the reports still owed to the authorities (closure waits for them)',
  closureApproval: 'the CISO to approve closure',
  closed: 'nothing: closed',
  notAnIncident: 'nothing: an event, not an incident',
};

/** What the triage suggests to the assessor, in words. */
export function triageIndications(t: Triage): string {
  const lines = [
    t.personalData ? 'Personal data is involved: consider GDPR Art. 33.' : '',
    t.entity && t.entity !== 'neither' ? `We are an ${t.entity} entity: consider NIS2 if the incident is significant.` : '',
    doraMajorIndicated(t) ? 'The triage indicates a DORA major incident (critical functions affected, and malicious access or two or more thresholds).' : '',
  ].filter(Boolean);
  return lines.length ? `\n\nFrom the triage:\n${lines.join('\n')}` : '';
}

/** The triage as the handler's form recorded it. */
export function triageFromForm(data: Record<string, unknown> | undefined): Triage {
  const answer = (f: string) => (typeof data?.[f] === 'string' ? (data[f]) : '');
  const yes = (f: string) => answer(f) === 'yes';
  return {
    isIncident: answer('isIncident') === 'incident',
    category: answer('category'),
    severity: answer('severity') as IncidentSeverity,
    personalData: yes('personalData'),
    entity: (answer('entity') || undefined) as Triage['entity'],
    financialEntity: yes('financialEntity'),
    criticalServicesAffected: yes('criticalServicesAffected'),
    maliciousAccess: yes('maliciousAccess'),
    doraThresholdsMet: Number(answer('doraThresholdsMet') || 0),
    ...(answer('awareAt') ? { awareAt: answer('awareAt'), awarenessReason: answer('awarenessReason') } : {}),
  };
}

/** Where a new incident starts: at triage, aware when the ticket says, nothing reported yet. */
export function incidentAtStart(input: IncidentInput): IncidentCarried {
  return {
    step: 'triage',
    handling: 'reported',
    severity: input.triage?.severity,
    facts: { awareAt: input.awareAt, timeZone: input.timeZone ?? 'UTC', submissions: {} },
    awareness: { fromTicket: input.awareAt, recorded: input.awareAt },
    seenEvents: [],
    assessments: 1,
    reviewRounds: 0,
    indications: '',
    reportsStarted: {},
    runs: 1,
  };
}
