import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { PROCESS_START_POLICY, type ProcessStart, type ProcessType } from './processes';

/**
 * Starts a process from outside Temporal (the API, scripts), under ismsflow's one start policy: a
 * running process is returned as it is and a closed one is never started again. Either way the
 * caller gets success: the same business fact twice is the same process.
 */
export async function startProcess<K extends ProcessType>(client: Client, taskQueue: string, start: ProcessStart<K>): Promise<void> {
  try {
    await client.workflow.start(start.type, {
      taskQueue,
      workflowId: start.workflowId,
      args: start.args as unknown[],
      staticSummary: start.summary,
      typedSearchAttributes: start.searchAttributes,
      ...PROCESS_START_POLICY,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
