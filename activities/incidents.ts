import { ApplicationFailure } from '@temporalio/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AppConfig } from '../libs/config/src';
import { Incident, IncidentEntry, WebhookDeadLetter } from '../libs/db/src';
import type { RegulatoryDeadline } from '../libs/domain/src';
import { webhookSignature } from '../libs/security/src';
import { appendEvidence, processBegan } from '../libs/records/src';

export interface IncidentActivityDeps {
  db: DataSource;
  config: Pick<AppConfig, 'webhooks'>;
}

export type IncidentEntryInput = { key: string; kind: string; actor: string; at: string; data: Record<string, unknown> };

export interface IncidentProgress {
  incidentId: string;
  step: string;
  handling: string;
  severity?: string;
  regimes: string[];
  nextDeadlineAt: string | null;
  deadlines: RegulatoryDeadline[];
  entry?: IncidentEntryInput;
  closed?: { at: string; by: string };
  /** The awareness the clocks count from, when triage recorded a later one than the ticket's. */
  awareness?: { recorded: string; reason?: string };
}


export function createIncidentActivities({ db, config }: IncidentActivityDeps) {
  /** Appends a timeline entry (once, by key) and its evidence row. */
  const appendEntry = async (tx: EntityManager, incidentId: string, entry: IncidentEntryInput) => {
    await tx
      .createQueryBuilder()
      .insert()
      .into(IncidentEntry)
      .values({ incidentId, ...entry, at: new Date(entry.at) } as QueryDeepPartialEntity<IncidentEntry>)
      .orIgnore()
      .execute();
    const { key, kind, actor, at, data } = entry;
    await appendEvidence(tx, [{ key: `incident:${incidentId}:${key}`, at: new Date(at), actor, process: 'incidentResponse', reference: incidentId, kind, payload: data }]);
  };

  return {
    /** Appends the timeline entry (once, by key) and moves the incident row, in one transaction. */
    async recordIncidentProgress(p: IncidentProgress): Promise<void> {
      await db.transaction(async (tx) => {
        if (p.entry) await appendEntry(tx, p.incidentId, p.entry);
        await tx.getRepository(Incident).update(
          { id: p.incidentId },
          {
            step: p.step,
            handling: p.handling,
            severity: p.severity ?? null,
            regimes: p.regimes,
            nextDeadlineAt: p.nextDeadlineAt ? new Date(p.nextDeadlineAt) : null,
            deadlines: p.deadlines,
            ...(p.closed ? { closedAt: new Date(p.closed.at), closedBy: p.closed.by } : {}),
            ...(p.awareness ? { recordedAwareAt: new Date(p.awareness.recorded), awarenessReason: p.awareness.reason ?? null } : {}),
            ...processBegan,
          },
        );
      });
    },

    /** A report child's timeline entry (submitted, missed, delay announced): the incident row is its parent's to move. */
    async recordIncidentEntry(req: { incidentId: string; entry: IncidentEntryInput }): Promise<void> {
      await db.transaction((tx) => appendEntry(tx, req.incidentId, req.entry));
    },

    /**
     * Posts the incident's state to its ticketing system's webhook, signed. The delivery key in a
     * header lets the receiver drop the repeat a retry may cause. Unconfigured systems are skipped.
     */
    async notifyTicket(req: { system: string; key: string; payload: Record<string, unknown> }): Promise<{ delivered: boolean }> {
      const hook = config.webhooks[req.system];
      if (!hook?.url || !hook.secret) return { delivered: false };
      const body = JSON.stringify(req.payload);
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ismsflow-signature': webhookSignature(hook.secret, body), 'x-ismsflow-delivery': req.key },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) return { delivered: true };
      const message = `${req.system} webhook answered ${res.status}`;
      // A client error will not mend itself by retrying: straight to the dead letters.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw ApplicationFailure.nonRetryable(message, 'WebhookRejected');
      throw new Error(message);
    },

    async recordDeadLetter(req: { system: string; key: string; payload: Record<string, unknown>; error: string }): Promise<void> {
      await db
        .createQueryBuilder()
        .insert()
        .into(WebhookDeadLetter)
        .values({ ...req, failedAt: new Date() } as QueryDeepPartialEntity<WebhookDeadLetter>)
        .orIgnore()
        .execute();
    },
  };
}
