/** The forms of the programme activities' tasks: what each owner records (DOMAIN.md section 2). */
import { approvalForm, type FormField, type ListField, type TaskForm } from './forms';

/** What each activity's owner is asked for: the records DOMAIN.md section 2 lists. */
const text = (name: string, label: string, required = true, help?: string): FormField => ({ name, label, type: 'textarea', required, help });
const field = (name: string, label: string, type: FormField['type'] = 'text', options?: string[]): FormField => ({ name, label, type, required: true, ...(options ? { options } : {}) });
const rows = (name: string, label: string, item: FormField[], limits: { min?: number; max: number; help?: string }): ListField => ({
  name,
  label,
  type: 'list',
  minItems: limits.min ?? 1,
  maxItems: limits.max,
  item,
  ...(limits.help ? { help: limits.help } : {}),
});
const evidence = (label = 'Evidence'): FormField => ({ name: 'evidence', label, type: 'urls', required: true, help: 'links to the records, one per line' });
const actions = rows('actions', 'Action', [field('description', 'What'), field('owner', 'Owner (email)', 'email'), field('due', 'Due', 'date')], { min: 0, max: 30 });

export const programmeForms = {
  auditPlan: (scope: string[]): TaskForm => ({
    fields: [
      text('scope', 'Audit scope', true, `this audit's share of the cycle: ${scope.join('; ')}`),
      text('criteria', 'Audit criteria', true, 'e.g. ISO/IEC 27001:2022, the policies in scope'),
      field('auditor', 'Auditor (email)', 'email'),
      field('impartial', 'The auditor does not audit their own work (9.2.2)', 'select', ['yes', 'no']),
      field('plannedOn', 'Audit date', 'date'),
    ],
    check: 'auditPlan',
  }),
  auditReport: (): TaskForm => ({
    fields: [
      field('auditedOn', 'Audited on', 'date'),
      text('summary', 'Summary of the results'),
      rows('findings', 'Finding', [field('type', 'Type', 'select', ['major', 'minor', 'ofi']), field('requirement', 'Requirement'), field('description', 'Description and evidence')], {
        min: 0,
        max: 50,
        help: 'major and minor nonconformities each start a corrective action',
      }),
      evidence('Audit report'),
    ],
  }),
  reviewInputs: (): TaskForm => ({
    fields: [
      text('previousActions', 'a) Status of actions from previous management reviews'),
      text('issues', 'b) Changes in external and internal issues'),
      text('interestedParties', 'c) Changes in needs and expectations of interested parties'),
      text('performance', 'd) Information security performance', true, 'nonconformities and corrective actions, monitoring and measurement results, audit results, fulfilment of objectives'),
      text('feedback', 'e) Feedback from interested parties'),
      text('risks', 'f) Results of risk assessment and status of the risk treatment plan'),
      text('improvement', 'g) Opportunities for continual improvement'),
    ],
  }),
  reviewMeeting: (topManagement: string[]): TaskForm => ({
    fields: [
      field('heldOn', 'Held on', 'date'),
      text('attendees', 'Attendees', true, `top management must attend: ${topManagement.join(', ')}`),
      text('decisions', 'Decisions and outputs', true, 'continual improvement opportunities and any changes needed to the ISMS'),
      actions,
      evidence('Minutes'),
    ],
    check: 'reviewMeeting',
    context: { topManagement: topManagement.join(',') },
  }),
  riskAssessment: (): TaskForm => ({
    fields: [
      rows(
        'risks',
        'Risk',
        [
          field('asset', 'Asset or process'),
          field('threat', 'Threat'),
          field('vulnerability', 'Vulnerability'),
          field('owner', 'Risk owner (email)', 'email'),
          field('consequence', 'Consequence (1-5)', 'select', ['1', '2', '3', '4', '5']),
          field('likelihood', 'Likelihood (1-5)', 'select', ['1', '2', '3', '4', '5']),
          field('treatment', 'Treatment', 'select', ['avoid', 'reduce', 'share', 'accept']),
          field('rationale', 'Rationale'),
          { name: 'controls', label: 'Annex A controls (e.g. A.8.13, A.5.15)', type: 'text', required: false },
        ],
        { max: 200 },
      ),
      evidence(),
    ],
  }),
  treatmentApproval: approvalForm('risk treatment plan and the residual risks'),
  policyReview: (): TaskForm => ({
    fields: [
      rows('policies', 'Policy', [field('policy', 'Policy'), field('version', 'New version'), field('changes', 'Changes (or "none")'), field('nextReview', 'Next review', 'date')], { max: 100 }),
      evidence(),
    ],
  }),
  policyApproval: approvalForm('reviewed policies'),
  trainingCampaign: (): TaskForm => ({
    fields: [field('course', 'Course'), field('staffInScope', 'Staff in scope'), field('completed', 'Staff who completed it'), text('drills', 'Drills run (phishing, tabletop)', false), evidence('Training records')],
    check: 'trainingCampaign',
  }),
  supplierReview: (): TaskForm => ({
    fields: [
      rows(
        'suppliers',
        'Supplier',
        [
          field('supplier', 'Supplier'),
          field('criticality', 'Criticality', 'select', ['critical', 'high']),
          field('evidence', 'Evidence reviewed', 'select', ['ISO 27001 certificate', 'SOC 2 report', 'questionnaire', 'on-site audit']),
          field('outcome', 'Outcome', 'select', ['acceptable', 'issues found', 'exit']),
        ],
        { max: 100 },
      ),
      evidence(),
    ],
  }),
  accessReview: (): TaskForm => ({
    fields: [rows('systems', 'System', [field('system', 'System'), field('reviewer', 'Reviewer (email)', 'email'), field('changes', 'Accounts removed or changed (or "none")')], { max: 50 }), evidence()],
  }),
  kpiMeasurement: (): TaskForm => ({
    fields: [rows('measurements', 'Measurement', [field('objective', 'Objective'), field('metric', 'Metric'), field('value', 'Value'), field('target', 'Target')], { max: 50 })],
  }),
};
