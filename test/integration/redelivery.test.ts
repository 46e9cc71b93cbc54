import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Activities } from '../../activities';
import { addDays, localDate } from '../../libs/domain/src';
import { connectClient } from '../../libs/temporal/src/client';
import { json, mailbox, startSystem, submitTaskFromMail, until } from '../support/system';

/**
 * Every start path, delivered again after its process has ended: the same record answers, no second
 * run appears in Temporal's history list, nobody is mailed again. And a record-creating activity whose
 * completion is lost after its commit still starts its process exactly once.
 */
describe('a repeated delivery after the process ended changes nothing', () => {
  const pid = process.pid;
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let temporal: Client;
  /** The first raiseNonconformity commits its NC, then "loses" its completion, as a killed worker would. */
  let loseNextRaise = false;
  const raisedAttempts: string[] = [];
  const wrap = (real: Activities): Activities => ({
    ...real,
    async raiseNonconformity(req) {
      const result = await real.raiseNonconformity(req);
      raisedAttempts.push(result.ncNumber);
      if (loseNextRaise) {
        loseNextRaise = false;
        throw new Error('worker lost the completion after the commit');
      }
      return result;
    },
  });

  beforeAll(async () => {
    const domain = await import('../../libs/domain/src');
    sys = await startSystem(
      {
        nc: { ismsManager: `rd-isms.${pid}@example.com`, policy: domain.DEFAULT_CORRECTIVE_ACTION_POLICY },
        incidents: { handler: `rd-handler.${pid}@example.com`, dpo: `rd-dpo.${pid}@example.com`, ciso: `rd-ciso.${pid}@example.com`, policy: domain.DEFAULT_INCIDENT_POLICY },
      },
      wrap,
    );
    temporal = await connectClient(sys.config);
  });
  afterAll(async () => {
    await temporal?.connection.close();
    await sys?.close();
  });

  /** Every run Temporal's history list holds for this workflow id. */
  async function runs(workflowId: string): Promise<string[]> {
    const statuses: string[] = [];
    for await (const w of temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) statuses.push(w.status.name);
    return statuses;
  }
  const closed = (workflowId: string) =>
    until(`${workflowId} closed`, async () => {
      const { status } = await temporal.workflow.getHandle(workflowId).describe();
      return status.name === 'RUNNING' ? undefined : status.name;
    }, 30_000);
  /** What Temporal's retention does to a closed run: it is deleted, and Temporal no longer knows the id. */
  async function forget(workflowId: string): Promise<void> {
    await temporal.workflowService.deleteWorkflowExecution({ namespace: sys.config.temporal.namespace, workflowExecution: { workflowId } });
    // The dev server deletes a closed run some 20 s after the request.
    await until(`${workflowId} deleted`, async () => {
      try {
        await temporal.workflow.getHandle(workflowId).describe();
        return undefined;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return true;
        throw err;
      }
    }, 60_000);
  }
  /** Mail to `to` a while after a redelivery: a restarted process would have mailed by then. */
  const mailAfterAWhile = async (to: string) => {
    await new Promise((r) => setTimeout(r, 2_000));
    return (await mailbox.to(to)).length;
  };

  /** Triage finds the ticket is only an event: the incident's process ends there. */
  async function endAtTriage(ticket: string, workflowId: string): Promise<void> {
    await submitTaskFromMail(`rd-handler.${pid}@example.com`, new RegExp(`${ticket}: triage`), {
      'data.isIncident': 'event',
      'data.category': 'phishing',
      'data.severity': 'low',
      'data.personalData': 'no',
      'data.entity': 'neither',
      'data.financialEntity': 'no',
      'data.criticalServicesAffected': 'no',
      'data.maliciousAccess': 'no',
      'data.doraThresholdsMet': '0',
    });
    expect(await closed(workflowId)).toBe('COMPLETED');
  }

  it('a task: completed, then the same Idempotency-Key again', async () => {
    const assignee = `rd-task.${pid}@example.com`;
    const body = { title: 'Sign the NDA register', instructions: 'Sign it.', assignee, dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString() };
    const post = () => sys.api('/tasks', { method: 'POST', headers: { 'idempotency-key': `rd-task-${pid}` }, json: body });
    const task = await json(post());
    await mailbox.waitFor(assignee, /Sign the NDA register/);
    expect((await sys.api(`/tasks/${task.id}/complete`, { method: 'POST', json: { outcome: 'done' } })).status).toBe(200);
    expect(await closed(task.workflowId)).toBe('COMPLETED');
    const mails = (await mailbox.to(assignee)).length;

    const again = await post();
    expect(again.status).toBe(200);
    expect(await json(again)).toMatchObject({ id: task.id, status: 'completed' });
    expect(await runs(task.workflowId)).toEqual(['COMPLETED']);
    expect(await mailAfterAWhile(assignee)).toBe(mails);
  });

  it('a nonconformity: cancelled, then raised again by key and by source reference', async () => {
    const owner = `rd-nc.${pid}@example.com`;
    const body = { source: 'internalAudit', sourceRef: `RD-${pid}/1`, requirement: 'A.5.15 Access control', description: 'Shared admin account on the firewall', classification: 'minor', owner };
    const post = (headers: Record<string, string> = {}) => sys.api('/nonconformities', { method: 'POST', headers, json: body });
    const nc = await json(post({ 'idempotency-key': `rd-nc-${pid}` }));
    await mailbox.waitFor(owner, new RegExp(`${nc.id}: correct`));
    expect((await sys.api(`/nonconformities/${nc.id}/cancel`, { method: 'POST', json: { reason: 'raised twice by mistake' } })).status).toBe(200);
    expect(await closed(nc.workflowId)).toBe('COMPLETED');
    const record = await json(sys.api(`/nonconformities/${nc.id}`));
    const mails = (await mailbox.to(owner)).length;

    const redeliver = async () => {
      for (const again of [await post({ 'idempotency-key': `rd-nc-${pid}` }), await post()]) {
        expect(again.status).toBe(200);
        expect(await json(again)).toMatchObject({ id: nc.id, status: 'cancelled' });
      }
    };
    await redeliver();
    expect(await runs(nc.workflowId)).toEqual(['COMPLETED']);
    // After retention Temporal has forgotten the run; the record still says the process ran.
    await forget(nc.workflowId);
    await redeliver();
    expect(await runs(nc.workflowId)).toEqual([]);
    expect(await mailAfterAWhile(owner)).toBe(mails);
    const after = await json(sys.api(`/nonconformities/${nc.id}`));
    expect(after.timeline).toEqual(record.timeline);
  }, 120_000);

  it('an incident: ended, then reported again, by the API and by ServiceNow sending its whole record later', async () => {
    const number = `INCRD${pid}`;
    const record = { number, short_description: 'Phishing mail reported', opened_at: '2026-11-30 09:00:00', state: '2', priority: '3', sys_mod_count: '1', caller_id: 'user@example.com' };
    const first = await sys.api('/incidents/servicenow', { method: 'POST', json: record });
    expect(first.status).toBe(201);
    const incident = await json(first);
    await endAtTriage(number, incident.workflowId);
    const before = await json(sys.api(`/incidents/${incident.id}`));
    const mails = (await mailbox.list()).length;

    // Resolved, then Closed days later, each sent as the whole record; and the generic route once more.
    // The last delivery comes after Temporal's retention has deleted the closed run.
    const redeliver = async () => {
      for (const later of [{ ...record, state: '6', sys_mod_count: '5', sys_updated_on: '2026-12-01 10:00:00' }, { ...record, state: '7', priority: '1', sys_mod_count: '9', sys_updated_on: '2026-12-04 10:00:00' }]) {
        const res = await sys.api('/incidents/servicenow', { method: 'POST', json: later });
        expect(res.status).toBe(200);
        expect(await json(res)).toMatchObject({ id: incident.id, events: { accepted: 0 } });
      }
      const generic = { system: 'servicenow', ticketId: number, title: 'Phishing mail reported', description: 'again', detectedAt: '2026-11-30T09:00:00Z', reportedBy: 'user@example.com' };
      expect((await sys.api('/incidents', { method: 'POST', json: generic })).status).toBe(200);
    };
    await redeliver();
    expect(await runs(incident.workflowId)).toEqual(['COMPLETED']);
    await forget(incident.workflowId);
    await redeliver();
    // From the API, a new event for an ended incident is refused; a repeated one is simply ignored.
    const refused = await sys.api(`/incidents/${incident.id}/events`, { method: 'POST', json: [{ eventId: 'rd-late', type: 'comment', comment: 'too late' }] });
    expect(refused.status).toBe(409);

    expect(await runs(incident.workflowId)).toEqual([]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await mailbox.list()).length).toBe(mails);
    const after = await json(sys.api(`/incidents/${incident.id}`));
    expect({ step: after.step, timeline: after.timeline }).toEqual({ step: before.step, timeline: before.timeline });
  }, 120_000);

  it('an incident from Jira: ended, then its later webhooks (resolved, reprioritised, created again) before and after Temporal forgot it', async () => {
    const key = `RDJ-${pid}`;
    const issue = { id: '10077', key, fields: { summary: 'Suspicious login', description: 'From an unknown country', created: '2026-11-30T09:00:00.000+0000', reporter: { displayName: 'Agent' }, priority: { name: 'Medium', id: '3' } } };
    const first = await sys.api('/incidents/jira', { method: 'POST', json: { timestamp: Date.parse('2026-11-30T09:00:05Z'), webhookEvent: 'jira:issue_created', issue } });
    expect(first.status).toBe(201);
    const incident = await json(first);
    await endAtTriage(key, incident.workflowId);
    const before = await json(sys.api(`/incidents/${incident.id}`));
    const mails = (await mailbox.list()).length;

    const redeliver = async () => {
      const later = [
        { timestamp: Date.parse('2026-12-01T10:00:00Z'), webhookEvent: 'jira:issue_updated', issue, changelog: { id: '20001', items: [{ field: 'status', fromString: 'Open', toString: 'Done' }] } },
        { timestamp: Date.parse('2026-12-02T10:00:00Z'), webhookEvent: 'jira:issue_updated', issue: { ...issue, fields: { ...issue.fields, priority: { name: 'Highest', id: '1' } } }, changelog: { id: '20002', items: [{ field: 'priority', fromString: 'Medium', toString: 'Highest' }] } },
      ];
      for (const delivery of later) {
        const res = await sys.api('/incidents/jira', { method: 'POST', json: delivery });
        expect(res.status).toBe(200);
        expect(await json(res)).toMatchObject({ id: incident.id, events: { accepted: 0 } });
      }
      // Jira retries a webhook it thinks failed: the creation again.
      expect((await sys.api('/incidents/jira', { method: 'POST', json: { timestamp: Date.parse('2026-11-30T09:00:05Z'), webhookEvent: 'jira:issue_created', issue } })).status).toBe(200);
    };
    await redeliver();
    expect(await runs(incident.workflowId)).toEqual(['COMPLETED']);
    await forget(incident.workflowId);
    await redeliver();

    expect(await runs(incident.workflowId)).toEqual([]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await mailbox.list()).length).toBe(mails);
    const after = await json(sys.api(`/incidents/${incident.id}`));
    expect({ step: after.step, timeline: after.timeline }).toEqual({ step: before.step, timeline: before.timeline });
  }, 120_000);

  it('a certification cycle: cancelled by an admin, then the same set-up request again', async () => {
    const org = `rd-cyc-${pid}`;
    const manager = `rd-cyc.${pid}@example.com`;
    const timeZone = 'UTC';
    expect((await sys.api('/organisations', { method: 'POST', json: { id: org, name: `Redelivery ${pid}`, ismsManager: manager, topManagement: [manager], certificationBody: { name: 'Example Cert' }, scope: 'All', timeZone } })).status).toBe(201);
    const request = { organisationId: org, decisionDate: addDays(localDate(Date.now(), timeZone), -10) };
    const cycle = await json(sys.api('/certification-cycles', { method: 'POST', json: request }));
    const workflowId = `cert-cycle:${cycle.id}`;
    const handle = temporal.workflow.getHandle(workflowId);
    await until('the cycle planned', async () => ((await json(sys.api(`/certification-cycles/${cycle.id}`))).activities?.length ? true : undefined));
    await handle.cancel();
    expect(await closed(workflowId)).toBe('CANCELLED');
    const mails = (await mailbox.to(manager)).length;

    const again = () => sys.api('/certification-cycles', { method: 'POST', json: request });
    expect((await again()).status).toBe(200);
    expect(await runs(workflowId)).toEqual(['CANCELLED']);
    await forget(workflowId);
    expect((await again()).status).toBe(200);
    expect(await runs(workflowId)).toEqual([]);
    expect(await mailAfterAWhile(manager)).toBe(mails);
  }, 120_000);

  it('an NC raised by an incident review whose first attempt lost its completion still gets its corrective action, once', async () => {
    const handler = `rd-handler.${pid}@example.com`;
    const ticketId = `RD-LOST-${pid}`;
    const id = `zendesk:${ticketId}`;
    const body = { system: 'zendesk', ticketId, title: 'Malware on a kiosk PC', description: 'AV was disabled.', detectedAt: '2026-12-01T08:00:00Z', reportedBy: 'it@example.com', triage: { isIncident: true, category: 'malware', severity: 'medium', personalData: false } };
    expect((await sys.api('/incidents', { method: 'POST', json: body })).status).toBe(201);
    await submitTaskFromMail(`rd-ciso.${pid}@example.com`, new RegExp(`${ticketId}: regulatory assessment`), {
      'data.gdpr': 'no',
      'data.gdprRationale': 'No personal data',
      'data.nis2': 'no',
      'data.nis2Rationale': 'Not significant',
      'data.dora': 'no',
      'data.doraRationale': 'Not a financial entity',
    });
    expect((await sys.api(`/incidents/${id}/events`, { method: 'POST', json: [{ eventId: 'rd-resolved', type: 'resolved' }] })).status).toBe(202);
    loseNextRaise = true;
    await submitTaskFromMail(handler, new RegExp(`${ticketId}: post-incident review`), {
      'data.method': '5 Whys',
      'data.rootCause': 'Local admins can switch off the antivirus on kiosk PCs',
      'data.lessons': 'Kiosks need tamper protection',
      'data.controlFailed': 'yes',
      'data.failedControl': 'A.8.7 Protection against malware',
    });

    const incident = await until('the NC linked to the incident', async () => {
      const r = await json(sys.api(`/incidents/${id}`));
      return r.timeline.some((e: { kind: string }) => e.kind === 'nonconformityRaised') ? r : undefined;
    }, 30_000);
    const ncNumber = incident.timeline.find((e: { kind: string }) => e.kind === 'nonconformityRaised').data.ncNumber as string;
    // Two attempts, one NC: the retry found the row the lost attempt committed.
    expect(raisedAttempts.filter((n) => n === ncNumber)).toHaveLength(2);
    expect(loseNextRaise).toBe(false);
    await mailbox.waitFor(handler, new RegExp(`${ncNumber}: correct the nonconformity`), 30_000);
    expect(await runs(`nc:${ncNumber}`)).toEqual(['RUNNING']);
    expect((await mailbox.to(handler)).filter((m) => m.Subject.includes(`${ncNumber}: correct`))).toHaveLength(1);
  });
});
