import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import { AcknowledgementRound, DocumentAcknowledgement, DocumentRecord, DocumentVersion } from '../../db/src';
import { majorVersion, roundId as roundIdOf, type AcknowledgementMailKind, type CalendarDate } from '../../domain/src';
import type { PolicyFacts } from '../../templates/src';
import { appendEvidence } from './evidence';

/**
 * Policy acknowledgement in SQL, so it holds at the size of a company: who is asked (the audience of
 * the document, on staff that day), who has acknowledged a major version, and coverage. The rules of
 * libs/domain/src/people.ts (onStaff, inAudience) and acknowledgement.ts (majorVersion) are written
 * here once more in SQL; test/integration/acknowledgements.test.ts holds the two to the same answers.
 */

/** `p` (people) is on staff on `$today`: active, started, not past the last day of work. */
const ON_STAFF = (today: string) => `p.active AND p.start_date <= ${today} AND (p.leave_date IS NULL OR p.leave_date >= ${today})`;
/** `p` is in the audience of `d` (documents). */
const IN_AUDIENCE = `(d.audience->>'kind' = 'everyone'
  OR (d.audience->>'kind' = 'department' AND p.department = d.audience->>'department')
  OR (d.audience->>'kind' = 'newStarters' AND p.start_date >= (d.audience->>'since')::date))`;

const evidenceOf = (round: string, person: string, kind: string, payload?: unknown, actor = 'ismsflow') => ({
  key: `ack:${round}:${person}:${kind}`,
  actor,
  process: 'policyAcknowledgement',
  reference: round,
  kind,
  payload,
});

/** The round of a document's major version, created once: approving a minor version finds the one there is. */
export async function openRound(tx: EntityManager, r: { documentId: string; version: string; dueAt: Date; startedBy: string }): Promise<{ round: AcknowledgementRound; created: boolean }> {
  const id = roundIdOf(r.documentId, r.version);
  const inserted = await tx.query<Array<{ id: string }>>(
    `INSERT INTO acknowledgement_rounds (id, document_id, version, major, due_at, started_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [id, r.documentId, r.version, majorVersion(r.version), r.dueAt, r.startedBy],
  );
  const created = inserted.length > 0;
  if (created) {
    // The rounds of earlier majors are over: their open requests close, and their workflows end.
    // An UPDATE through TypeORM answers [rows, count].
    const [older] = await tx.query<[Array<{ id: string }>, number]>(`UPDATE acknowledgement_rounds SET superseded_at = now() WHERE document_id = $1 AND id <> $2 AND superseded_at IS NULL RETURNING id`, [r.documentId, id]);
    if (older.length) await tx.query(`UPDATE acknowledgement_requests SET status = 'closed', closed_reason = 'superseded' WHERE round_id = ANY($1) AND status = 'open'`, [older.map((o) => o.id)]);
    await appendEvidence(tx, [{ key: `ack:${id}:started`, actor: r.startedBy, process: 'policyAcknowledgement', reference: id, kind: 'acknowledgementRoundStarted', payload: { version: r.version, dueAt: r.dueAt, superseded: older.map((o) => o.id) } }]);
  }
  return { round: await tx.getRepository(AcknowledgementRound).findOneByOrFail({ id }), created };
}

/**
 * Opens the next batch of a round: up to `limit` people of the audience, on staff today, not yet
 * asked in this round and not having acknowledged its major already. Idempotent per batch: a
 * retried call (its first answer lost) finds the batch it filled instead of filling another.
 * Returns how many people the batch holds (0: everyone is asked, or the round is superseded).
 */
export async function openBatch(db: DataSource, b: { roundId: string; batchKey: string; dueAt: string; today: CalendarDate; limit: number }): Promise<number> {
  return db.transaction(async (tx) => {
    const [held] = await tx.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM acknowledgement_requests WHERE batch_key = $1`, [b.batchKey]);
    if (held.n > 0) return held.n;
    // The round's workflow runs: whoever started it (the API, a policy review), it needs no other start.
    await tx.query(`UPDATE acknowledgement_rounds SET process_started_at = coalesce(process_started_at, now()) WHERE id = $1`, [b.roundId]);
    const rows = await tx.query<Array<{ person: string }>>(
      `INSERT INTO acknowledgement_requests (round_id, person, batch_key, status, due_at, created_at)
       SELECT r.id, p.email, $2, 'open', $3, now()
       FROM acknowledgement_rounds r JOIN documents d ON d.id = r.document_id JOIN people p ON ${ON_STAFF('$4::date')} AND ${IN_AUDIENCE}
       WHERE r.id = $1 AND r.superseded_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM acknowledgement_requests q WHERE q.round_id = r.id AND q.person = p.email)
         AND NOT EXISTS (SELECT 1 FROM document_acknowledgements a WHERE a.document_id = r.document_id AND a.major = r.major AND a.person = p.email)
       ORDER BY p.email LIMIT $5
       ON CONFLICT DO NOTHING RETURNING person`,
      [b.roundId, b.batchKey, b.dueAt, b.today, b.limit],
    );
    return rows.length;
  });
}

