import type { Mail } from '../../../mail/src';
import type { NotificationKind } from '../../../domain/src';
import { renderPage } from '../render';

/**
 * `overdue` is the assignee's own notice when their task is escalated; `escalation` the escalation
 * contact's; `undeliverable` tells the escalation contact that the assignee's mail was refused.
 */
export type TaskMailKind = 'assigned' | NotificationKind | 'overdue' | 'undeliverable';

/** What a task mail says about its task. */
export interface TaskMailFacts {
  id: string;
  title: string;
  instructions: string;
  assignee: string;
  escalateTo: string | null;
  externalRef: string | null;
  dueAt: Date;
}

export function formatDate(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

const INTRO: Record<TaskMailKind, (t: TaskMailFacts) => string> = {
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

/**
 * One person's mail about a task. Every link in it is that person's own: the task link only in the
 * assignee's mail (it is bound to them), the "all your tasks" link signed for the addressee. A mail
 * goes to one person; several people get a mail each.
 */
export function renderTaskMail(kind: TaskMailKind, task: TaskMailFacts, to: { address: string; link?: string; myTasks?: string }): Mail {
  const intro = INTRO[kind](task);
  const followUp = `Please follow up with ${task.assignee}.`;
  const text = [
    intro,
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
  ].join('\n');
  const html = renderPage(
    <html>
      <body style="font-family:sans-serif">
        <p>{intro}</p>
        <table>
          <tr>
            <th align="left">Task</th>
            <td>{task.title}</td>
          </tr>
          <tr>
            <th align="left">Due</th>
            <td>{formatDate(task.dueAt)}</td>
          </tr>
          {task.externalRef && (
            <tr>
              <th align="left">Ref</th>
              <td>{task.externalRef}</td>
            </tr>
          )}
        </table>
        <p style="white-space:pre-wrap">{task.instructions}</p>
        {to.link ? (
          <p>
            <a href={to.link}>Open the task</a>
          </p>
        ) : (
          <p>{followUp}</p>
        )}
        {to.myTasks && (
          <p>
            <a href={to.myTasks}>All your tasks</a>
          </p>
        )}
        <p style="color:#666">Task id: {task.id}</p>
      </body>
    </html>,
  );
  return { to: to.address, subject: `[ismsflow] ${SUBJECT[kind]}: ${task.title}`, text, html };
}
