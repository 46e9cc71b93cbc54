import type { EntityManager } from 'typeorm';
import { TaskRecord } from '../../db/src';
import type { HumanTaskInput } from '../../domain/src';

/** The task record as the API and the workflow both create it: whoever comes first writes it. */
export async function insertTaskRecord(
  db: EntityManager,
  input: HumanTaskInput & { workflowId: string },
): Promise<void> {
  await db
    .createQueryBuilder()
    .insert()
    .into(TaskRecord)
    .values({
      id: input.taskId,
      workflowId: input.workflowId,
      process: input.process,
      title: input.title,
      instructions: input.instructions,
      assignee: input.assignee,
      escalateTo: input.escalateTo ?? null,
      externalRef: input.externalRef ?? null,
      dueAt: new Date(input.dueAt),
      status: 'open',
      outcomes: input.outcomes,
      form: input.form ?? null,
      linkVersion: 1,
      createdBy: input.createdBy,
      createdAt: new Date(),
      requestHash: input.requestHash ?? null,
    })
    .orIgnore()
    .execute();
}
