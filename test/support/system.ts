import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/app';
import { startWorker } from '../../apps/worker/src/run';
import { loadConfig, type AppConfig } from '../../libs/config/src';
import { dataSourceOptions } from '../../libs/db/src';
import { migrateDatabase, throwawayDatabase } from '../../libs/devstack/src/postgres';
import { createApiKey } from '../../libs/security/src';
import { registerSearchAttributes } from '../../libs/temporal/src/client';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { freePort } from '../../libs/devstack/src/processes';

export interface MailSummary {
  ID: string;
  Subject: string;
  To: { Address: string }[];
  Cc: { Address: string }[];
  MessageID: string;
}
export interface MailMessage extends MailSummary {
  Text: string;
  HTML: string;
}

type Overrides = Partial<Omit<AppConfig, 'api'>> & { api?: Partial<AppConfig['api']> };

/** The real API and worker, in this process, against the stack from stack-setup.ts (`wrap`: see startWorker). */
export async function startSystem(overrides: Overrides = {}, wrap?: Parameters<typeof startWorker>[1], apiKey = process.env.TEST_API_KEY!) {
  const port = await freePort();
  const base = loadConfig();
  const { api: apiOverrides, ...rest } = overrides;
  const config: AppConfig = { ...base, ...rest, api: { ...base.api, ...apiOverrides, port, publicUrl: `http://127.0.0.1:${port}` } };
  const worker = await startWorker(config, wrap);
  const app: INestApplication = await createApiApp(config, ['error']);
  await app.listen(port, '127.0.0.1');
  const baseUrl = config.api.publicUrl;
  const db = new DataSource(dataSourceOptions(config.databaseUrl));
  await db.initialize();

  const api = (path: string, init: RequestInit & { json?: unknown; key?: string | null } = {}) => {
    const headers = new Headers(init.headers);
    if (init.key !== null) headers.set('authorization', `Bearer ${init.key ?? apiKey}`);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${baseUrl}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
  };

  return {
    config,
    baseUrl,
    api,
    db,
    worker,
    /** The API's Nest application, for a provider a test drives itself (the pending-starts sweep). */
    app,
    async close() {
      await app.close();
      await worker.close();
      await db.destroy();
    },
  };
}

/**
 * The real system on a database and a Temporal namespace of its own, for a suite that checks that nothing
 * changed anywhere while other suites write to the shared ones.
 */
export async function startIsolatedSystem(overrides: Overrides = {}) {
  const base = loadConfig();
  const database = await throwawayDatabase(process.env.TEST_ADMIN_DATABASE_URL!, 'ismsflow_isolated', base.databaseUrl);
  await migrateDatabase(database.adminUrl, database.url);
  const keys = new DataSource(dataSourceOptions(database.url));
  await keys.initialize();
  const { key } = await createApiKey(keys, 'isolated-suite', 'admin');
  await keys.destroy();
  // A namespace of its own too: process ids (NC-2026-0001, ...) repeat across databases.
  const namespace = `isolated-${process.pid}-${Date.now()}`;
  const connection = await Connection.connect({ address: base.temporal.address });
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  await registerSearchAttributes(connection, namespace);
  // A new namespace takes a moment to be known everywhere in the server.
  for (let i = 0; ; i++) {
    const ready = await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 }).then(() => true, () => false);
    if (ready) break;
    if (i > 100) throw new Error(`namespace ${namespace} never became ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await connection.close();
  const sys = await startSystem({ ...overrides, databaseUrl: database.url, temporal: { ...base.temporal, namespace } }, undefined, key);
  return {
    ...sys,
    /** The database's owner (the superuser under the embedded PostgreSQL), for what the application may not do. */
    adminUrl: database.adminUrl,
    /** Its admin API key. */
    key,
    async close() {
      await sys.close();
      await database.drop();
    },
  };
}

/** Reads the SMTP catcher (or real Mailpit) over its HTTP API. */
export const mailbox = {
  url: () => process.env.MAILPIT_URL!,
  async list(): Promise<MailSummary[]> {
    const res = await fetch(`${mailbox.url()}/api/v1/messages?limit=20000`);
    return ((await res.json()) as { messages: MailSummary[] }).messages;
  },
  async get(id: string): Promise<MailMessage> {
    return (await fetch(`${mailbox.url()}/api/v1/message/${id}`)).json() as Promise<MailMessage>;
  },
  /** Waits for mail to `to` whose subject matches, newest first. */
  async waitFor(to: string, subject: RegExp, timeoutMs = 20_000): Promise<MailMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = (await mailbox.list()).find((m) => m.To.some((t) => t.Address === to) && subject.test(m.Subject));
      if (found) return mailbox.get(found.ID);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`No mail to ${to} matching ${subject} within ${timeoutMs} ms`);
  },
  async to(address: string): Promise<MailSummary[]> {
    return (await mailbox.list()).filter((m) => m.To.some((t) => t.Address === address));
  },
};

export function linkIn(mail: MailMessage): string {
  const m = /(https?:\/\/\S+\/t\/[A-Za-z0-9._-]+)/.exec(mail.Text);
  if (!m) throw new Error(`No task link in mail:\n${mail.Text}`);
  return m[1];
}

/** A response body as JSON, typed loosely for assertions. */
export async function json(res: Response | Promise<Response>): Promise<any> {
  return (await res).json();
}

/**
 * `to` opens the task link in their newest mail matching `subject` and submits the task page with
 * `fields` (form names as the page has them, e.g. `data.rootCause`), as people do. Returns the page.
 */
export async function submitTaskFromMail(to: string, subject: RegExp, fields: Record<string, string>, timeoutMs = 30_000): Promise<{ status: number; html: string }> {
  const link = linkIn(await mailbox.waitFor(to, subject, timeoutMs));
  const res = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ outcome: 'done', ...fields }) });
  return { status: res.status, html: await res.text() };
}

/** Polls `probe` (in real time) until it gives a value, or fails naming `what` never happened. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}
