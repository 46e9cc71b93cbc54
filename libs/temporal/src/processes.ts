/**
 * How each ISMS process is started, in one place for the API (a Temporal client) and for workflows
 * (child workflows): its workflow type, its id (the business fact, readable in the Temporal UI), its
 * typed arguments, a summary and the search attributes admins filter on. Deterministic code only:
 * workflows import this file.
 */
import type { SearchAttributePair, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type * as workflows from '../../../workflows';
import type { AcknowledgementBatchInput, AcknowledgementRoundInput, CorrectiveActionInput, CycleInput, HumanTaskInput, IncidentInput, ProgrammeActivityInput, ProgrammeKind } from '../../domain/src';
import { openTaskSearchAttributes, SearchAttr, workflowIds } from './definitions';

type Workflows = typeof workflows;
export type ProcessType = { [K in keyof Workflows]: Workflows[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof Workflows];

/** Everything needed to start one process; `args` are checked against the workflow's own signature. */
export interface ProcessStart<K extends ProcessType = ProcessType> {
  type: K;
  workflowId: string;
  args: Parameters<Workflows[K]>;
  summary: string;
  searchAttributes: SearchAttributePair[];
}

/**
 * A business fact has one process, ever. Starting it again while it runs returns the running one
 * (USE_EXISTING); once it has closed, completed, cancelled, terminated or failed, it is never started
 * again (REJECT_DUPLICATE): a redelivered webhook or a retried request must not reopen a closed NC or
 * re-triage a closed incident. A run that failed needs an admin, not a silent restart that would repeat
 * steps already done (mails, tasks): the Temporal UI's Reset re-runs it from a chosen point under the
 * same id, keeping its history. Children cannot use a conflict policy; for them a running process is
 * "already started" too. Temporal forgets a closed run after the namespace's retention: the record
 * that owns the process remembers it began (libs/records/src/process-starts.ts).
 */
export const PROCESS_START_POLICY = {
  workflowIdReusePolicy: 'REJECT_DUPLICATE',
  workflowIdConflictPolicy: 'USE_EXISTING',
} as const satisfies { workflowIdReusePolicy: WorkflowIdReusePolicy; workflowIdConflictPolicy: WorkflowIdConflictPolicy };

const short = (text: string, n = 120) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

export const processStarts = {
  task: (input: HumanTaskInput): ProcessStart<'humanTask'> => ({
    type: 'humanTask',
    workflowId: workflowIds.task(input.taskId),
    args: [input],
    summary: `Task for ${input.assignee}: ${short(input.title)}`,
    searchAttributes: openTaskSearchAttributes(input),
  }),

  correctiveAction: (input: CorrectiveActionInput): ProcessStart<'correctiveAction'> => ({
    type: 'correctiveAction',
    workflowId: workflowIds.nc(input.ncNumber),
    args: [input],
    summary: `${input.ncNumber} (${input.classification}) ${input.requirement}: ${short(input.description)}`,
    searchAttributes: [
      { key: SearchAttr.process, value: 'correctiveAction' },
      { key: SearchAttr.ref, value: input.ncNumber },
      { key: SearchAttr.severity, value: input.classification },
      { key: SearchAttr.owner, value: input.owner },
      { key: SearchAttr.status, value: 'correction' },
    ],
  }),

  incident: (input: IncidentInput): ProcessStart<'incidentResponse'> => ({
    type: 'incidentResponse',
    workflowId: workflowIds.incident(input.incidentId),
    args: [input],
    summary: `Incident ${input.ticketId} (${input.system}): ${short(input.title)}`,
    searchAttributes: [
      { key: SearchAttr.process, value: 'incidentResponse' },
      { key: SearchAttr.ref, value: input.incidentId },
      { key: SearchAttr.status, value: 'triage' },
      { key: SearchAttr.owner, value: input.handler },
      ...(input.triage?.severity ? [{ key: SearchAttr.severity, value: input.triage.severity }] : []),
    ],
  }),

  cycle: (input: CycleInput): ProcessStart<'certificationCycle'> => ({
    type: 'certificationCycle',
    workflowId: workflowIds.cycle(input.cycleId),
    args: [input],
    summary: `${input.organisation.name}: certification cycle ${input.decisionDate ? `from ${input.decisionDate}` : '(first certification)'}`,
    searchAttributes: [
      { key: SearchAttr.process, value: 'certificationCycle' },
      { key: SearchAttr.ref, value: input.cycleId },
      { key: SearchAttr.status, value: 'running' },
      { key: SearchAttr.owner, value: input.organisation.ismsManager },
    ],
  }),

  /** One activity of a cycle's programme: its id is the cycle's, then the activity's. */
  programmeActivity: (kind: ProgrammeKind, input: ProgrammeActivityInput, title: string): ProcessStart<ProgrammeKind> => ({
    type: kind,
    workflowId: `${workflowIds.cycle(input.cycleId)}/${input.activity.id}`,
    args: [input],
    summary: `${input.organisation.name}: ${title} due ${input.activity.due}`,
    searchAttributes: [
      { key: SearchAttr.process, value: kind },
      { key: SearchAttr.ref, value: input.cycleId },
      { key: SearchAttr.owner, value: input.owner },
      { key: SearchAttr.dueAt, value: new Date(input.dueAt) },
    ],
  }),

  /** A policy's acknowledgement round: the document and major version asked about. */
  acknowledgementRound: (input: AcknowledgementRoundInput, owner: string): ProcessStart<'acknowledgementRound'> => ({
    type: 'acknowledgementRound',
    workflowId: `ack:${input.roundId}`,
    args: [input],
    summary: `Acknowledgement of ${input.documentId} version ${input.version}, due ${input.dueAt.slice(0, 10)}`,
    searchAttributes: [
      { key: SearchAttr.process, value: 'policyAcknowledgement' },
      { key: SearchAttr.ref, value: input.roundId },
      { key: SearchAttr.owner, value: owner },
      { key: SearchAttr.dueAt, value: new Date(input.dueAt) },
    ],
  }),

  /** One batch of a round's people. */
  acknowledgementBatch: (input: AcknowledgementBatchInput, people: number): ProcessStart<'acknowledgementBatch'> => ({
    type: 'acknowledgementBatch',
    workflowId: `ack:${input.batchKey}`,
    args: [input],
    summary: `${people} people asked to acknowledge ${input.roundId}, due ${input.dueAt.slice(0, 10)}`,
    searchAttributes: [
      { key: SearchAttr.process, value: 'policyAcknowledgement' },
      { key: SearchAttr.ref, value: input.roundId },
      { key: SearchAttr.dueAt, value: new Date(input.dueAt) },
    ],
  }),
};
