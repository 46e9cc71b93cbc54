/**
 * The annual programme's activities (DOMAIN.md section 2), each a child workflow of its cycle,
 * built from emailed human tasks whose forms hold the records auditors ask for. Each ends by
 * storing its record and telling the cycle (by workflow id, so a cycle that continued as new
 * still hears it). Started with parent-close policy ABANDON: a cycle's yearly continue-as-new
 * never cancels a review half-way.
 */
import { getExternalWorkflowHandle, log, patched, workflowInfo } from '@temporalio/workflow';
import {
  localDate,
  programmeForms,
  type HumanTaskResult,
  type ProgrammeActivityInput,
  type RiskTreatment,
  type TaskForm,
} from '../libs/domain/src';
import { programmeActivityDoneSignal, workflowIds } from '../libs/temporal/src/definitions';
import { processStarts } from '../libs/temporal/src/processes';
import { acts } from './activity-proxies';
import { answer, rows } from './process-kit';
import { runHumanTask } from './human-task';
import { startProcess } from './start-process';

export interface ProgrammeActivityResult {
  activityId: string;
  completedOn: string;
  summary: string;
  record: Record<string, unknown>;
}

/** One task of an activity: due when the activity is, overdue goes to the ISMS manager. */
function task(input: ProgrammeActivityInput, t: { title: string; instructions: string; assignee?: string; form: TaskForm }): Promise<HumanTaskResult> {
  const why = input.change ? `\n\nAsked for by significant change ${input.change.number} (${input.change.kind}): ${input.change.description}` : '';
  return runHumanTask({
    title: `${input.organisation.name}: ${t.title}`,
    instructions: `${t.instructions}${why}\n\nDue ${input.activity.due}, part of the ISMS programme before the ${input.activity.forAudit} audit.`,
    assignee: t.assignee ?? input.owner,
    dueAt: input.dueAt,
    escalateTo: input.organisation.ismsManager,
    externalRef: `${input.cycleId}/${input.activity.id}`,
    process: input.activity.kind,
    outcomes: ['done'],
    policy: input.taskPolicy,
    createdBy: `certificationCycle ${input.cycleId}`,
    form: t.form,
  });
}

/** Work that needs an approval: a rejection sends it back to its owner with the reason, every round kept. */
async function approved(
  input: ProgrammeActivityInput,
  work: (returned?: string) => Promise<HumanTaskResult>,
  approval: { title: string; approver: string; form: TaskForm },
): Promise<{ work: HumanTaskResult; approval: HumanTaskResult; rounds: number }> {
  let returned: string | undefined;
  for (let rounds = 1; ; rounds++) {
    const done = await work(returned);
    const decision = await task(input, { title: approval.title, instructions: 'Approve it, or reject it with the reason: it goes back to its owner.', assignee: approval.approver, form: approval.form });
    if (decision.data?.decision === 'approve') return { work: done, approval: decision, rounds };
    returned = answer(decision, 'reason');
  }
}

/** A text answer from a completed task's form ('' when absent). */
const dayOf = (input: ProgrammeActivityInput, r: HumanTaskResult) => localDate(Date.parse(r.completedAt ?? new Date().toISOString()), input.organisation.timeZone);
const sentBack = (returned?: string) => (returned ? `\n\nSent back: ${returned}` : '');

/** Stores the record, tells the cycle, returns the result. */
async function finish(input: ProgrammeActivityInput, last: HumanTaskResult, summary: string, record: Record<string, unknown>): Promise<ProgrammeActivityResult> {
  const completedOn = dayOf(input, last);
  await acts.recordProgrammeActivity({ cycleId: input.cycleId, activityId: input.activity.id, record: { ...record, completedOn, workflowId: workflowInfo().workflowId } });
  try {
    await getExternalWorkflowHandle(workflowIds.cycle(input.cycleId)).signal(programmeActivityDoneSignal, { activityId: input.activity.id, completedOn, summary });
  } catch (err) {
    // The only failure is a cycle that has ended (recertified, cancelled): the record stands on its own.
    log.warn('The cycle did not take the signal', { cycleId: input.cycleId, error: String(err) });
  }
  return { activityId: input.activity.id, completedOn, summary, record };
}

const taskRecord = (r: HumanTaskResult) => ({ taskId: r.taskId, by: r.completedBy, at: r.completedAt, data: r.data ?? {}, notes: r.notes ?? null });

