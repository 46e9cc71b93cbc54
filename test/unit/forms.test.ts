import { h } from 'preact';
import { parseFormData } from '../../apps/api/src/tasks/task-form';
import { FormFields, renderFragment, type RawForm } from '../../libs/templates/src';
import { formErrors, incidentForms, ncForms, overlap, submissionTime, type TaskForm } from '../../libs/domain/src';

const NOW = '2026-12-01T10:00:00.000Z';

// The real root-cause form of a corrective action, so the test checks what people get.
const rootCauseForm = ncForms.rootCause('Leavers kept their VPN access for weeks after their last day', '');

/** A form of the engine's own, with a list and links, to test them apart from any process. */
const planForm: TaskForm = {
  fields: [
    {
      name: 'actions',
      label: 'Action',
      type: 'list',
      minItems: 1,
      maxItems: 10,
      item: [
        { name: 'description', label: 'What', type: 'text', required: true },
        { name: 'owner', label: 'Owner', type: 'email', required: true },
        { name: 'due', label: 'Due', type: 'date', required: true },
      ],
    },
    { name: 'evidence', label: 'Plan documents', type: 'urls' },
  ],
  check: 'actionPlan',
};

const cause = {
  method: '5 Whys',
  analysis: 'Why? HR tells IT by email. Why? No joiner-mover-leaver workflow exists.',
  rootCause: 'The leaver process depends on an email from HR that nobody owns or checks',
  similar: 'SaaS accounts outside SSO could be affected the same way',
};

