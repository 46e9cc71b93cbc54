/**
 * Everything the workflows and the API must agree on: task queue, search-attribute keys,
 * workflow ids, and the signal/update/query definitions. Deterministic code only: workflows
 * import this file.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AuditBooking,
  AuditResultReport,
  CalendarDate,
  ChangeReport,
  CycleView,
  HumanTaskInput,
  HumanTaskResult,
  IncidentView,
  NcView,
  ReportPlan,
  TaskCompletion,
  TaskReassignment,
  TaskView,
  TicketEvent,
} from '../../domain/src';
import { cycleWorkflowId } from '../../domain/src/programme';

export const TASK_QUEUE = 'ismsflow';

/** Custom search attributes admins filter on in the Temporal UI (registered on the server). */
export const SearchAttr = {
  process: defineSearchAttributeKey('IsmsProcess', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('IsmsStatus', SearchAttributeType.KEYWORD),
  owner: defineSearchAttributeKey('IsmsOwner', SearchAttributeType.KEYWORD),
  dueAt: defineSearchAttributeKey('IsmsDueAt', SearchAttributeType.DATETIME),
  ref: defineSearchAttributeKey('IsmsRef', SearchAttributeType.KEYWORD),
  severity: defineSearchAttributeKey('IsmsSeverity', SearchAttributeType.KEYWORD),
  /** The reporting regimes an incident falls under: gdpr, nis2, dora. */
  regimes: defineSearchAttributeKey('IsmsRegimes', SearchAttributeType.KEYWORD_LIST),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SearchAttr);

/** A new task's search attributes, set at start so admins see it before its first step runs. */
export function openTaskSearchAttributes(input: Pick<HumanTaskInput, 'process' | 'assignee' | 'dueAt' | 'externalRef'>): SearchAttributePair[] {
  return [
    { key: SearchAttr.process, value: input.process },
    { key: SearchAttr.status, value: 'open' },
    { key: SearchAttr.owner, value: input.assignee },
    { key: SearchAttr.dueAt, value: new Date(input.dueAt) },
    ...(input.externalRef ? [{ key: SearchAttr.ref, value: input.externalRef }] : []),
  ];
}

/** Readable ids: admins find a workflow in the UI by typing them. */
export const workflowIds = {
  task: (taskId: string) => `task:${taskId}`,
  nc: (ncNumber: string) => `nc:${ncNumber}`,
  incident: (incidentId: string) => `incident:${incidentId}`,
  cycle: cycleWorkflowId,
};

export const completeTaskUpdate = defineUpdate<HumanTaskResult, [TaskCompletion]>('completeTask');
export const reassignTaskUpdate = defineUpdate<{ linkVersion: number }, [TaskReassignment]>('reassignTask');
export const taskStateQuery = defineQuery<TaskView>('taskState');

export const cancelNcUpdate = defineUpdate<NcView, [{ reason: string; by: string }]>('cancelNonconformity');
export const changeNcOwnerUpdate = defineUpdate<NcView, [{ to: string; by: string }]>('changeNonconformityOwner');
export const ncStateQuery = defineQuery<NcView>('nonconformityState');

/** Fire-and-forget from ticketing systems, delivered in order; the workflow drops repeated event ids. */
export const ticketEventSignal = defineSignal<[TicketEvent]>('ticketEvent');
export const incidentStateQuery = defineQuery<IncidentView>('incidentState');
/** An incident re-plans one of its report children: a new clock, or withdrawn because the facts no longer call for it. */
export const reportPlanSignal = defineSignal<[ReportPlan | { withdraw: string }]>('reportPlan');
export const reportStateQuery = defineQuery<{ report: string; plan: ReportPlan; waitingFor: string }>('reportState');

/** A programme activity tells its cycle it is done (the cycle may have continued as new since it started it). */
export const programmeActivityDoneSignal = defineSignal<[{ activityId: string; completedOn: CalendarDate; summary: string }]>('programmeActivityDone');
/** The certification body booked an external audit's date: the rest of the cycle is re-planned around it. */
export const bookAuditUpdate = defineUpdate<CycleView, [AuditBooking]>('bookExternalAudit');
/** An external audit's result and findings; major and minor findings start corrective actions. */
export const recordAuditResultUpdate = defineUpdate<CycleView, [AuditResultReport]>('recordAuditResult');
/** A significant change: a risk re-assessment (and policy review) now, not at the yearly one. */
export const significantChangeUpdate = defineUpdate<CycleView, [ChangeReport]>('recordSignificantChange');
export const cycleStateQuery = defineQuery<CycleView>('cycleState');
