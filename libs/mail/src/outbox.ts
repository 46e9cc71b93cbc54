import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { EntityManager } from 'typeorm';
import { OutboundMail } from '../../db/src';

export interface Mail {
  to: string;
  cc?: string;
  subject: string;
  text: string;
  html: string;
}

/** What became of a mail: sent now, sent before, or refused for good by the relay (with its reason). */
export interface MailOutcome {
  messageId: string;
  alreadySent: boolean;
  rejected?: string;
}

/**
 * A relay's permanent refusal (a 5xx reply: no such mailbox, a malformed address, policy): sending
 * again would get the same answer, so it must not be retried. 4xx replies and connection errors are
 * transient and are retried.
 */
function permanentRefusal(err: unknown): string | undefined {
  const e = err as { responseCode?: unknown; response?: unknown; message?: unknown };
  return typeof e?.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600 ? String(e.response ?? e.message) : undefined;
}

/**
 * Sends a mail at most once per idempotency key. The outbox row is claimed first, so a retried
 * activity that already sent skips the send. A crash between the SMTP handover and marking the row
 * sent can repeat it; the Message-ID is derived from the key, so the copy is the same message. A mail
 * the relay refuses for good is recorded as rejected, with the reason, and never tried again.
 */
export async function sendOnce(
  db: EntityManager,
  mailer: Transporter,
  from: string,
  key: string,
  taskId: string | null,
  mail: Mail,
): Promise<MailOutcome> {
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'ismsflow.local';
  const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
  const outbox = db.getRepository(OutboundMail);
  await outbox
    .createQueryBuilder()
    .insert()
    .values({ idempotencyKey: key, messageId, taskId, to: mail.to, subject: mail.subject, status: 'sending', createdAt: new Date() })
    .orIgnore()
    .execute();
  const row = await outbox.findOneByOrFail({ idempotencyKey: key });
  if (row.status === 'sent') return { messageId, alreadySent: true };
  if (row.status === 'rejected') return { messageId, alreadySent: false, rejected: row.error ?? 'refused by the mail relay' };
  try {
    await mailer.sendMail({ from, ...mail, messageId, headers: { 'X-Ismsflow-Key': key } });
  } catch (err) {
    const rejected = permanentRefusal(err);
    if (!rejected) throw err;
    await outbox.update({ idempotencyKey: key }, { status: 'rejected', error: rejected.slice(0, 1000) });
    return { messageId, alreadySent: false, rejected };
  }
  await outbox.update({ idempotencyKey: key }, { status: 'sent', sentAt: new Date() });
  return { messageId, alreadySent: false };
}