/** The current rounds of these documents whose workflow has not begun (its start was lost, or is the caller's to make). */
export function unstartedRounds(tx: EntityManager, documentIds: string[]): Promise<AcknowledgementRound[]> {
  return tx.getRepository(AcknowledgementRound).findBy({ documentId: In(documentIds), processStartedAt: IsNull(), supersededAt: IsNull() });
}

/** Whether a newer major version has replaced the round. */
export async function roundSuperseded(db: DataSource, roundId: string): Promise<boolean> {
  const round = await db.getRepository(AcknowledgementRound).findOneByOrFail({ id: roundId });
  return round.supersededAt !== null;
}

/**
 * Closes the open requests of people no longer on staff (left, deactivated), in a batch, a round or
 * of given people; each closure is dated evidence. Returns who was closed.
 */
export async function closeLeavers(tx: EntityManager, where: { batchKey: string } | { roundId: string } | { people: string[] }, today: CalendarDate): Promise<string[]> {
  const [filter, value] = 'batchKey' in where ? ['q.batch_key = $1', where.batchKey] : 'roundId' in where ? ['q.round_id = $1', where.roundId] : ['q.person = ANY($1)', where.people];
  const [rows] = await tx.query<[Array<{ round_id: string; person: string }>, number]>(
    `UPDATE acknowledgement_requests q SET status = 'closed', closed_reason = 'left'
     FROM people p WHERE p.email = q.person AND ${filter} AND q.status = 'open' AND NOT (${ON_STAFF('$2::date')})
     RETURNING q.round_id, q.person`,
    [value, today],
  );
  await appendEvidence(tx, rows.map((r) => evidenceOf(r.round_id, r.person, 'acknowledgementClosed', { reason: 'left' })));
  return rows.map((r) => r.person);
}

export interface OpenRequest {
  person: string;
  name: string;
  dueAt: Date;
}

/** The next open requests of a batch after `after` (by address), for mailing in chunks. */
export async function openRequests(db: DataSource, batchKey: string, after: string, limit: number): Promise<OpenRequest[]> {
  const rows = await db.query<Array<{ person: string; name: string; due_at: Date }>>(
    `SELECT q.person, p.name, q.due_at FROM acknowledgement_requests q JOIN people p ON p.email = q.person
     WHERE q.batch_key = $1 AND q.status = 'open' AND q.person > $2 ORDER BY q.person LIMIT $3`,
    [batchKey, after, limit],
  );
  return rows.map((r) => ({ person: r.person, name: r.name, dueAt: r.due_at }));
}

export async function markMailed(db: DataSource, roundId: string, people: string[], kind: AcknowledgementMailKind | 'escalated'): Promise<void> {
  if (people.length) await db.query(`UPDATE acknowledgement_requests SET last_mail = $3 WHERE round_id = $1 AND person = ANY($2)`, [roundId, people, kind]);
}

/** A batch's overdue people by whom to tell: their manager, or the document's owner for those with none. */
export async function overdueByManager(db: DataSource, batchKey: string): Promise<Map<string, Array<{ person: string; name: string; department: string }>>> {
  const rows = await db.query<Array<{ contact: string; person: string; name: string; department: string }>>(
    `SELECT coalesce(nullif(p.manager, q.person), d.owner) AS contact, q.person, p.name, p.department
     FROM acknowledgement_requests q JOIN people p ON p.email = q.person
     JOIN acknowledgement_rounds r ON r.id = q.round_id JOIN documents d ON d.id = r.document_id
     WHERE q.batch_key = $1 AND q.status = 'open' ORDER BY contact, q.person`,
    [batchKey],
  );
  const byContact = new Map<string, Array<{ person: string; name: string; department: string }>>();
  for (const r of rows) byContact.set(r.contact, [...(byContact.get(r.contact) ?? []), { person: r.person, name: r.name, department: r.department }]);
  return byContact;
}

/**
 * A person acknowledges a version: recorded once per version, and it answers their open request of
 * the same major (in its round). The same acknowledgement again adds nothing.
 */
