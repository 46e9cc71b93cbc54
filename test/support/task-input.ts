import { DEFAULT_REMINDER_POLICY, HOUR_MS, type HumanTaskInput } from '../../libs/domain/src';

export function taskInput(taskId: string, startMs: number, overrides: Partial<HumanTaskInput> = {}): HumanTaskInput {
  return {
    taskId,
    title: 'Review the access control policy',
    instructions: 'Read it, mark what changed.',
    assignee: 'alice@example.com',
    escalateTo: 'ciso@example.com',
    dueAt: new Date(startMs + 5 * 24 * HOUR_MS).toISOString(),
    process: 'adHoc',
    outcomes: ['done', 'not applicable'],
    policy: DEFAULT_REMINDER_POLICY,
    createdBy: 'test',
    ...overrides,
  };
}
