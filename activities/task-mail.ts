import type { TaskRecord } from '../libs/db/src';
import type { NotificationKind } from '../libs/domain/src';
import { escapeHtml, type Mail } from '../libs/mail/src';

/**
 * `overdue` is the assignee's own notice when their task is escalated; `escalation` the escalation
 * contact's; `undeliverable` tells the escalation contact that the assignee's mail was refused.
 */
export type TaskMailKind = 'assigned' | NotificationKind | 'overdue' | 'undeliverable';

const INTRO: Record<TaskMailKind, (t: TaskRecord) => string> = {
  assigned: () => 'You have been assigned a task in the ISMS.',
  reminder: (t) => `Reminder: this task is due on ${formatDate(t.dueAt)}.`,
  due: () => 'This task is due today.',
  overdue: (t) => `This task is overdue: it was due on ${formatDate(t.dueAt)} and is still open.${t.escalateTo ? ` ${t.escalateTo} has been told.` : ''}`,
  escalation: (t) => `The task below, assigned to ${t.assignee}, is overdue and needs your attention.`,
  undeliverable: (t) => `The mail server refused mail to ${t.assignee}, so they cannot receive the task below. Reassign it to someone who can.`,
};

const SUBJECT: Record<TaskMailKind, string> = {
  assigned: 'Task',
  reminder: 'Reminder',
  due: 'Due today',
  overdue: 'Overdue',
  escalation: 'Overdue',
  undeliverable: 'Undeliverable',
};

export function formatDate(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/**
 * One person's mail about a task. Every link in it is that person's own: the task link only in the
 * assignee's mail (it is bound to them), the "all your tasks" link signed for the addressee. A mail
 * goes to one person; several people get a mail each.
 */
export function renderTaskMail(kind: TaskMailKind, task: TaskRecord, to: { address: string; link?: string; myTasks?: string }): Mail {
  const followUp = `Please follow up with ${task.assignee}.`;
  const lines = [
    INTRO[kind](task),
    '',
    `Task:   ${task.title}`,
    `Due:    ${formatDate(task.dueAt)}`,
    ...(task.externalRef ? [`Ref:    ${task.externalRef}`] : []),
    '',
    task.instructions,
    '',
    to.link ? `Complete it here: ${to.link}` : followUp,
    ...(to.myTasks ? ['', `All your tasks: ${to.myTasks}`] : []),
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
${to.link ? `<p><a href="${escapeHtml(to.link)}">Open the task</a></p>` : `<p>${escapeHtml(followUp)}</p>`}
${to.myTasks ? `<p><a href="${escapeHtml(to.myTasks)}">All your tasks</a></p>` : ''}
<p style="color:#666">Task id: ${escapeHtml(task.id)}</p>
</body></html>`;
  return { to: to.address, subject: `[ismsflow] ${SUBJECT[kind]}: ${task.title}`, text: lines.join('\n'), html };
}
