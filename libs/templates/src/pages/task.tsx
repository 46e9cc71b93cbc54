import type { FieldError, TaskForm } from '../../../domain/src';
import { renderPage } from '../render';
import { Layout } from './layout';
import { FormFields, type RawForm } from './task-form';

/** What a task page shows of a task. */
export interface TaskFacts {
  id: string;
  title: string;
  instructions: string;
  assignee: string;
  dueAt: Date;
  externalRef: string | null;
  outcomes: string[];
  form: TaskForm | null;
}

/** Why a task link cannot be used; each is shown to the person as a page. */
export type LinkProblem = 'invalid' | 'used' | 'reassigned' | 'expired' | 'cancelled';

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

function Details({ task }: { task: TaskFacts }) {
  return (
    <dl>
      <dt>Assigned to</dt>
      <dd>{task.assignee}</dd>
      <dt>Due</dt>
      <dd>
        <time datetime={task.dueAt.toISOString()}>{task.dueAt.toUTCString()}</time>
      </dd>
      {task.externalRef && (
        <>
          <dt>Reference</dt>
          <dd>{task.externalRef}</dd>
        </>
      )}
      <dt>Instructions</dt>
      <dd class="pre">{task.instructions}</dd>
    </dl>
  );
}

/** The page a person reaches from their mail: the task, its form, and what was wrong with the last try. */
/** The task's form; again with the answers given, and what to correct or why it could not be taken now (`notice`). */
export function taskFormPage(task: TaskFacts, opts: { errors?: FieldError[]; raw?: RawForm; notice?: string } = {}): string {
  const raw = opts.raw ?? {};
  const outcome = str(raw.outcome) ?? task.outcomes[0];
  return renderPage(
    <Layout title={task.title}>
      <h1>{task.title}</h1>
      {opts.notice && (
        <div class="error" role="alert">
          {opts.notice}
        </div>
      )}
      {!!opts.errors?.length && (
        <div class="error" role="alert">
          <strong>Please correct this:</strong>
          <ul>
            {opts.errors.map((e) => (
              <li data-field={e.field}>{e.message}</li>
            ))}
          </ul>
        </div>
      )}
      <Details task={task} />
      <form method="post">
        <FormFields form={task.form} raw={raw} />
        <label for="outcome">Outcome</label>
        <select id="outcome" name="outcome">
          {task.outcomes.map((o) => (
            <option value={o} selected={o === outcome}>
              {o}
            </option>
          ))}
        </select>
        <label for="notes">Notes</label>
        <textarea id="notes" name="notes" rows={5} maxLength={4000} value={str(raw.notes) ?? ''} />
        <label for="evidence">
          Evidence links <span class="muted">(one URL per line)</span>
        </label>
        <textarea id="evidence" name="evidence" rows={3} placeholder="https://" value={str(raw.evidence) ?? ''} />
        <button type="submit">Complete task</button>
      </form>
      <p class="muted">Task {task.id}</p>
    </Layout>,
  );
}

export function completedPage(task: { title: string; outcome: string | null; completedBy: string | null; completedAt: Date | null }): string {
  return renderPage(
    <Layout title="Task completed">
      <div class="ok" role="status">
        <h1>Thank you: the task is completed</h1>
        <p>
          “{task.title}” was recorded as <strong>{task.outcome ?? ''}</strong> by {task.completedBy ?? ''} on {task.completedAt?.toUTCString() ?? ''}.
        </p>
      </div>
    </Layout>,
  );
}

const LINK_PROBLEMS: Record<LinkProblem, { status: number; title: string; text: string }> = {
  invalid: { status: 404, title: 'This link is not valid', text: 'The link is incomplete or has been altered. Open it again from your email, copying the whole address.' },
  used: { status: 410, title: 'This task is already completed', text: 'The link has been used and the task is closed. Nothing more is needed from you.' },
  reassigned: { status: 410, title: 'This task was given to someone else', text: 'The task has been reassigned, so this link no longer works.' },
  expired: { status: 410, title: 'This link has expired', text: 'Ask the ISMS manager to reassign the task to you for a new link.' },
  cancelled: { status: 410, title: 'This task was cancelled', text: 'The process that needed it no longer does. Nothing more is needed from you.' },
};

export function linkProblemPage(reason: LinkProblem): { status: number; html: string } {
  const p = LINK_PROBLEMS[reason];
  return { status: p.status, html: messagePage(p.title, p.text) };
}

/** A page that only says something went wrong, and what to do. */
export function messagePage(title: string, text: string): string {
  return renderPage(
    <Layout title={title}>
      <div class="error" role="alert">
        <h1>{title}</h1>
        <p>{text}</p>
      </div>
    </Layout>,
  );
}
