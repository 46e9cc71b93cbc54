import { escapeHtml } from '../../../../libs/mail/src/html';
import type { TaskRecord } from '../../../../libs/db/src';
import type { FieldError } from '../../../../libs/domain/src';
import { renderFormFields, type RawForm } from './task-form';
import type { LinkProblem } from './tasks.service';

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
label{display:block;font-weight:600;margin-top:1rem}textarea,select,input{width:100%;box-sizing:border-box;font:inherit;padding:.4rem}
fieldset{margin-top:1rem;border:1px solid #ccc;border-radius:4px}.context{background:#f4f4f5;padding:.6rem;border-radius:4px}
button{margin-top:1.2rem;padding:.6rem 1.4rem;font:inherit;background:#1d4ed8;color:#fff;border:0;border-radius:4px}
.error{background:#fee2e2;border:1px solid #b91c1c;padding:.8rem;border-radius:4px}.ok{background:#dcfce7;border:1px solid #15803d;padding:.8rem;border-radius:4px}
dt{font-weight:600}dd{margin:0 0 .6rem 0}.muted{color:#555}`;

/** The page shell every person-facing page shares; `wide` for tables and charts. */
export function layout(title: string, body: string, opts: { wide?: boolean; style?: string } = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · ismsflow</title><style>${STYLE}${opts.wide ? 'body{max-width:80rem}' : ''}${opts.style ?? ''}</style></head><body>${body}</body></html>`;
}

function details(task: TaskRecord): string {
  return `<dl>
<dt>Assigned to</dt><dd>${escapeHtml(task.assignee)}</dd>
<dt>Due</dt><dd><time datetime="${task.dueAt.toISOString()}">${escapeHtml(task.dueAt.toUTCString())}</time></dd>
${task.externalRef ? `<dt>Reference</dt><dd>${escapeHtml(task.externalRef)}</dd>` : ''}
<dt>Instructions</dt><dd style="white-space:pre-wrap">${escapeHtml(task.instructions)}</dd></dl>`;
}

export function taskForm(task: TaskRecord, opts: { errors?: FieldError[]; raw?: RawForm } = {}): string {
  const raw = opts.raw ?? {};
  const v = { outcome: str(raw.outcome), notes: str(raw.notes), evidence: str(raw.evidence) };
  const errors = opts.errors?.length
    ? `<div class="error" role="alert"><strong>Please correct this:</strong><ul>${opts.errors.map((e) => `<li data-field="${escapeHtml(e.field)}">${escapeHtml(e.message)}</li>`).join('')}</ul></div>`
    : '';
  const options = task.outcomes
    .map((o) => `<option value="${escapeHtml(o)}"${o === (v.outcome ?? task.outcomes[0]) ? ' selected' : ''}>${escapeHtml(o)}</option>`)
    .join('');
  return layout(task.title, `<h1>${escapeHtml(task.title)}</h1>${errors}${details(task)}
<form method="post">
${renderFormFields(task, raw)}
<label for="outcome">Outcome</label><select id="outcome" name="outcome">${options}</select>
<label for="notes">Notes</label><textarea id="notes" name="notes" rows="5" maxlength="4000">${escapeHtml(v.notes ?? '')}</textarea>
<label for="evidence">Evidence links <span class="muted">(one URL per line)</span></label>
<textarea id="evidence" name="evidence" rows="3" placeholder="https://">${escapeHtml(v.evidence ?? '')}</textarea>
<button type="submit">Complete task</button>
</form><p class="muted">Task ${escapeHtml(task.id)}</p>`);
}

export function completedPage(task: TaskRecord): string {
  return layout('Task completed', `<div class="ok" role="status"><h1>Thank you: the task is completed</h1>
<p>“${escapeHtml(task.title)}” was recorded as <strong>${escapeHtml(task.outcome ?? '')}</strong> by ${escapeHtml(task.completedBy ?? '')}
on ${escapeHtml(task.completedAt?.toUTCString() ?? '')}.</p></div>`);
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
  return { status: p.status, html: layout(p.title, `<div class="error" role="alert"><h1>${escapeHtml(p.title)}</h1><p>${escapeHtml(p.text)}</p></div>`) };
}
