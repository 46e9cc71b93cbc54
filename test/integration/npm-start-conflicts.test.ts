import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../libs/devstack/src/processes';

const ROOT = path.resolve(__dirname, '../..');

/** Each port `npm start` listens on, the part that wants it and the variable that moves it (README, Configuration). */
const PORTS = [
  { variable: 'PORT', part: 'the API' },
  { variable: 'EMBEDDED_POSTGRES_PORT', part: 'the embedded PostgreSQL' },
  { variable: 'TEMPORAL_DEV_PORT', part: 'the Temporal dev server' },
  { variable: 'TEMPORAL_DEV_UI_PORT', part: 'the Temporal UI' },
  { variable: 'SMTP_CATCHER_PORT', part: 'the SMTP catcher' },
  { variable: 'MAILBOX_PORT', part: 'the mailbox page' },
];

/** `npm start` beside other software: a port someone else holds stops it before anything starts, and says so. */
describe('npm start with a port taken', () => {
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let run = 0;

  beforeAll(async () => {
    const inherited = { ...process.env };
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'TEMPORAL_UI_URL', 'DEBUG', 'HOST']) delete inherited[name];
    env = { ...inherited };
    for (const { variable } of PORTS) env[variable] = String(await freePort());
  });

  /** Runs the launcher on a fresh data folder until it exits; its output and exit code. */
  function start(extra: NodeJS.ProcessEnv = {}, prepare?: (dir: string) => void): Promise<{ code: number | null; output: string; dir: string }> {
    dataDir = path.join(process.env.TEST_STACK_DIR!, `conflicts-${++run}`);
    mkdirSync(dataDir, { recursive: true });
    prepare?.(dataDir);
    return new Promise((resolve) => {
      let output = '';
      const launcher = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/start.ts'], { cwd: ROOT, env: { ...env, ISMSFLOW_DATA_DIR: dataDir, ...extra } });
      launcher.stdout.on('data', (c: Buffer) => (output += c.toString()));
      launcher.stderr.on('data', (c: Buffer) => (output += c.toString()));
      launcher.once('exit', (code) => resolve({ code, output, dir: dataDir }));
    });
  }

  /** A listener of this test process on the port, as other software would hold it. */
  async function occupy(port: number): Promise<net.Server> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    return server;
  }

  /** Stops a holder and waits until it is gone, so its port is free for the next test. */
  async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = once(child, 'exit');
    child.kill();
    await gone;
  }

  it.each(PORTS)('$variable taken: names $part, what holds the port and the variable, starts nothing', async ({ variable, part }) => {
    const port = Number(env[variable]);
    const server = await occupy(port);
    try {
      const { code, output, dir } = await start();
      expect(code).toBe(1);
      expect(output).toContain(`could not start ${part}: port ${port} is already in use by pid ${process.pid}`);
      expect(output).toContain(`set ${variable} to a free port`);
      // Another program started from this clone (here: jest) is not called a remnant of this folder's npm start.
      expect(output).not.toContain('left over');
      expect(output).not.toMatch(/^\s+at /m); // no stack trace unless asked for
      // Nothing was started: no database, no Temporal state, and the folder is free again.
      expect(readdirSync(dir).sort()).toEqual([]);
    } finally {
      server.close();
    }
  }, 60_000);

  /** A program of its own listening on `port`, started with `args` and `extraEnv`: what a part left running looks like. */
  async function listener(port: number, args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    const code = `require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('up'))`;
    const child = spawn(process.execPath, ['-e', code, '--', ...args], { env: { ...process.env, ...extraEnv } });
    await new Promise((resolve, reject) => {
      child.stdout.once('data', resolve);
      child.once('exit', (code) => reject(new Error(`the listener exited with ${code}`)));
    });
    return child;
  }

  it.each([
    ['its environment names this data folder (a worker or API that outlived its launcher)', (dir: string) => [[], { ISMSFLOW_DATA_DIR: dir }] as const],
    ['its command line names a file in this data folder (a Temporal dev server or PostgreSQL on it)', (dir: string) => [['--db-filename', path.join(dir, 'temporal', 'temporal.sqlite')], {}] as const],
  ])('a port held by a remnant of an earlier start on the same folder: %s, says so and how to stop it', async (_, holderArgs) => {
    const nextDir = path.join(process.env.TEST_STACK_DIR!, `conflicts-${run + 1}`);
    const [args, extraEnv] = holderArgs(nextDir);
    const child = await listener(Number(env.SMTP_CATCHER_PORT), [...args], extraEnv);
    try {
      const { code, output } = await start();
      expect(code).toBe(1);
      expect(output).toContain(`port ${env.SMTP_CATCHER_PORT} is already in use by pid ${child.pid}`);
      expect(output).toContain(`left over from an earlier \`npm start\` here that did not stop cleanly: stop it with \`kill ${child.pid}\``);
    } finally {
      await stop(child);
    }
  }, 60_000);

  it('a port held by a program naming another data folder is not called a remnant of this one', async () => {
    const other = path.join(process.env.TEST_STACK_DIR!, 'another-instance');
    const child = await listener(Number(env.MAILBOX_PORT), ['--db-filename', path.join(other, 'temporal.sqlite')], { ISMSFLOW_DATA_DIR: other });
    try {
      const { code, output } = await start();
      expect(code).toBe(1);
      expect(output).toContain(`port ${env.MAILBOX_PORT} is already in use by pid ${child.pid}`);
      expect(output).not.toContain('left over');
      expect(output).toContain('set MAILBOX_PORT to a free port');
    } finally {
      await stop(child);
    }
  }, 60_000);

  it('reports every taken port at once, with the stack trace only under DEBUG=ismsflow', async () => {
    const servers = [await occupy(Number(env.SMTP_CATCHER_PORT))];
    try {
      servers.push(await occupy(Number(env.MAILBOX_PORT)));
      const { code, output } = await start({ DEBUG: 'ismsflow' });
      expect(code).toBe(1);
      expect(output).toContain('could not start the SMTP catcher');
      expect(output).toContain('could not start the mailbox page');
      expect(output).toMatch(/^\s+at .*checkPortFree/m);
    } finally {
      servers.forEach((s) => s.close());
    }
  }, 60_000);

  it('a data folder that is not a folder name is named, with its variable, and no stack trace', async () => {
    const { code, output } = await start({ ISMSFLOW_DATA_DIR: 'two\nlines' });
    expect(code).toBe(1);
    expect(output).toMatch(/could not start .*ISMSFLOW_DATA_DIR/);
    expect(output).toContain('what to do: fix ISMSFLOW_DATA_DIR');
    expect(output).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('METRICS_PORT serves the API\'s metrics there and the worker\'s on the next port, both checked before anything starts', async () => {
    // A free port whose next one this test can hold (another program may hold it already: try another).
    let metrics = 0;
    let server: net.Server | undefined;
    while (!server) {
      metrics = await freePort();
      server = await occupy(metrics + 1).catch(() => undefined);
    }
    try {
      const { code, output, dir } = await start({ METRICS_PORT: String(metrics) });
      expect(code).toBe(1);
      expect(output).toContain(`could not start the worker's metrics endpoint: port ${metrics + 1} is already in use by pid ${process.pid}`);
      expect(output).toContain('set METRICS_PORT to a free port');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      server.close();
    }
  }, 60_000);

  it('a port set to something that is not a port is named, with its variable', async () => {
    const { code, output } = await start({ TEMPORAL_DEV_UI_PORT: 'eighty' });
    expect(code).toBe(1);
    expect(output).toContain('could not start the Temporal UI: TEMPORAL_DEV_UI_PORT=eighty is not a port number');
  }, 60_000);

  it.each([
    ['its process is gone', () => ({ pid: spawnSync(process.execPath, ['-e', '0']).pid })],
    // This test's own process, alive, but started at another time than the lock says: a reused pid.
    ['its pid now belongs to another program', () => ({ pid: process.pid, startTime: '1' })],
  ])('a lock left by an `npm start` that died is stale (%s): this one goes on (to the taken port) and releases it', async (_, holder) => {
    const server = await occupy(Number(env.PORT));
    try {
      const { code, output, dir } = await start({}, (d) =>
        writeFileSync(path.join(d, 'npm-start.lock'), JSON.stringify({ ...holder(), startedAt: new Date(0).toISOString(), folder: '/elsewhere', api: 'http://localhost:1' })),
      );
      expect(code).toBe(1);
      expect(output).not.toContain('already running');
      expect(output).toContain('could not start the API: port');
      expect(existsSync(path.join(dir, 'npm-start.lock'))).toBe(false);
    } finally {
      server.close();
    }
  }, 60_000);
});