/** ISO 27001 9.2: plan (scope, criteria, an impartial auditor), audit, report; each major or minor finding becomes a nonconformity. */
export async function internalAudit(input: ProgrammeActivityInput): Promise<ProgrammeActivityResult> {
  const scope = input.auditScope ?? [input.organisation.scope];
  const plan = await task(input, {
    title: 'plan the internal audit',
    instructions: `Plan this year's internal audit (ISO 27001 9.2): scope, criteria, and an auditor who does not audit their own work.\n\nThe cycle's audit programme gives this audit: ${scope.join('; ')}.`,
    form: programmeForms.auditPlan(scope),
  });
  const report = await task(input, {
    title: 'report the internal audit',
    instructions: `Carry out the internal audit planned for ${answer(plan, 'plannedOn')} and report its results and findings.\n\nScope: ${answer(plan, 'scope')}\nCriteria: ${answer(plan, 'criteria')}`,
    assignee: answer(plan, 'auditor'),
    form: programmeForms.auditReport(),
  });
  const ncs: string[] = [];
  const improvements: string[] = [];
  const ofisRecorded = patched('internal-audit-ofis-to-improvements');
  for (const [i, f] of rows(report.data, 'findings').entries()) {
    const sourceRef = `${input.cycleId}/${input.activity.id}/${i + 1}`;
    if (f.type === 'ofi') {
      // An opportunity for improvement is no nonconformity: it goes to the improvements register (10.1).
      if (ofisRecorded) {
        const title = f.requirement ? `${f.requirement}: ${f.description}` : f.description;
        improvements.push((await acts.raiseImprovement({ title: title.slice(0, 500), description: f.description, source: 'internalAudit', sourceRef, owner: input.organisation.ismsManager, raisedBy: answer(plan, 'auditor') })).id);
      }
      continue;
    }
    const nc = await acts.raiseNonconformity({
      source: 'internalAudit',
      sourceRef,
      requirement: f.requirement,
      description: f.description,
      classification: f.type as 'major' | 'minor',
      owner: input.organisation.ismsManager,
      ismsManager: input.organisation.ismsManager,
      raisedBy: answer(plan, 'auditor'),
      timeZone: input.organisation.timeZone,
    });
    ncs.push(nc.ncNumber);
    if (nc.start) await startProcess(processStarts.correctiveAction(nc.start));
  }
  const findings = rows(report.data, 'findings').length;
  return finish(input, report, `audited on ${answer(report, 'auditedOn')}; ${findings} finding(s)${[...ncs, ...improvements].length ? `, ${[...ncs, ...improvements].join(', ')}` : ''}`, {
    scope,
    plan: taskRecord(plan),
    report: taskRecord(report),
    nonconformities: ncs,
    ...(improvements.length ? { improvements } : {}),
  });
}

/** ISO 27001 9.3: the inputs a) to g) prepared, then the review with top management, its decisions and actions. */
export async function managementReview(input: ProgrammeActivityInput): Promise<ProgrammeActivityResult> {
  const inputs = await task(input, {
    title: 'prepare the management review inputs',
    instructions: 'Prepare the inputs ISO 27001 9.3.2 asks for, a) to g), including the results of this year\'s internal audit.',
    form: programmeForms.reviewInputs(),
  });
  const meeting = await task(input, {
    title: 'record the management review',
    instructions: `Hold the management review with top management (${input.organisation.topManagement.join(', ')}) and record its decisions and actions (9.3.3).`,
    form: programmeForms.reviewMeeting(input.organisation.topManagement),
  });
  const actions = rows(meeting.data, 'actions').length;
  return finish(input, meeting, `held on ${answer(meeting, 'heldOn')}; ${actions} action(s)`, { inputs: taskRecord(inputs), meeting: taskRecord(meeting) });
}

/** ISO 27001 6.1.2 and 8.2, then 6.1.3: the assessment, and the treatment plan approved with its residual risks. */
export async function riskAssessment(input: ProgrammeActivityInput): Promise<ProgrammeActivityResult> {
  const r = await approved(
    input,
    (returned) =>
      task(input, {
        title: 'assess the information security risks',
        instructions: `Identify, analyse and evaluate the risks (asset, threat, vulnerability, owner, consequence, likelihood) and choose a treatment with its rationale.${sentBack(returned)}`,
        form: programmeForms.riskAssessment(),
      }),
    { title: 'approve the risk treatment plan', approver: input.organisation.ismsManager, form: programmeForms.treatmentApproval },
  );
  const risks = rows(r.work.data, 'risks');
  const high = risks.filter((x) => Number(x.consequence) * Number(x.likelihood) >= 15).length;
  // Into the risk register: each approved risk a new dated version of its entry.
  await acts.recordRisks({
    source: workflowInfo().workflowId,
    assessedBy: r.work.completedBy ?? input.owner,
    risks: risks.map((x) => ({
      asset: x.asset,
      threat: x.threat,
      vulnerability: x.vulnerability,
      owner: x.owner,
      consequence: Number(x.consequence),
      likelihood: Number(x.likelihood),
      treatment: x.treatment as RiskTreatment,
      rationale: x.rationale,
      controls: x.controls?.match(/A\.\d{1,2}\.\d{1,2}/g) ?? [],
    })),
  });
  return finish(input, r.approval, `${risks.length} risk(s), ${high} high; treatment approved${r.rounds > 1 ? ` in round ${r.rounds}` : ''}`, {
    assessment: taskRecord(r.work),
    approval: taskRecord(r.approval),
    rounds: r.rounds,
  });
}

