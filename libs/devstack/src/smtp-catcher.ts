import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { escapeHtml } from '../../mail/src/html';

/** A caught message, in the shape of Mailpit's API (so tests run against real Mailpit too). */
interface Address {
  Name: string;
  Address: string;
}
interface CaughtMessage {
  ID: string;
  MessageID: string;
  From: Address;
  To: Address[];
  Cc: Address[];
  Subject: string;
  Date: string;
  Created: string;
  Text: string;
  HTML: string;
  Size: number;
  Snippet: string;
}

export interface SmtpCatcher {
  smtpPort: number;
  httpPort: number;
  url: string;
  stop: () => Promise<void>;
}

function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => ({ Name: v.name ?? '', Address: v.address ?? '' })));
}

const summary = ({ Text: _text, HTML: _html, ...rest }: CaughtMessage) => rest;

/**
 * A development SMTP server that keeps mail in memory and shows it: a mailbox page, and the
 * Mailpit JSON endpoints ismsflow's tests read (`GET /api/v1/messages`, `GET /api/v1/message/{ID}`).
 */
export async function startSmtpCatcher(opts: {
  smtpPort: number;
  httpPort: number;
  maxMessages?: number;
  /** Called as each message is caught (the benchmark times mail arrival with it). */
  onMessage?: (m: { to: string[]; subject: string; text: string }) => void;
}): Promise<SmtpCatcher> {
  const messages: CaughtMessage[] = [];
  const max = opts.maxMessages ?? 1000;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((mail) => {
            const now = new Date().toISOString();
            const text = mail.text ?? '';
            messages.unshift({
              ID: randomUUID(),
              MessageID: (mail.messageId ?? '').replace(/^<|>$/g, ''),
              From: addresses(mail.from)[0] ?? { Name: '', Address: '' },
              To: addresses(mail.to),
              Cc: addresses(mail.cc),
              Subject: mail.subject ?? '',
              Date: (mail.date ?? new Date()).toISOString(),
              Created: now,
              Text: text,
              HTML: typeof mail.html === 'string' ? mail.html : '',
              Size: raw.length,
              Snippet: text.replace(/\s+/g, ' ').trim().slice(0, 250),
            });
            messages.splice(max);
            callback();
            opts.onMessage?.({ to: messages[0].To.map((t) => t.Address), subject: messages[0].Subject, text });
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort, '127.0.0.1', () => resolve());
  });
  // Once listening, a client that drops its connection (a worker killed or stopped) is no reason to stop catching mail.
  smtp.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET') console.warn(`smtp catcher: ${err.message}`);
  });

  const app = express();
  app.get('/api/v1/messages', (req, res) => {
    const start = Number(req.query.start ?? 0);
    const limit = Number(req.query.limit ?? 50);
    const page = messages.slice(start, start + limit).map(summary);
    res.json({ total: messages.length, unread: 0, count: page.length, messages_count: messages.length, start, tags: [], messages: page });
  });
  app.get('/api/v1/message/:id', (req, res) => {
    const found = req.params.id === 'latest' ? messages[0] : messages.find((m) => m.ID === req.params.id);
    if (!found) return void res.status(404).type('text/plain').send('message not found');
    res.json({ ...found, ReplyTo: [], Bcc: [], Attachments: [], Inline: [], Tags: [] });
  });
  app.delete('/api/v1/messages', (_req, res) => {
    messages.length = 0;
    res.type('text/plain').send('ok');
  });
  app.get('/view/:id', (req, res) => {
    const m = messages.find((x) => x.ID === req.params.id);
    if (!m) return void res.status(404).send('not found');
    res.type('html').send(page(`${escapeHtml(m.Subject)}`, `
      <p><a href="/">&larr; Mailbox</a></p>
      <p><b>From</b> ${escapeHtml(m.From.Address)} <b>To</b> ${escapeHtml(m.To.map((t) => t.Address).join(', '))}
      ${m.Cc.length ? `<b>Cc</b> ${escapeHtml(m.Cc.map((t) => t.Address).join(', '))}` : ''} <b>Date</b> ${escapeHtml(m.Date)}</p>
      ${m.HTML ? `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" style="width:100%;height:50vh;border:1px solid #ccc" srcdoc="${escapeHtml(m.HTML)}"></iframe>` : ''}
      <h3>Plain text</h3><pre style="white-space:pre-wrap">${escapeHtml(m.Text)}</pre>`));
  });
  app.get('/', (_req, res) => {
    const rows = messages
      .map((m) => `<tr><td>${escapeHtml(m.Created.slice(0, 19).replace('T', ' '))}</td><td>${escapeHtml(m.To.map((t) => t.Address).join(', '))}</td><td><a href="/view/${m.ID}">${escapeHtml(m.Subject || '(no subject)')}</a></td></tr>`)
      .join('');
    res.type('html').send(page('Mailbox', `<p>${messages.length} message(s) caught on SMTP port ${opts.smtpPort}. Nothing here is delivered.</p>
      <table cellpadding="6"><tr><th align="left">Received</th><th align="left">To</th><th align="left">Subject</th></tr>${rows}</table>`));
  });
  const http: Server = await new Promise((resolve, reject) => {
    const server = app.listen(opts.httpPort, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(server)));
  });

  return {
    smtpPort: opts.smtpPort,
    httpPort: opts.httpPort,
    url: `http://localhost:${opts.httpPort}`,
    stop: async () => {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title} - ismsflow mail catcher</title>
<style>body{font-family:sans-serif;margin:2rem;max-width:70rem}tr:nth-child(even){background:#f4f4f4}</style></head>
<body><h1>${title}</h1>${body}</body></html>`;
}