describe('task forms', () => {
  it('accept a complete, meaningful root cause', () => {
    expect(formErrors(rootCauseForm, cause, NOW)).toEqual([]);
  });

  it('name each missing, unknown or wrong field', () => {
    expect(formErrors(rootCauseForm, { method: 'guessing', colour: 'blue' }, NOW)).toEqual([
      { field: 'data.colour', message: 'colour is not a field of this form' },
      { field: 'data.method', message: 'Method must be one of: 5 Whys, Ishikawa, fault tree, other' },
      { field: 'data.analysis', message: 'Analysis is required' },
      { field: 'data.rootCause', message: 'Root cause is required' },
      { field: 'data.similar', message: 'Similar nonconformities is required' },
    ]);
  });

  it('reject a root cause that restates the nonconformity', () => {
    const restated = { ...cause, rootCause: 'Leavers kept VPN access for weeks after their last day.' };
    expect(overlap(restated.rootCause, rootCauseForm.context!.description)).toBeGreaterThanOrEqual(0.8);
    expect(formErrors(rootCauseForm, restated, NOW)).toEqual([
      { field: 'data.rootCause', message: 'The root cause restates the nonconformity: say why it happened, not what happened' },
    ]);
  });

  it('reject "lack of training" with no why behind it, but not a reasoned one', () => {
    expect(formErrors(rootCauseForm, { ...cause, rootCause: 'Lack of training.' }, NOW)[0].message).toContain('is not a root cause on its own');
    const reasoned = 'Lack of training because the onboarding checklist has no security module and no owner reviews it yearly';
    expect(formErrors(rootCauseForm, { ...cause, rootCause: reasoned }, NOW)).toEqual([]);
  });

  it('check each row of a list, and due dates after today', () => {
    const ok = { actions: [{ description: 'Build a JML workflow', owner: 'it@example.com', due: '2027-01-31' }], evidence: ['https://wiki.example.com/jml'] };
    expect(formErrors(planForm, ok, NOW)).toEqual([]);
    expect(formErrors(planForm, { actions: [] }, NOW)).toEqual([{ field: 'data.actions', message: 'Action needs 1 to 10 entries' }]);
    expect(formErrors(planForm, { actions: [{ description: 'x', owner: 'nobody', due: '31/01/2027' }] }, NOW)).toEqual([
      { field: 'data.actions.0.owner', message: 'Action 1: Owner must be an email address' },
      { field: 'data.actions.0.due', message: 'Action 1: Due must be a date (YYYY-MM-DD)' },
    ]);
    expect(formErrors(planForm, { actions: [{ description: 'x', owner: 'a@example.com', due: '2026-12-01' }] }, NOW)).toEqual([
      { field: 'data.actions.0.due', message: 'Action 1: the due date must be after today' },
    ]);
    expect(formErrors(planForm, { ...ok, evidence: ['file://c/secret'] }, NOW)[0].message).toBe('Plan documents: "file://c/secret" is not an http(s) link');
  });

  it('a report submitted after its deadline must say why', () => {
    const form = incidentForms.report('gdpr-authority', '2026-12-01T08:00:00.000Z');
    const answers = { reference: 'CNIL-123', evidence: ['https://portal.example.com/receipt'] };
    expect(formErrors(form, answers, '2026-12-01T07:00:00.000Z')).toEqual([]);
    expect(formErrors(form, answers, '2026-12-01T09:00:00.000Z')).toEqual([
      { field: 'data.lateReason', message: 'The deadline (2026-12-01T08:00:00.000Z) has passed: say why the report is late' },
    ]);
    expect(formErrors(form, { ...answers, lateReason: 'Portal was down' }, '2026-12-01T09:00:00.000Z')).toEqual([]);
  });

  it('a report recorded later says when it was submitted: an instant with its offset, not in the future, not before its clock, late only if that was', () => {
    const form = incidentForms.report('dora-initial', '2026-12-01T08:00:00.000Z', '2026-12-01T04:00:00.000Z');
    const answers = { reference: 'EBA-1', evidence: ['https://portal.example.com/receipt'] };
    const later = '2026-12-01T11:00:00.000Z';
    // Submitted in time (09:30 Berlin is 08:30 UTC: late; 08:30+01:00 is 07:30 UTC: in time).
    expect(formErrors(form, { ...answers, submittedAt: '2026-12-01T08:30+01:00' }, later)).toEqual([]);
    expect(formErrors(form, { ...answers, submittedAt: '2026-12-01T09:30+01:00' }, later).map((e) => e.field)).toEqual(['data.lateReason']);
    for (const [submittedAt, message] of [
      ['2026-12-01 07:30', 'Submitted at must be a date and time with its offset, e.g. 2026-03-01T14:30+01:00'],
      ['2026-12-01T07:30', 'Submitted at must be a date and time with its offset, e.g. 2026-03-01T14:30+01:00'],
      ['2026-12-01T12:00:00Z', 'Submitted at cannot be in the future'],
      ['2026-12-01T03:59:59Z', "Submitted at cannot be before this report's clock started (2026-12-01T04:00:00.000Z)"],
    ]) {
      expect(formErrors(form, { ...answers, submittedAt }, later)).toEqual([{ field: 'data.submittedAt', message }]);
    }
    expect(submissionTime({ data: { submittedAt: '2026-12-01T08:30+01:00' }, completedAt: later })).toBe('2026-12-01T07:30:00.000Z');
    expect(submissionTime({ data: { submittedAt: '  ' }, completedAt: later })).toBe(later);
  });

  it('a review that says a control failed must name it; a rejection must say why', () => {
    const review = { method: '5 Whys', rootCause: 'x', lessons: 'y', controlFailed: 'yes' };
    expect(formErrors(incidentForms.review(), review, NOW)).toEqual([{ field: 'data.failedControl', message: 'Name the control that failed' }]);
    expect(formErrors(incidentForms.review(), { ...review, failedControl: 'A.8.7' }, NOW)).toEqual([]);
    expect(formErrors(incidentForms.closure(), { decision: 'reject' }, NOW)[0].field).toBe('data.reason');
  });

  it('read a submitted page into form data, skipping blank rows', () => {
    const raw = {
      'data.actions.0.description': ' Build a JML workflow ',
      'data.actions.0.owner': 'it@example.com',
      'data.actions.0.due': '2027-01-31',
      'data.actions.1.description': '',
      'data.actions.2.owner': 'hr@example.com',
      'data.evidence': 'https://a.example.com\r\n\r\nhttps://b.example.com',
    };
    expect(parseFormData(planForm, raw)).toEqual({
      actions: [{ description: 'Build a JML workflow', owner: 'it@example.com', due: '2027-01-31' }, { owner: 'hr@example.com' }],
      evidence: ['https://a.example.com', 'https://b.example.com'],
    });
  });

  const renderFormFields = (task: { form: TaskForm }, raw: RawForm = {}) => renderFragment(h(FormFields, { form: task.form, raw }));

  it('render every field, keeping what was typed and escaping it', () => {
    const html = renderFormFields({ form: rootCauseForm }, { 'data.analysis': '<script>x</script>', 'data.method': 'Ishikawa' });
    expect(html).toContain('Leavers kept their VPN access');
    expect(html).toContain('<option value="Ishikawa" selected>');
    expect(html).toContain('&lt;script>x&lt;/script>'); // text escaped: no tag can start in it
    expect(html).not.toContain('<script>');
    expect(renderFormFields({ form: planForm }).match(/<fieldset>/g)).toHaveLength(5);
  });
});
