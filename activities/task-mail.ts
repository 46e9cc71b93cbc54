import type { TaskRecord } from '../libs/db/src';
import type { NotificationKind } from '../libs/domain/src';
import { escapeHtml, type Mail } from '../libs/mail/src';

export type TaskMailKind = 'assigned' | NotificationKind;

const INTRO: Record<TaskMailKind, (t: TaskRecord) => string> = {
  assigned: () => 'You have been assigned a task in the ISMS.',
  reminder: (t) => `Reminder: this task is due on ${formatDate(t.dueAt)}.`,
  due: () => 'This task is due today.',
  escalation: (t) => `This task is overdue: it was due on ${formatDate(t.dueAt)} and is still open.`,
};

const SUBJECT: Record<TaskMailKind, string> = {
  assigned: 'Task',
  reminder: 'Reminder',
  due: 'Due today',
  escalation: 'Overdue',
};

export function formatDate(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/**
 * The mail for one task notification. The assignee gets the link; an escalation goes to the
 * escalation contact (copying the assignee) without it, since the link is the assignee's alone.
 */
export function renderTaskMail(kind: TaskMailKind, task: TaskRecord, link: string | undefined, myTasks?: string): Mail {
  const escalated = kind === 'escalation' && !!task.escalateTo;
  const to = escalated ? task.escalateTo! : task.assignee;
  const lines = [
    escalated ? `The task below, assigned to ${task.assignee}, is overdue and needs your attention.` : INTRO[kind](task),
    '',
    `Task:   ${task.title}`,
    `Due:    ${formatDate(task.dueAt)}`,
    ...(task.externalRef ? [`Ref:    ${task.externalRef}`] : []),
    '',
    task.instructions,
    '',
    link ? `Complete it here: ${link}` : `Please follow up with ${task.assignee}.`,
    ...(myTasks ? ['', `All your tasks: ${myTasks}`] : []),
    '',
    `Task id: ${task.id}`,
  ];
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>${escapeHtml(lines[0])}</p>
<table>
<tr><th align="left">Task</th><td>${escapeHtml(task.title)}</td></tr>
<tr><th align="left">Due</th><td>${escapeHtml(formatDate(task.dueAt))}</td></tr>
${task.externalRef ? `<tr><th align="left">Ref</th><td>${escapeHtml(task.externalRef)}</td></tr>` : ''}
</table>
<p style="white-space:pre-wrap">${escapeHtml(task.instructions)}</p>
${link ? `<p><a href="${escapeHtml(link)}">Open the task</a></p>` : `<p>Please follow up with ${escapeHtml(task.assignee)}.</p>`}
${myTasks ? `<p><a href="${escapeHtml(myTasks)}">All your tasks</a></p>` : ''}
<p style="color:#666">Task id: ${escapeHtml(task.id)}</p>
</body></html>`;
  return {
    to,
    cc: escalated ? task.assignee : undefined,
    subject: `[ismsflow] ${SUBJECT[kind]}: ${task.title}`,
    text: lines.join('\n'),
    html,
  };
}
