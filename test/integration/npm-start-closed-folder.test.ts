import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { findPortHolder } from '../../libs/devstack/src/ports';
import { removeEmbeddedPostgresData } from '../../libs/devstack/src/postgres';
import { ROOT_POSTGRES_HOME } from '../../libs/devstack/src/postgres-files';
import { freePort } from '../../libs/devstack/src/processes';

const ROOT = path.resolve(__dirname, '../..');
const asRoot = process.getuid?.() === 0;
const who = asRoot
  ? 'as root, PostgreSQL running as the postgres user'
  : `as uid ${process.getuid?.()}, PostgreSQL running as this user (the root case runs only when the tests run as root)`;

/**
 * The README's `npm start` in a clone in a folder of mode 700, as root's home is: the folder is
 * closed to every other user, the postgres user included. The clone holds the project's files as
 * git lists them (tracked and new, from the working tree, so what is tested is what is here);
 * instead of a fresh `npm ci` its node_modules are hard links to ours (`cp -al`: the same files,
 * reached only through the closed folder, so the PostgreSQL binaries in it are as unreachable as
 * after an install), and .tools links to ours (the Temporal CLI runs as the caller, who can reach it).
 */
describe(`npm start in a clone in a folder only its owner can enter (${who})`, () => {
  const closed = path.join(process.env.TEST_STACK_DIR!, 'closed');
  const clone = path.join(closed, 'ismsflow');
  let env: NodeJS.ProcessEnv;
  let npm: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    mkdirSync(closed, { recursive: true });
    chmodSync(closed, 0o700);
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files.filter((f) => existsSync(path.join(ROOT, f)))) cpSync(path.join(ROOT, file), path.join(clone, file), { recursive: true, force: true, errorOnExist: false });
    execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules')]);
    symlinkSync(path.join(ROOT, '.tools'), path.join(clone, '.tools'));

    const inherited = { ...process.env };
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'TEMPORAL_UI_URL', 'TASK_LINK_SECRET', 'WORKFLOW_BUNDLE', 'ISMSFLOW_DATA_DIR', 'DEBUG']) delete inherited[name];
    const ports = ['PORT', 'EMBEDDED_POSTGRES_PORT', 'TEMPORAL_DEV_PORT', 'TEMPORAL_DEV_UI_PORT', 'SMTP_CATCHER_PORT', 'MAILBOX_PORT'];
    // The npm and node a user would have: npm on PATH, running the node that runs these tests.
    env = { ...inherited, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };
    for (const name of ports) env[name] = String(await freePort());
  }, 120_000);

  afterAll(async () => {
    if (npm && npm.exitCode === null && npm.signalCode === null) await ctrlC(npm);
    removeEmbeddedPostgresData(path.join(clone, '.data', 'postgres'));
    rmSync(closed, { recursive: true, force: true });
  });

  /**
   * Ctrl-C in its terminal: SIGINT to its whole process group. npm then ends as a terminal shows it
   * (killed by SIGINT), while the launcher, which prints to the same terminal, stops everything.
   */
  async function ctrlC(child: ChildProcess): Promise<void> {
    const npmExited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid!, 'SIGINT');
    await npmExited;
    for (let i = 0; i < 300 && !output.includes('[ismsflow] stopped'); i++) await new Promise((r) => setTimeout(r, 100));
  }

  function npmStart(): ChildProcess {
    const child = spawn('npm', ['start'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    return child;
  }

  it('starts, answers /health, refuses a second start in the same folder, and stops on Ctrl-C', async () => {
    expect(statSync(closed).mode & 0o777).toBe(0o700);
    npm = npmStart();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output.slice(-3000)}`)), 180_000);
      npm!.stdout!.on('data', () => output.includes('Press Ctrl-C to stop.') && (clearTimeout(timer), resolve()));
      npm!.once('exit', (code) => (clearTimeout(timer), reject(new Error(`npm start exited with ${code}:\n${output.slice(-3000)}`))));
    });
    const health = await fetch(`http://127.0.0.1:${env.PORT}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect(output).not.toContain('EACCES');

    const postgres = findPortHolder(Number(env.EMBEDDED_POSTGRES_PORT));
    const link = path.join(clone, '.data', 'postgres', 'pgdata');
    if (asRoot) {
      expect(postgres?.user).toBe('postgres');
      // The data moved where the postgres user can reach it, and only it can open it ...
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      const pgdata = readlinkSync(link);
      expect(pgdata.startsWith(`${ROOT_POSTGRES_HOME}/data/`)).toBe(true);
      const data = statSync(pgdata);
      expect([data.uid, data.mode & 0o777]).toEqual([Number(execFileSync('id', ['-u', 'postgres'])), 0o700]);
      expect(output).toContain(`(kept in ${pgdata}, where the postgres user can reach it)`);
      // ... the binaries it runs are root's, closed to everyone but the postgres group ...
      const exe = postgres!.command!.split(' ')[0];
      expect(exe.startsWith(`${ROOT_POSTGRES_HOME}/postgresql-`)).toBe(true);
      expect([statSync(exe).uid, statSync(exe).mode & 0o007]).toEqual([0, 0]);
      expect(statSync(ROOT_POSTGRES_HOME).mode & 0o007).toBe(0);
    } else {
      expect(postgres?.pid).toBeDefined();
      expect(lstatSync(link).isDirectory()).toBe(true);
    }
    // ... and nothing in the project was opened up.
    expect(statSync(closed).mode & 0o777).toBe(0o700);

    const second = await new Promise<{ code: number | null; text: string }>((resolve) => {
      let text = '';
      const p = spawn('npm', ['start'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout.on('data', (c: Buffer) => (text += c.toString()));
      p.stderr.on('data', (c: Buffer) => (text += c.toString()));
      p.once('exit', (code) => resolve({ code, text }));
    });
    expect(second.code).not.toBe(0);
    expect(second.text).toMatch(new RegExp(`could not start ismsflow: it is already running in ${clone.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(pid \\d+, since [^)]+\\), API at http://localhost:${env.PORT}`));
    expect(second.text).toContain('stop it first (Ctrl-C in its terminal');
    expect(second.text).not.toMatch(/^\s+at /m);
    expect((await fetch(`http://127.0.0.1:${env.PORT}/health`)).status).toBe(200); // the first one carries on

    await ctrlC(npm);
    expect(output).toContain('[ismsflow] stopped');
    expect(findPortHolder(Number(env.EMBEDDED_POSTGRES_PORT))).toBeUndefined();
    expect(findPortHolder(Number(env.PORT))).toBeUndefined();
  }, 300_000);
});
