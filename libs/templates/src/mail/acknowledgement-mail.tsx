import type { Mail } from '../../../mail/src';
import type { AcknowledgementMailKind } from '../../../domain/src';
import { renderPage } from '../render';
import { formatDate } from './task-mail';

/** What a mail about a policy to acknowledge says of it. */
export interface PolicyFacts {
  documentId: string;
  title: string;
  version: string;
  summary: string;
  /** Where the document itself is read (the intranet, the document system). */
  link: string | null;
}

const INTRO: Record<AcknowledgementMailKind, (due: Date) => string> = {
  request: (due) => `Please read the policy below and confirm that you have read and understood it, by ${formatDate(due)}.`,
  reminder: (due) => `Reminder: please read and acknowledge the policy below by ${formatDate(due)}.`,
  overdue: (due) => `Your acknowledgement of the policy below was due on ${formatDate(due)}. Please read it and confirm now; your manager has been told.`,
};

const SUBJECT: Record<AcknowledgementMailKind, string> = { request: 'Please read', reminder: 'Reminder', overdue: 'Overdue' };

/** One person's mail: their own acknowledgement link, nobody else's. */
export function renderAcknowledgementMail(kind: AcknowledgementMailKind, policy: PolicyFacts, to: { address: string; name: string; dueAt: Date; link: string }): Mail {
  const intro = INTRO[kind](to.dueAt);
  const text = [
    `Dear ${to.name},`,
    '',
    intro,
    '',
    `Policy:  ${policy.title} (${policy.documentId}), version ${policy.version}`,
    ...(policy.link ? [`Read it: ${policy.link}`] : []),
    '',
    policy.summary,
    '',
    `Acknowledge it here: ${to.link}`,
  ].join('\n');
  const html = renderPage(
    <html>
      <body style="font-family:sans-serif">
        <p>Dear {to.name},</p>
        <p>{intro}</p>
        <p>
          <strong>{policy.title}</strong> ({policy.documentId}), version {policy.version}
        </p>
        {policy.link && (
          <p>
            <a href={policy.link}>Read the policy</a>
          </p>
        )}
        <p style="white-space:pre-wrap">{policy.summary}</p>
        <p>
          <a href={to.link}>Acknowledge it</a>
        </p>
      </body>
    </html>,
  );
  return { to: to.address, subject: `[ismsflow] ${SUBJECT[kind]}: ${policy.title} ${policy.version}`, text, html };
}

/** A manager's (or the policy owner's) mail: who of theirs has not acknowledged, with no one's link. */
export function renderAcknowledgementEscalation(policy: PolicyFacts, to: string, overdue: Array<{ person: string; name: string; department: string }>, dueAt: Date): Mail {
  const intro = `These people have not acknowledged ${policy.title} (${policy.documentId}) version ${policy.version}, due on ${formatDate(dueAt)}. Please ask them to; each has the link in their own mail.`;
  const text = [intro, '', ...overdue.map((o) => `- ${o.name} <${o.person}>, ${o.department}`)].join('\n');
  const html = renderPage(
    <html>
      <body style="font-family:sans-serif">
        <p>{intro}</p>
        <ul>
          {overdue.map((o) => (
            <li>
              {o.name} &lt;{o.person}&gt;, {o.department}
            </li>
          ))}
        </ul>
      </body>
    </html>,
  );
  return { to, subject: `[ismsflow] Not acknowledged: ${policy.title} ${policy.version} (${overdue.length})`, text, html };
}
