/**
 * Incident to root cause (A.5.24-5.28, DOMAIN.md section 4): triage, regulatory assessment and
 * clocks, handling driven by the ticket's events, post-incident review (raising a nonconformity
 * where a control failed), closure. Pure types and forms shared by the workflow and the API.
 */
import type { TaskForm } from './forms';
import type { ReportKind } from './regulatory';
import type { TaskReminderPolicy } from './tasks';

export const INCIDENT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** What ticketing systems tell ismsflow about an incident's handling. */
export const TICKET_EVENT_TYPES = ['triaged', 'contained', 'eradicated', 'recovered', 'resolved', 'reopened', 'severity', 'reclassified', 'evidence', 'comment'] as const;

/** Events that say something about the incident without moving its handling on. */
export const NOTE_EVENTS: readonly TicketEventType[] = ['severity', 'reclassified', 'evidence', 'comment'];
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

export interface TicketEvent {
  /** The ticketing system's id for the event: the same id twice is one event. */
  eventId: string;
  type: TicketEventType;
  at: string;
  by?: string;
  severity?: IncidentSeverity;
  evidence?: string[];
  comment?: string;
}

export type IncidentStep = 'triage' | 'assessment' | 'handling' | 'review' | 'closureApproval' | 'closed' | 'notAnIncident';

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
}

export const DEFAULT_INCIDENT_POLICY: IncidentPolicy = {
  triageHours: 4,
  assessmentHours: 12,
  reviewDays: 14,
  closureDays: 7,
  reportReminderFractions: [0.5, 0.75, 0.9],
  gdprSubjectsTargetHours: 72,
};

export interface IncidentInput {
  incidentId: string;
  system: string;
  ticketId: string;
  title: string;
  description: string;
  detectedAt: string;
  reportedAt: string;
  reportedBy: string;
  affectedAssets: string[];
  /** When the organisation became aware: the regulatory clocks count from it. */
  awareAt: string;
  handler: string;
  /** Assesses GDPR and submits its reports. */
  dpo: string;
  /** Assesses NIS2 and DORA, submits their reports, approves closure. */
  ciso: string;
  /** Told when a report task runs late. */
  ismsManager: string;
  triage?: Triage;
  taskPolicy: TaskReminderPolicy;
  /** Absent in incidents started before it existed: they run on the defaults. */
  policy?: IncidentPolicy;
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
  triage: (): TaskForm => ({
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
  report: (report: ReportKind, dueAt: string): TaskForm => ({
    fields: [
      { name: 'reference', label: 'Submission reference', type: 'text', required: true, help: 'the authority’s case number or the portal receipt' },
      { name: 'evidence', label: 'Copy of what was submitted', type: 'urls', required: true },
      text('lateReason', 'If late: why', false, 'required when submitted after the deadline'),
    ],
    check: 'reportSubmission',
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
  deadlines: import('./regulatory').RegulatoryDeadline[];
  nextDeadline?: string;
  ncNumber?: string;
  waitingFor: string;
}