export async function recordAcknowledgement(tx: EntityManager, a: { documentId: string; version: string; person: string; recordedBy: string | null; via: string }): Promise<void> {
  const major = majorVersion(a.version);
  const at = new Date();
  await tx.createQueryBuilder().insert().into(DocumentAcknowledgement).values({ documentId: a.documentId, version: a.version, major, person: a.person, recordedBy: a.recordedBy, acknowledgedAt: at }).orIgnore().execute();
  await tx.query(
    `UPDATE acknowledgement_requests q SET status = 'acknowledged', acknowledged_at = $4
     FROM acknowledgement_rounds r WHERE r.id = q.round_id AND r.document_id = $1 AND r.major = $2 AND q.person = $3 AND q.status = 'open'`,
    [a.documentId, major, a.person, at],
  );
  await appendEvidence(tx, [
    { key: `document:${a.documentId}:v${a.version}:ack:${a.person}`, at, actor: a.person, process: 'documentControl', reference: a.documentId, kind: 'documentAcknowledged', payload: { version: a.version, via: a.via, ...(a.recordedBy ? { recordedBy: a.recordedBy } : {}) } },
  ]);
}

export interface PolicyCoverage {
  documentId: string;
  title: string;
  version: string;
  people: number;
  acknowledged: number;
  departments: Array<{ department: string; people: number; acknowledged: number }>;
}

/**
 * Coverage in SQL, per policy and department on the day `day` (an SQL expression): of the people on
 * staff in each document's audience, how many have acknowledged the major version in force, as
 * approved before `versionsBefore` (an SQL expression; by default every version). No ORDER BY: the
 * evidence pack adds its own.
 */
export function coverageSql(day: string, versionsBefore = `'infinity'::timestamptz`): string {
  return `WITH current AS (
       SELECT DISTINCT ON (v.document_id) v.document_id, v.version,
              coalesce(regexp_replace(substring(btrim(v.version) from '^[0-9]+'), '^0+(?=[0-9])', ''), btrim(v.version)) AS major
       FROM document_versions v WHERE v.created_at < ${versionsBefore} ORDER BY v.document_id, v.approved_on DESC, v.created_at DESC
     )
     SELECT d.id AS document_id, d.title, c.version, p.department, count(*)::int AS people,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM document_acknowledgements a WHERE a.document_id = d.id AND a.major = c.major AND a.person = p.email))::int AS acknowledged
     FROM documents d JOIN current c ON c.document_id = d.id JOIN people p ON ${ON_STAFF(day)} AND ${IN_AUDIENCE}
     WHERE d.audience IS NOT NULL
     GROUP BY d.id, d.title, c.version, p.department`;
}

/** Coverage per policy and department today. One query, whatever the size. */
export async function acknowledgementCoverage(db: DataSource | EntityManager, today: CalendarDate): Promise<PolicyCoverage[]> {
  const rows = await db.query<Array<{ document_id: string; title: string; version: string; department: string; people: number; acknowledged: number }>>(`${coverageSql('$1::date')} ORDER BY d.id, p.department`, [today]);
  const byDocument = new Map<string, PolicyCoverage>();
  for (const r of rows) {
    let doc = byDocument.get(r.document_id);
    if (!doc) byDocument.set(r.document_id, (doc = { documentId: r.document_id, title: r.title, version: r.version, people: 0, acknowledged: 0, departments: [] }));
    doc.people += r.people;
    doc.acknowledged += r.acknowledged;
    doc.departments.push({ department: r.department, people: r.people, acknowledged: r.acknowledged });
  }
  return [...byDocument.values()];
}

/** The policy as people read it: the version in force, which is the round's major or a minor after it. */
export async function policyFacts(db: DataSource, round: AcknowledgementRound): Promise<PolicyFacts> {
  const doc = await db.getRepository(DocumentRecord).findOneByOrFail({ id: round.documentId });
  const versions = await db.getRepository(DocumentVersion).find({ where: { documentId: round.documentId }, order: { approvedOn: 'ASC', createdAt: 'ASC' } });
  const current = versions.filter((v) => majorVersion(v.version) === round.major).at(-1) ?? versions.find((v) => v.version === round.version)!;
  return { documentId: doc.id, title: doc.title, version: current.version, summary: current.summary, link: current.link };
}

/** A round and its requests counted by status. */
export async function roundSummary(db: DataSource, id: string) {
  const round = await db.getRepository(AcknowledgementRound).findOneBy({ id });
  if (!round) return null;
  const counts = await db.query<Array<{ status: string; n: number }>>(`SELECT status, count(*)::int AS n FROM acknowledgement_requests WHERE round_id = $1 GROUP BY status`, [id]);
  const by = Object.fromEntries(counts.map((c) => [c.status, c.n]));
  return { ...round, requests: { open: by.open ?? 0, acknowledged: by.acknowledged ?? 0, closed: by.closed ?? 0 } };
}
