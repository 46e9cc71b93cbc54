import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../libs/config/src';
import { OutboundMail } from '../../libs/db/src';
import { freePort } from '../../libs/devstack/src/processes';
import { startSmtpCatcher, type SmtpCatcher } from '../../libs/devstack/src/smtp-catcher';
import { json, startSystem } from '../support/system';

/** A mail relay that refuses every message with a temporary failure, as one does when it is overloaded. */
async function refusingSmtp(port: number): Promise<{ refused: () => number; close: () => Promise<void> }> {
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      refused++;
      callback(Object.assign(new Error('Mailbox temporarily unavailable, try again later'), { responseCode: 451 }));
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { refused: () => refused, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('faults: the mail relay refusing mail', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let catcher: SmtpCatcher | undefined;
  const pid = process.pid;
  let smtpPort: number;
  let relay: Awaited<ReturnType<typeof refusingSmtp>>;

  beforeAll(async () => {
    smtpPort = await freePort();
    relay = await refusingSmtp(smtpPort);
    const base = loadConfig();
    // Its own task queue and relay: the other suites' mail keeps flowing through theirs.
    sys = await startSystem({ smtp: { ...base.smtp, url: `smtp://127.0.0.1:${smtpPort}` }, temporal: { ...base.temporal, taskQueue: `faults-${pid}` } });
  });
  afterAll(async () => {
    await sys?.close();
    await relay?.close().catch(() => undefined);
    await catcher?.stop();
  });

  it('keeps the task visible while the mail is refused, retries, and sends it exactly once when the relay is back', async () => {
    const assignee = `patient-${pid}@acme.example`;
    const created = await sys.api('/tasks', { method: 'POST', json: { title: `Renew the TLS certificate ${pid}`, instructions: 'Before it expires.', assignee, dueAt: new Date(Date.now() + 86_400_000).toISOString() } });
    expect(created.status).toBe(201);
    const task = await json(created);

    for (let i = 0; i < 100 && relay.refused() < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(relay.refused()).toBeGreaterThanOrEqual(2); // tried, refused, tried again
    expect(await json(sys.api(`/tasks/${task.id}`))).toMatchObject({ id: task.id, status: 'open', assignee });
    expect((await sys.db.getRepository(OutboundMail).findOneByOrFail({ taskId: task.id })).status).toBe('sending');

    // The relay comes back (a working one on the same port).
    await relay.close();
    catcher = await startSmtpCatcher({ smtpPort, httpPort: await freePort() });
    let mails: Array<{ To: Array<{ Address: string }>; Subject: string }> = [];
    for (let i = 0; i < 600 && mails.length === 0; i++) {
      mails = ((await json(fetch(`${catcher.url}/api/v1/messages`))).messages as typeof mails).filter((m) => m.To.some((t) => t.Address === assignee));
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2000)); // time for a duplicate, were there one
    mails = ((await json(fetch(`${catcher.url}/api/v1/messages`))).messages as typeof mails).filter((m) => m.To.some((t) => t.Address === assignee));
    expect(mails.map((m) => m.Subject)).toEqual([`[ismsflow] Task: Renew the TLS certificate ${pid}`]);
    expect((await sys.db.getRepository(OutboundMail).findOneByOrFail({ taskId: task.id })).status).toBe('sent');
  });
});
