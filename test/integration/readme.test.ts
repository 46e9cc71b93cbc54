import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ICAL from 'ical.js';
import { connectClient } from '../../libs/temporal/src/client';
import { createApiKey } from '../../libs/security/src';
import { mailbox, startIsolatedSystem, until, type MailMessage } from '../support/system';

const ROOT = path.resolve(__dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const run = promisify(execFile);

interface Answer {
  status: number;
  headers: Record<string, string[]>;
  body: string;
  json: any;
}
interface Call {
  method: string;
  path: string;
  body: any;
}

/** The README's `sh` blocks that call the API, each with the calls it makes, in order. */
function curlExamples(): Array<{ script: string; calls: Call[] }> {
  return [...README.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .filter((script) => /^\s*curl /m.test(script))
    .map((script) => ({
      script,
      calls: script
        .split(/^(?=\s*curl )/m)
        .filter((c) => /^\s*curl /.test(c))
        .map((c) => {
          const [, method, target] = /curl\s+-X\s+(\w+)\s+(\S+)/.exec(c) ?? [];
          const data = /\s-d\s+'([^']*)'/.exec(c)?.[1];
          return { method, path: new URL(target.startsWith('http') ? target : `http://${target}`).pathname, body: data ? JSON.parse(data) : undefined };
        }),
    }));
}

/**
 * Runs `script` with bash and the real curl in a folder laid out as after `npm start` (the key in
 * `.data/dev-api-key`), so the README's commands run unchanged: a curl config there sends
 * `localhost:3000` to the API under test and writes after each answer its status and headers.
 */
async function sh(home: string, script: string, env: Record<string, string> = {}): Promise<Answer[]> {
  const { stdout } = await run('bash', ['-e', '-c', script], { cwd: home, env: { PATH: process.env.PATH!, HOME: home, CURL_HOME: home, ...env }, maxBuffer: 20e6 });
  const parts = stdout.split(/\n<<<answer ([\s\S]*?)>>>answer\n/);
  const answers: Answer[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const { status, headers } = JSON.parse(parts[i]) as { status: number; headers: Record<string, string[]> };
    const body = parts[i - 1];
    answers.push({ status, headers, body, json: /json/.test(headers['content-type']?.[0] ?? '') ? JSON.parse(body) : undefined });
  }
  return answers;
}

