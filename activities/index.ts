import { createTaskActivities, type TaskActivityDeps } from './tasks';

export type ActivityDeps = TaskActivityDeps;

/** Every activity the worker registers, built from its dependencies (real or fake in tests). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createTaskActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
