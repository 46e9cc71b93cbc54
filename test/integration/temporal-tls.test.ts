import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../../libs/config/src';
import { temporalConnectionOptions } from '../../libs/temporal/src/connection';
import { json, mailbox, startSystem } from '../support/system';

/**
 * A private CA, a server certificate for localhost and a client certificate, made with openssl as
 * an operator would.
 */
function certificates(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=ismsflow test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  const issue = (name: string, subject: string, ext: string) => {
    writeFileSync(path.join(dir, `${name}.ext`), ext);
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  };
  issue('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue('client', '/CN=ismsflow-worker', 'extendedKeyUsage=clientAuth\n');
  return (name: string) => path.join(dir, name);
}

/**
 * The Temporal frontend behind TLS that demands a client certificate from our CA, as a self-hosted
 * cluster with mTLS does: TLS ends here and the gRPC stream goes on to the dev server.
 */
describe('Temporal over mTLS', () => {
  const pid = process.pid;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-tls-'));
  let file: (name: string) => string;
  let frontend: tls.Server;
  let address: string;
  let sys: Awaited<ReturnType<typeof startSystem>> | undefined;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    file = certificates(dir);
    const [host, port] = process.env.TEMPORAL_ADDRESS!.split(':');
    frontend = tls.createServer(
      { key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')), ca: readFileSync(file('ca.pem')), requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'] },
      (client) => {
        const server = net.connect(Number(port), host);
        for (const s of [client, server]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(server).pipe(client);
        client.on('error', () => server.destroy());
        server.on('error', () => client.destroy());
      },
    );
    frontend.on('tlsClientError', () => undefined); // a client without our certificate: refused, and that is all
    await new Promise<void>((resolve) => frontend.listen(0, '127.0.0.1', resolve));
    address = `localhost:${(frontend.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    await sys?.close();
    // gRPC clients keep idle connections open: end them, or the server never closes.
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => frontend?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('the API and the worker connect with the CA, certificate and key from files, and run a task', async () => {
    const config = loadConfig({
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: `tls-${pid}`,
      TEMPORAL_TLS_CA_FILE: file('ca.pem'),
      TEMPORAL_TLS_CERT_FILE: file('client.pem'),
      TEMPORAL_TLS_KEY_FILE: file('client.key'),
    });
    sys = await startSystem({ temporal: config.temporal });
    const assignee = `tls-${pid}@acme.example`;
    const created = await sys.api('/tasks', { method: 'POST', json: { title: `Rotate the CA (${pid})`, instructions: 'Before it expires.', assignee, dueAt: new Date(Date.now() + 86_400_000).toISOString() } });
    expect(created.status).toBe(201);
    await mailbox.waitFor(assignee, /Rotate the CA/, 30_000);
    const done = await sys.api(`/tasks/${(await json(created)).id}/complete`, { method: 'POST', json: { outcome: 'done' } });
    expect(await json(done)).toMatchObject({ status: 'completed' });
  });

  it('is refused without a client certificate, and without our CA', async () => {
    const attempt = async (env: Record<string, string>) => {
      const { temporal } = loadConfig({ ...process.env, TEMPORAL_ADDRESS: address, ...env });
      const connection = await Connection.connect({ ...temporalConnectionOptions(temporal), connectTimeout: 3000 });
      try {
        await connection.workflowService.getSystemInfo({});
      } finally {
        await connection.close();
      }
    };
    await expect(attempt({ TEMPORAL_TLS_CA_FILE: file('ca.pem') })).rejects.toThrow();
    await expect(attempt({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_CERT_FILE: file('client.pem'), TEMPORAL_TLS_KEY_FILE: file('client.key') })).rejects.toThrow();
  });
});
