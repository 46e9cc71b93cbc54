import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../libs/devstack/src/processes';
import { json } from '../support/system';

const ROOT = path.resolve(__dirname, '../..');

/** `npm start` as a new user runs it: everything embedded, then Ctrl-C, then again. */
describe('npm start', () => {
  let env: NodeJS.ProcessEnv;
  let launcher: ChildProcess | undefined;
  let output = '';
  let dataDir: string;

  beforeAll(async () => {
    const [api, postgres, temporal, temporalUi, smtp, mailbox] = await Promise.all(Array.from({ length: 6 }, freePort));
    dataDir = path.join(process.env.TEST_STACK_DIR!, 'npm-start');
    // Nothing from the test stack: this launcher must start its own PostgreSQL, Temporal and SMTP.
    const inherited = { ...process.env };
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'TEMPORAL_UI_URL', 'TASK_LINK_SECRET', 'WORKFLOW_BUNDLE']) delete inherited[name];
    env = {
      ...inherited,
      ISMSFLOW_DATA_DIR: dataDir,
      PORT: String(api),
      EMBEDDED_POSTGRES_PORT: String(postgres),
      TEMPORAL_DEV_PORT: String(temporal),
      TEMPORAL_DEV_UI_PORT: String(temporalUi),
      SMTP_CATCHER_PORT: String(smtp),
      MAILBOX_PORT: String(mailbox),
    };
  });

  afterAll(async () => {
    if (launcher && launcher.exitCode === null) await stop();
  });

  async function start(): Promise<void> {
    output = '';
    launcher = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    launcher.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    launcher.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output.slice(-3000)}`)), 120_000);
      launcher!.stdout!.on('data', () => output.includes('Press Ctrl-C to stop.') && (clearTimeout(timer), resolve()));
      launcher!.once('exit', (code) => (clearTimeout(timer), reject(new Error(`npm start exited with ${code}:\n${output.slice(-3000)}`))));
    });
  }

  async function stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => launcher!.once('exit', (code) => resolve(code)));
    launcher!.kill('SIGINT');
    return exited;
  }

  const url = (port: string | undefined, p: string) => `http://127.0.0.1:${port}${p}`;
  const listening = (port: string | undefined) =>
    new Promise<boolean>((resolve) => {
      const s = net.connect(Number(port), '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });

  it('runs the whole system, prints a key once, connects as a role that may not change the evidence log, stops on Ctrl-C and keeps everything across a restart', async () => {
    await start();
    const keyFile = path.join(dataDir, 'dev-api-key');
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(output).toContain(`Admin API key   ${key}`);
    expect(output).toMatch(/\[temporal\] /);
    expect(output).toMatch(/\[worker\] /);
    expect(output).toContain(`Temporal UI     http://localhost:${env.TEMPORAL_DEV_UI_PORT}`);
    expect(existsSync(path.join(dataDir, 'temporal', 'temporal.sqlite'))).toBe(true);

    const health = await fetch(url(env.PORT, '/health'));
    expect(await json(health)).toMatchObject({ status: 'ok' });
    expect((await fetch(url(env.TEMPORAL_DEV_UI_PORT, '/'))).status).toBe(200);
    expect((await fetch(url(env.MAILBOX_PORT, '/'))).status).toBe(200);

    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const created = await fetch(url(env.PORT, '/tasks'), {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'Restart-proof task', instructions: 'Survive a restart.', assignee: 'restart@example.com', dueAt: new Date(Date.now() + 86_400_000).toISOString() }),
    });
    expect(created.status).toBe(201);
    const task = await json(created);
    const deadline = Date.now() + 30_000;
    let mails: any[] = [];
    while (Date.now() < deadline && mails.length === 0) {
      mails = (await json(fetch(url(env.MAILBOX_PORT, '/api/v1/messages')))).messages;
      if (!mails.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(mails.map((m) => m.Subject)).toEqual(['[ismsflow] Task: Restart-proof task']);

    // `npm run apikey` finds the embedded database on its own.
    const apikey = await new Promise<string>((resolve, reject) => {
      let out = '';
      const p = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/apikey.ts', 'create', 'jira', '--role', 'integration'], { cwd: ROOT, env });
      p.stdout.on('data', (c: Buffer) => (out += c.toString()));
      p.stderr.on('data', (c: Buffer) => (out += c.toString()));
      p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
    });
    const jiraKey = /ifk_\S+/.exec(apikey)![0];
    expect((await fetch(url(env.PORT, '/tasks'), { headers: { authorization: `Bearer ${jiraKey}` } })).status).toBe(200);

    // The API and the worker connect as the application's role, which may not change the evidence log.
    const pg = (user: string, file: string) => new Client({ connectionString: `postgres://${user}:${encodeURIComponent(readFileSync(path.join(dataDir, 'postgres', file), 'utf8').trim())}@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/ismsflow` });
    const admin = pg('postgres', 'password');
    await admin.connect();
    try {
      const { rows } = await admin.query(`SELECT DISTINCT usename, (SELECT rolsuper FROM pg_roles WHERE rolname = usename) AS superuser FROM pg_stat_activity WHERE datname = 'ismsflow' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`);
      expect(rows).toEqual([{ usename: 'ismsflow_app', superuser: false }]);
    } finally {
      await admin.end();
    }
    const app = pg('ismsflow_app', 'app-password');
    await app.connect();
    try {
      for (const sql of ['UPDATE evidence_log SET actor = actor', 'DELETE FROM evidence_log', 'TRUNCATE evidence_log']) await expect(app.query(sql)).rejects.toThrow('permission denied for table evidence_log');
    } finally {
      await app.end();
    }

    expect(await stop()).toBe(0);
    expect(output).toContain('[ismsflow] stopped');
    for (const port of [env.PORT, env.TEMPORAL_DEV_PORT, env.EMBEDDED_POSTGRES_PORT, env.SMTP_CATCHER_PORT]) expect(await listening(port)).toBe(false);

    // Again: no new key, the record and the running workflow are both still there.
    await start();
    expect(output).not.toContain('ifk_');
    expect(output).toContain('Admin API key   in');
    const after = await json(fetch(url(env.PORT, `/tasks/${task.id}`), { headers: auth }));
    expect(after).toMatchObject({ status: 'open', assignee: 'restart@example.com' });
    const reassigned = await fetch(url(env.PORT, `/tasks/${task.id}/reassign`), { method: 'POST', headers: auth, body: JSON.stringify({ to: 'successor@example.com' }) });
    expect(reassigned.status).toBe(200);
    expect(await stop()).toBe(0);
  });
});
