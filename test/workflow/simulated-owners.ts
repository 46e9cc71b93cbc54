/**
 * The production workflows, with simulated people: each task is done three days after it
 * arrives, with a valid answer to its form (checked by the same code as a real submission).
 * Owners whose address starts with `idle` never answer: the real humanTask reminds and escalates.
 * Used to drive whole certification cycles on the time-skipping server.
 */
import { ApplicationFailure, sleep } from '@temporalio/workflow';
import { addDays, formErrors, type FormData, type HumanTaskInput, type HumanTaskResult, type TaskForm } from '../../libs/domain/src';
import { humanTask as realHumanTask } from '../../workflows/human-task';

export * from '../../workflows';

export async function humanTask(input: HumanTaskInput): Promise<HumanTaskResult> {
  if (input.assignee.startsWith('idle')) return realHumanTask(input);
  await sleep('3 days');
  const now = new Date().toISOString();
  const data = input.form ? simulatedAnswers(input.form, now.slice(0, 10)) : undefined;
  const errors = input.form ? formErrors(input.form, data, now) : [];
  if (errors.length) throw ApplicationFailure.nonRetryable(`The form of "${input.title}" refused a valid answer: ${JSON.stringify(errors)}`);
  return { taskId: input.taskId, status: 'completed', outcome: input.outcomes[0], data, evidence: [], completedBy: input.assignee, completedAt: now, via: 'link' };
}

const CHOICES: Record<string, string> = { decision: 'approve', impartial: 'yes', type: 'minor', effective: 'yes' };
const TEXTS: Record<string, string> = { staffInScope: '40', completed: '38' };

function simulatedAnswers(form: TaskForm, today: string): FormData {
  const value = (f: { name: string; type: string; options?: string[] }): string | string[] => {
    if (f.type === 'select') return CHOICES[f.name] ?? f.options![0];
    if (f.type === 'date') return f.name === 'due' ? addDays(today, 14) : today;
    if (f.type === 'email') return 'someone@acme.example';
    if (f.type === 'urls') return ['https://evidence.acme.example/record'];
    if (f.name === 'attendees') return `${form.context?.topManagement ?? ''}, isms@acme.example`;
    return TEXTS[f.name] ?? `Recorded by a simulated owner for ${f.name}`;
  };
  return Object.fromEntries(
    form.fields.map((f) =>
      f.type === 'list'
        ? [f.name, Array.from({ length: Math.max(1, f.minItems) }, () => Object.fromEntries(f.item.map((i) => [i.name, value(i) as string])))]
        : [f.name, value(f)],
    ),
  );
}