describe('the README, run as a new user runs it against the real stack', () => {
  let sys: Awaited<ReturnType<typeof startIsolatedSystem>>;
  let home: string;
  /** What the README's examples made, by route. */
  const made: Record<string, any> = {};
  const curl = (script: string, env?: Record<string, string>) => sh(home, script, env);

  beforeAll(async () => {
    sys = await startIsolatedSystem();
    home = mkdtempSync(path.join(os.tmpdir(), 'ismsflow-readme-'));
    mkdirSync(path.join(home, '.data'));
    writeFileSync(path.join(home, '.data', 'dev-api-key'), `${sys.key}\n`, { mode: 0o600 });
    const curlrc = [
      'silent',
      'show-error',
      `connect-to = "localhost:3000:127.0.0.1:${new URL(sys.baseUrl).port}"`,
      'write-out = "\\n<<<answer {\\"status\\":%{http_code},\\"headers\\":%{header_json}}>>>answer\\n"',
    ];
    writeFileSync(path.join(home, '.curlrc'), `${curlrc.join('\n')}\n`);
    chmodSync(home, 0o700);
  });
  afterAll(async () => {
    await sys?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** What the README promises for each route its examples call: the first time, and the same request again. */
  const PROMISES: Record<string, { first: (a: Answer, c: Call) => void; again: (a: Answer, first: Answer) => void }> = {
    // "201 with the task; the same Idempotency-Key again answers 200 with the same task"
    'POST /tasks': {
      first: (a, c) => {
        expect(a.status).toBe(201);
        const { dueAt, ...fields } = c.body;
        expect(a.json).toMatchObject({ ...fields, id: expect.any(String), status: 'open' });
        expect(Date.parse(a.json.dueAt)).toBe(Date.parse(dueAt));
      },
      again: (a, first) => expect([a.status, a.json.id]).toEqual([200, first.json.id]),
    },
    'POST /organisations': {
      first: (a, c) => expect([a.status, a.json]).toEqual([201, expect.objectContaining({ id: c.body.id, name: c.body.name })]),
      again: (a, first) => expect([a.status, a.json.id]).toEqual([200, first.json.id]),
    },
    // "One certificationCycle workflow runs each cycle (cert-cycle:acme:2026-03-16 ...) The same request again answers with the same cycle (200)"
    'POST /certification-cycles': {
      first: (a, c) => {
        expect(a.status).toBe(201);
        const workflow = encodeURIComponent(`cert-cycle:${c.body.organisationId}:${c.body.decisionDate}`);
        expect(a.json).toMatchObject({ organisationId: c.body.organisationId, decisionDate: c.body.decisionDate, links: { calendar: expect.stringContaining('calendar.ics?token='), temporalUi: expect.stringContaining(workflow) } });
      },
      again: (a, first) => expect([a.status, a.json.id]).toEqual([200, first.json.id]),
    },
    // "answers {"received":1,"created":1,...}; the same file again, "unchanged":1"
    'POST /people/import': {
      first: (a) => expect([a.status, a.json]).toEqual([200, expect.objectContaining({ received: 1, created: 1, rejected: 0, errors: [] })]),
      again: (a) => expect([a.status, a.json]).toEqual([200, expect.objectContaining({ received: 1, created: 0, unchanged: 1 })]),
    },
  };

  it('has curl examples, each calling a route whose promise is checked here', () => {
    const routes = curlExamples().flatMap((e) => e.calls.map((c) => `${c.method} ${c.path}`));
    expect(routes.length).toBeGreaterThanOrEqual(3);
    for (const r of routes) expect([r, r in PROMISES]).toEqual([r, true]);
  });

  it('every curl example answers as the README says, and the same again answers with the same thing', async () => {
    for (const { script, calls } of curlExamples()) {
      const first = await curl(script);
      expect(first.map((a) => a.status)).toHaveLength(calls.length);
      calls.forEach((c, i) => PROMISES[`${c.method} ${c.path}`].first(first[i], c));
      const again = await curl(script);
      calls.forEach((c, i) => PROMISES[`${c.method} ${c.path}`].again(again[i], first[i]));
      calls.forEach((c, i) => (made[`${c.method} ${c.path}`] = { call: c, answer: first[i].json }));
    }
  });

  it("the quick start's task: Alice's mail, its link, the form, then GET /tasks/{id} with the completion and the dated history, and the workflow task:<id>", async () => {
    const { call, answer: task } = made['POST /tasks'];
    const mail = await until('the task mailed to its assignee', async () => {
      const found = (await mailbox.to(call.body.assignee)).find((m) => m.Subject.includes(call.body.title));
      const full: MailMessage | undefined = found && (await mailbox.get(found.ID));
      return full?.Text.includes(`/t/${task.id}.`) ? full : undefined;
    }, 30_000);
    const link = /(https?:\/\/\S+\/t\/[A-Za-z0-9._-]+)/.exec(mail.Text)![1];
    expect((await fetch(link)).status).toBe(200);
    const submitted = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ outcome: 'done', notes: 'Approved' }) });
    expect(submitted.status).toBe(200);

    const [got] = await curl(`curl localhost:3000/tasks/${task.id} -H "Authorization: Bearer $(cat .data/dev-api-key)"`);
    expect(got.json).toMatchObject({ id: task.id, status: 'completed', outcome: 'done', completedBy: call.body.assignee });
    const types = got.json.history.map((h: { type: string }) => h.type);
    expect([types[0], types.includes('mailed'), types.at(-1)]).toEqual(['created', true, 'completed']);
    expect(got.json.history.every((h: { at: string }) => !Number.isNaN(Date.parse(h.at)))).toBe(true);

    const temporal = await connectClient(sys.config);
    try {
      const run = await until('the workflow completed', async () => {
        const d = await temporal.workflow.getHandle(`task:${task.id}`).describe();
        return d.status.name === 'COMPLETED' ? d : undefined;
      });
      expect(run.type).toBe('humanTask');
    } finally {
      await temporal.connection.close();
    }
  });

  it("the cycle: GET /certification-cycles/{id} with its audits, activities, next audit and links; its calendar feed; other settings for the same cycle a 409", async () => {
    const { call, answer: cycle } = made['POST /certification-cycles'];
    const key = 'KEY="Authorization: Bearer $(cat .data/dev-api-key)"';
    const got = await until('the cycle planned', async () => {
      const [a] = await curl(`${key}\ncurl "localhost:3000/certification-cycles/${cycle.id}" -H "$KEY"`);
      return a.status === 200 ? a.json : undefined;
    });
    expect(got).toMatchObject({ id: cycle.id, nextAudit: { kind: 'surveillance1' }, links: cycle.links });
    expect(got.audits.map((a: { kind: string }) => a.kind)).toEqual(['surveillance1', 'surveillance2', 'recertification']);
    expect(got.activities.length).toBeGreaterThan(0);

    const [feed] = await curl(`curl "${got.links.calendar}"`);
    expect([feed.status, feed.headers['content-type'][0]]).toEqual([200, expect.stringContaining('text/calendar')]);
    expect(new ICAL.Component(ICAL.parse(feed.body)).getAllSubcomponents('vevent')).toHaveLength(got.audits.length + got.activities.length);

    const other = JSON.stringify({ ...call.body, cadences: { internalAuditsPerYear: 1 } });
    const temporal = await connectClient(sys.config);
    try {
      expect((await temporal.workflow.getHandle(`cert-cycle:${call.body.organisationId}:${call.body.decisionDate}`).describe()).type).toBe('certificationCycle');
    } finally {
      await temporal.connection.close();
    }

    const [conflict] = await curl(`${key}\ncurl -X POST localhost:3000/certification-cycles -H "$KEY" -H 'content-type: application/json' -d '${other}'`);
    expect([conflict.status, conflict.headers['content-type'][0]]).toEqual([409, expect.stringContaining('application/problem+json')]);
  });

  it('POST /tasks/{id}/reassign takes `to` and an optional `reason`: the new assignee gets a new link, the old one stops working', async () => {
    const auth = '-H "Authorization: Bearer $(cat .data/dev-api-key)" -H \'content-type: application/json\'';
    const [created] = await curl(`curl -X POST localhost:3000/tasks ${auth} -d '{"title":"Renew the TLS certificate ${process.pid}","instructions":"Renew it","assignee":"carol@example.com","dueAt":"2030-01-31T17:00:00Z"}'`);
    expect(created.status).toBe(201);
    const linkTo = async (to: string) => {
      const mail = await until(`mail to ${to}`, async () => {
        for (const m of await mailbox.to(to)) {
          const full = await mailbox.get(m.ID);
          if (full.Text.includes(`/t/${created.json.id}.`)) return full;
        }
        return undefined;
      }, 30_000);
      return /(https?:\/\/\S+\/t\/[A-Za-z0-9._-]+)/.exec(mail.Text)![1];
    };
    const old = await linkTo('carol@example.com');
    const [moved] = await curl(`curl -X POST localhost:3000/tasks/${created.json.id}/reassign ${auth} -d '{"to":"dan@example.com","reason":"Carol is on leave"}'`);
    expect([moved.status, moved.json.assignee]).toEqual([200, 'dan@example.com']);
    expect((await fetch(await linkTo('dan@example.com'))).status).toBe(200);
    expect((await fetch(old)).status).toBe(410);
  });

  it('ticket events answer {accepted, ignored}: an eventId seen before, in the list or earlier, is ignored', async () => {
    const auth = '-H "Authorization: Bearer $(cat .data/dev-api-key)" -H \'content-type: application/json\'';
    const incident = { system: 'zendesk', ticketId: 'README-1', title: 'Phishing mail clicked', description: 'A user entered credentials.', detectedAt: '2026-11-24T08:00:00Z', reportedBy: 'soc@example.com', handler: 'handler@example.com', dpo: 'dpo@example.com', ciso: 'ciso@example.com' };
    const [reported] = await curl(`curl -X POST localhost:3000/incidents ${auth} -d '${JSON.stringify(incident)}'`);
    expect(reported.status).toBe(201);
    const events = JSON.stringify([{ eventId: 'c1', type: 'comment', comment: 'Password reset' }, { eventId: 'c2', type: 'contained' }, { eventId: 'c1', type: 'comment', comment: 'Password reset' }]);
    const post = `curl -X POST localhost:3000/incidents/zendesk:README-1/events ${auth} -d '${events}'`;
    expect((await curl(post))[0].json).toEqual({ accepted: 2, ignored: 1 });
    // Once on the incident's timeline, the same events again are all ignored.
    await until('the events on the timeline', async () => {
      const [a] = await curl(`curl localhost:3000/incidents/zendesk:README-1 ${auth}`);
      return a.json.timeline.filter((e: { kind: string }) => e.kind === 'ticket:comment' || e.kind === 'ticket:contained').length === 2 ? true : undefined;
    });
    expect((await curl(post))[0].json).toEqual({ accepted: 0, ignored: 3 });
  });

  it('`read` covers every GET but the evidence log and pack, which need `admin`; a missing scope is a 403 naming it', async () => {
    const { key } = await createApiKey(sys.db, 'readme-reader', 'integration', ['read']);
    const get = async (p: string, k = '$READ_KEY') => (await curl(`curl "localhost:3000${p}" -H "Authorization: Bearer ${k}"`, { READ_KEY: key }))[0];
    for (const p of ['/tasks', '/nonconformities', '/incidents', '/organisations', '/risks', '/soa', '/documents', '/suppliers', '/training-records', '/objectives']) expect([p, (await get(p)).status]).toEqual([p, 200]);
    for (const p of ['/evidence', '/evidence/verify', '/evidence-pack?from=2026-01-01&to=2026-12-31']) {
      const refused = await get(p);
      expect([p, refused.status, refused.json.errors]).toEqual([p, 403, [{ field: 'Authorization', message: 'needs the scope admin' }]]);
      expect([p, (await get(p, '$(cat .data/dev-api-key)')).status]).toEqual([p, 200]);
    }
  });

  it('a call refused with 401 is in the audit log, as `unauthenticated`', async () => {
    const [refused] = await curl(`curl -X POST localhost:3000/risks -H 'content-type: application/json' -d '{}'`);
    expect([refused.status, refused.headers['content-type'][0]]).toEqual([401, expect.stringContaining('application/problem+json')]);
    const row = await until('the refusal audited', async () => (await sys.db.query(`SELECT key_id, key_name, method, path, status FROM audit_log WHERE path = '/risks' AND status = 401`))[0]);
    expect(row).toEqual({ key_id: null, key_name: 'unauthenticated', method: 'POST', path: '/risks', status: 401 });
  });

  it('429 is problem+json titled "Too many requests" with a plain Retry-After, for too many requests and for failed authentications', async () => {
    const limited = await startIsolatedSystem({ api: { rateLimitPerMinute: 2, failedAuthPerMinute: 2 } });
    try {
      const at = (key: string) => `curl "${limited.baseUrl}/tasks" -H "Authorization: Bearer ${key}"`;
      for (const key of [limited.key, 'ifk_wrong_key']) {
        const answers = await curl([at(key), at(key), at(key)].join('\n'));
        expect(answers.map((a) => a.status)).toEqual(key === limited.key ? [200, 200, 429] : [401, 401, 429]);
        const [, , refused] = answers;
        expect(Number(refused.headers['retry-after']?.[0])).toBeGreaterThan(0);
        expect(Object.keys(refused.headers).filter((h) => h.startsWith('retry-after'))).toEqual(['retry-after']);
        expect(refused.headers['content-type'][0]).toContain('application/problem+json');
        expect(refused.json).toMatchObject({ status: 429, title: 'Too many requests', detail: expect.stringContaining('Try again in') });
      }
    } finally {
      await limited.close();
    }
  });
  // The configuration table against the code: test/unit/config-variables.test.ts (the table is generated from the schema every setting is read through).
});
