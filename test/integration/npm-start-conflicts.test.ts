import { spawn, spawnSync } from 'node:child_process';
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
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return server;
  }

  it.each(PORTS)('$variable taken: names $part, what holds the port and the variable, starts nothing', async ({ variable, part }) => {
    const port = Number(env[variable]);
    const server = await occupy(port);
    try {
      const { code, output, dir } = await start();
      expect(code).toBe(1);
      expect(output).toContain(`could not start ${part}: port ${port} is already in use by pid ${process.pid}`);
      expect(output).toContain(`set ${variable} to a free port`);
      expect(output).not.toMatch(/^\s+at /m); // no stack trace unless asked for
      // Nothing was started: no database, no Temporal state, and the folder is free again.
      expect(readdirSync(dir).sort()).toEqual([]);
    } finally {
      server.close();
    }
  }, 60_000);

  it('reports every taken port at once, with the stack trace only under DEBUG=ismsflow', async () => {
    const servers = await Promise.all([occupy(Number(env.SMTP_CATCHER_PORT)), occupy(Number(env.MAILBOX_PORT))]);
    try {
      const { code, output } = await start({ DEBUG: 'ismsflow' });
      expect(code).toBe(1);
      expect(output).toContain('could not start the SMTP catcher');
      expect(output).toContain('could not start the mailbox page');
      expect(output).toMatch(/^\s+at .*checkPortFree/m);
    } finally {
      servers.forEach((s) => s.close());
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
