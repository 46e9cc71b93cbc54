/**
 * What every process workflow repeats, in one place: the time now, a form's answers, and the slug its
 * task ids start with. Deterministic: the workflow sandbox makes `Date` the workflow's own clock.
 */
import type { FormData, HumanTaskResult } from '../libs/domain/src';

/** The workflow's current time (its own deterministic clock), as ISO 8601. */
export const now = (): string => new Date().toISOString();

/** A text answer from a completed task's form ('' when absent). */
export function answer(result: HumanTaskResult, field: string): string {
  const value = result.data?.[field];
  return typeof value === 'string' ? value : '';
}

/** The rows of a list field of a form's answers (none when absent). */
export const rows = (data: FormData | undefined, field: string) => (data?.[field] ?? []) as Array<Record<string, string>>;

/** The readable prefix of a process's task ids (`nc20260001`, `jirasec42`): stable, so replays and retries name the same tasks. */
export const taskSlug = (businessId: string): string => businessId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 40);
