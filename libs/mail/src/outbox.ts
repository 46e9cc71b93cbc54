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

/**
 * Sends a mail at most once per idempotency key. The outbox row is claimed first, so a retried
 * activity that already sent skips the send. A crash between the SMTP handover and marking the row
 * sent can repeat it; the Message-ID is derived from the key, so the copy is the same message.
 */
export async function sendOnce(
  db: EntityManager,
  mailer: Transporter,
  from: string,
  key: string,
  taskId: string | null,
  mail: Mail,
): Promise<{ messageId: string; alreadySent: boolean }> {
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
  await mailer.sendMail({ from, ...mail, messageId, headers: { 'X-Ismsflow-Key': key } });
  await outbox.update({ idempotencyKey: key }, { status: 'sent', sentAt: new Date() });
  return { messageId, alreadySent: false };
}

