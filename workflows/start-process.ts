import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { startChild } from '@temporalio/workflow';
import { PROCESS_START_POLICY, type ProcessStart, type ProcessType } from '../libs/temporal/src/processes';

/**
 * Starts a process from a workflow (an NC from an incident or an audit, a programme activity, the
 * next certification cycle) under the same policy as the API: a process that exists, running or
 * closed, is left as it is and counts as started. It lives on its own (ABANDON): the process that
 * started it may close or continue as new first.
 */
export async function startProcess<K extends ProcessType>(start: ProcessStart<K>): Promise<void> {
  try {
    await startChild(start.type, {
      workflowId: start.workflowId,
      args: start.args as unknown[],
      staticSummary: start.summary,
      typedSearchAttributes: start.searchAttributes,
      parentClosePolicy: 'ABANDON',
      workflowIdReusePolicy: PROCESS_START_POLICY.workflowIdReusePolicy,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