/** ISO 27001 5.2 and A.5.1: the policies reviewed and approved by top management. */
export async function policyReview(input: ProgrammeActivityInput): Promise<ProgrammeActivityResult> {
  const approver = input.organisation.topManagement[0] ?? input.organisation.ismsManager;
  const r = await approved(
    input,
    (returned) =>
      task(input, {
        title: 'review the information security policies',
        instructions: `Review each policy: is it still suitable, adequate and effective? Record the new version and the next review date.${sentBack(returned)}`,
        form: programmeForms.policyReview(),
      }),
    { title: 'approve the reviewed policies', approver, form: programmeForms.policyApproval },
  );
  const policies = rows(r.work.data, 'policies');
  let register = '';
  if (patched('policy-review-records-versions')) {
    // The approved versions go into the documents register; a new major one asks its audience.
    const recorded = await acts.recordApprovedPolicies({
      reviewer: r.work.completedBy ?? input.owner,
      approver: r.approval.completedBy ?? approver,
      approvedOn: dayOf(input, r.approval),
      policies: policies.map((p) => ({ policy: p.policy ?? '', version: p.version ?? '', changes: p.changes ?? '', nextReview: p.nextReview ?? '' })),
    });
    for (const round of recorded.rounds) await startProcess(processStarts.acknowledgementRound(round.input, round.owner));
    register = `; ${recorded.recorded.length} new version(s) in the documents register${recorded.skipped.length ? `, ${recorded.skipped.length} row(s) not matched` : ''}`;
    if (recorded.skipped.length) log.warn('Policy review rows the documents register could not take', { skipped: recorded.skipped });
  }
  return finish(input, r.approval, `${policies.length} polic(ies) reviewed, approved by ${r.approval.completedBy}${register}`, {
    review: taskRecord(r.work),
    approval: taskRecord(r.approval),
    rounds: r.rounds,
  });
}

/** ISO 27001 7.2, 7.3, A.6.3: the yearly awareness campaign, with its completion and drills. */
export async function trainingCampaign(input: ProgrammeActivityInput): Promise<ProgrammeActivityResult> {
  const done = await task(input, {
    title: 'run the awareness training campaign',
    instructions: 'Run this year\'s information security awareness training for all staff in scope, and any drills (phishing, tabletop). Record the completion.',
    form: programmeForms.trainingCampaign(),
  });
  const rate = Math.round((100 * Number(answer(done, 'completed'))) / Number(answer(done, 'staffInScope')));
  return finish(input, done, `${answer(done, 'course')}: ${rate} % completed`, { campaign: taskRecord(done), completionRate: rate });
}

/** A.5.19 to A.5.22: the critical suppliers reviewed against their evidence. */
export async function supplierReview(input: ProgrammeActivityInput): Promise<ProgrammeActivityResult> {
  const done = await task(input, {
    title: 'review the critical suppliers',
    instructions: 'Review each critical supplier and ICT provider: its certificate or report, incidents, and whether it still meets the agreement.',
    form: programmeForms.supplierReview(),
  });
  const suppliers = rows(done.data, 'suppliers');
  const issues = suppliers.filter((s) => s.outcome !== 'acceptable').length;
  return finish(input, done, `${suppliers.length} supplier(s) reviewed, ${issues} with issues`, { review: taskRecord(done) });
}

/** A.5.18: user access to the high-risk systems reviewed, changes made. */
export async function accessReview(input: ProgrammeActivityInput): Promise<ProgrammeActivityResult> {
  const done = await task(input, {
    title: 'review access to the high-risk systems',
    instructions: 'Review who has access to each high-risk system, remove what is no longer needed, and record the changes.',
    form: programmeForms.accessReview(),
  });
  return finish(input, done, `${rows(done.data, 'systems').length} system(s) reviewed`, { review: taskRecord(done) });
}

/** ISO 27001 6.2 and 9.1: the month's measurements against the objectives. */
export async function kpiMeasurement(input: ProgrammeActivityInput): Promise<ProgrammeActivityResult> {
  const done = await task(input, {
    title: 'measure the ISMS objectives',
    instructions: 'Record this month\'s value of each metric against its target.',
    form: programmeForms.kpiMeasurement(),
  });
  return finish(input, done, `${rows(done.data, 'measurements').length} measurement(s)`, { measurements: taskRecord(done) });
}
