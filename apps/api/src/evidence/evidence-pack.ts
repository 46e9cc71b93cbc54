import { Readable, type Writable } from 'node:stream';
import archiver from 'archiver';
import { toCsv } from '../common/csv';
import type { DataSource } from 'typeorm';
import { coverageSql } from '../../../../libs/records/src';
import { evidencePackIndex } from '../../../../libs/templates/src';

/** The period of a pack: [from, to) as instants. */
export interface Period {
  from: Date;
  to: Date;
}

/**
 * One dataset of the pack: rows a SQL query selects for the period (`$1` = from, `$2` = to), read
 * page by page in a stable order, so memory does not grow with the number of rows.
 */
interface Dataset {
  name: string;
  title: string;
  sql: string;
  order: string;
}

const DATASETS: Dataset[] = [
  { name: 'organisations', title: 'Organisations and their certification bodies', sql: 'SELECT * FROM organisations', order: 'id' },
  { name: 'certification-cycles', title: 'Certification cycles: audits, plan, status', sql: 'SELECT id, organisation_id, decision_date, status, next_audit_kind, next_audit_date, view, created_at, updated_at FROM certification_cycles', order: 'id' },
  {
    name: 'programme-activities',
    title: 'Programme activities with their records (internal audits, management reviews, risk assessments...)',
    sql: 'SELECT * FROM cycle_activities WHERE (completed_on >= $1::date AND completed_on < $2::date) OR (due >= $1::date AND due < $2::date)',
    order: 'due, cycle_id, activity_id',
  },
  {
    name: 'tasks',
    title: 'Emailed tasks: who was asked what, when, and how they answered',
    sql: 'SELECT id, workflow_id, process, title, assignee, escalate_to, external_ref, due_at, status, outcome, notes, evidence, data, completed_by, completed_at, created_by, created_at FROM tasks WHERE (created_at >= $1 AND created_at < $2) OR (completed_at >= $1 AND completed_at < $2)',
    order: 'created_at, id',
  },
  { name: 'task-events', title: 'Every dated step of every task (mailed, reminded, escalated, completed)', sql: 'SELECT * FROM task_events WHERE at >= $1 AND at < $2', order: 'at, id' },
  {
    name: 'nonconformities',
    title: 'Nonconformities and corrective actions (clause 10.2)',
    sql: 'SELECT * FROM nonconformities WHERE raised_at < $2 AND (closed_at IS NULL OR closed_at >= $1)',
    order: 'raised_at, id',
  },
  { name: 'nonconformity-timeline', title: 'Every dated step of every nonconformity', sql: 'SELECT * FROM nc_entries WHERE at >= $1 AND at < $2', order: 'at, id' },
  {
    name: 'incidents',
    title: 'Incidents with their regulatory decisions and deadlines',
    sql: 'SELECT id, system, ticket_id, title, description, detected_at, reported_at, aware_at, reported_by, handler, step, handling, severity, regimes, deadlines, closed_at, closed_by FROM incidents WHERE reported_at < $2 AND (closed_at IS NULL OR closed_at >= $1)',
    order: 'reported_at, id',
  },
  { name: 'incident-timeline', title: 'Every dated step of every incident', sql: 'SELECT * FROM incident_entries WHERE at >= $1 AND at < $2', order: 'at, id' },
  {
    name: 'risk-register',
    title: 'Risk register: every risk as currently assessed',
    sql: 'SELECT v.* FROM risk_versions v JOIN risks k ON k.id = v.risk_id AND k.current_version = v.version',
    order: 'v.risk_id',
  },
  { name: 'risk-assessments', title: 'Risk assessments made in the period (every dated version)', sql: 'SELECT * FROM risk_versions WHERE assessed_at >= $1 AND assessed_at < $2', order: 'assessed_at, risk_id, version' },
  { name: 'risk-acceptances', title: "Risk owners' acceptances, each naming the version it applies to", sql: 'SELECT * FROM risk_acceptances', order: 'accepted_at, id' },
  { name: 'statement-of-applicability', title: 'Statement of Applicability (Annex A 2022)', sql: 'SELECT * FROM soa_controls', order: "split_part(control_id, '.', 2)::int, split_part(control_id, '.', 3)::int" },
  { name: 'documents', title: 'Documents and policies', sql: 'SELECT * FROM documents', order: 'id' },
  { name: 'document-versions', title: 'Every approved document version (the older ones archived)', sql: 'SELECT * FROM document_versions', order: 'document_id, approved_on, created_at' },
  { name: 'document-acknowledgements', title: 'Acknowledgements in the period', sql: 'SELECT * FROM document_acknowledgements WHERE acknowledged_at >= $1 AND acknowledged_at < $2', order: 'acknowledged_at, id' },
  { name: 'acknowledgement-rounds', title: 'Policy acknowledgement rounds in force in the period: who was asked to read which major version, by when', sql: 'SELECT * FROM acknowledgement_rounds WHERE created_at < $2 AND (superseded_at IS NULL OR superseded_at >= $1)', order: 'created_at, id' },
  { name: 'acknowledgement-requests', title: 'Each person asked in the period, and what became of it (acknowledged, closed when they left)', sql: 'SELECT * FROM acknowledgement_requests WHERE created_at >= $1 AND created_at < $2', order: 'round_id, person' },
  {
    name: 'policy-acknowledgement-coverage',
    title: 'Policy acknowledgement on the last day of the period, per policy and department (5.2, 7.3)',
    // As of the period's end ($2); every dataset is given both ends, so $1 is named too.
    sql: `SELECT * FROM (${coverageSql(`(($2::timestamptz - interval '1 millisecond') AT TIME ZONE 'UTC')::date`, '$2')}) coverage WHERE $1::timestamptz IS NOT NULL`,
    order: 'document_id, department',
  },
  { name: 'improvements', title: 'Improvements (10.1) raised by the end of the period and open in it or decided in it', sql: `SELECT * FROM improvements WHERE raised_at < $2 AND (status = 'open' OR decided_on >= $1::date)`, order: 'raised_at, id' },
  { name: 'suppliers', title: 'Suppliers and ICT third-party providers', sql: 'SELECT * FROM suppliers', order: 'id' },
  { name: 'training-records', title: 'Training records in the period', sql: 'SELECT * FROM training_records WHERE completed_on >= $1::date AND completed_on < $2::date', order: 'completed_on, id' },
  { name: 'objectives', title: 'ISMS objectives and their metrics', sql: 'SELECT * FROM objectives', order: 'id' },
  { name: 'people', title: 'The staff directory: who does work under the organisation\'s control (7.2, 7.3)', sql: 'SELECT * FROM people', order: 'email' },
  { name: 'kpi-measurements', title: 'KPI measurements in the period', sql: 'SELECT * FROM kpi_measurements WHERE measured_on >= $1::date AND measured_on < $2::date', order: 'measured_on, objective_id' },
  { name: 'evidence-log', title: 'The evidence log with its hash chain (see VERIFY.txt)', sql: 'SELECT * FROM evidence_log WHERE at >= $1 AND at < $2', order: 'seq' },
];

const PAGE = 1000;

/** A value as a CSV cell: timestamps in ISO, structures as JSON. */
function cell(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v;
}

async function* pages(db: DataSource, d: Dataset, period: Period): AsyncGenerator<Array<Record<string, unknown>>> {
  const params = d.sql.includes('$1') ? [period.from, period.to] : [];
  for (let offset = 0; ; offset += PAGE) {
    const rows = await db.query<Array<Record<string, unknown>>>(`${d.sql} ORDER BY ${d.order} LIMIT ${PAGE} OFFSET ${offset}`, params);
    if (rows.length) yield rows;
    if (rows.length < PAGE) return;
  }
}

async function* csv(db: DataSource, d: Dataset, period: Period): AsyncGenerator<string> {
  let header = true;
  for await (const rows of pages(db, d, period)) {
    yield toCsv(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cell(v)]))), { header });
    header = false;
  }
}

async function* json(db: DataSource, d: Dataset, period: Period): AsyncGenerator<string> {
  let first = true;
  yield '[\n';
  for await (const rows of pages(db, d, period)) {
    for (const r of rows) {
      yield `${first ? '' : ',\n'}${JSON.stringify(r)}`;
      first = false;
    }
  }
  yield '\n]\n';
}

interface Happened {
  process: string;
  kind: string;
  day: string;
  count: number;
}

/** What happened when: completions, approvals, audits, per process and day (bounded by days x processes). */
async function timeline(db: DataSource, period: Period): Promise<Happened[]> {
  const rows = await db.query<Array<{ process: string; kind: string; day: string; count: string }>>(
    `SELECT process, kind, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS count
       FROM evidence_log
      WHERE at >= $1 AND at < $2 AND kind IN ('completed', 'activityCompleted', 'closureApproval', 'planApproval', 'effectivenessReview', 'auditResult', 'significantChange', 'closed', 'raised', 'reported',
                     'riskIdentified', 'riskReassessed', 'riskAccepted', 'soaDecision', 'documentRegistered', 'documentApproved', 'documentAcknowledged', 'trainingRecorded', 'objectiveSet', 'measured', 'supplierRecorded', 'personRecorded', 'personDeactivated')
      GROUP BY process, kind, day ORDER BY process, day`,
    [period.from, period.to],
  );
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

function months(period: Period): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(period.from.getUTCFullYear(), period.from.getUTCMonth(), 1));
  while (d < period.to && out.length < 60) {
    out.push(d.toISOString().slice(0, 7));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

/** The auditor's front page: what is in the pack, whether the chain holds, and when things happened, month by month. */
function indexPage(period: Period, happened: Happened[], chain: { ok: boolean; checked: number; head: { seq: number; hash: string } | null }, generatedAt: Date): string {
  const ms = months(period);
  // One count per process and day, whatever kinds of step made it up (timeline.csv keeps them apart).
  const perDay = new Map<string, Map<string, number>>();
  for (const h of happened) {
    const days = perDay.get(h.process) ?? perDay.set(h.process, new Map()).get(h.process)!;
    days.set(h.day, (days.get(h.day) ?? 0) + h.count);
  }
  const grid = [...perDay.keys()].sort().map((process) => {
    const days = [...perDay.get(process)!].sort(([a], [b]) => a.localeCompare(b));
    const cells = ms.map((m) =>
      days
        .filter(([day]) => day.startsWith(m))
        .map(([day, count]) => `${day.slice(8)}${count > 1 ? ` (${count})` : ''}`)
        .join(', '),
    );
    return { process, cells };
  });
  return evidencePackIndex({ from: period.from, to: period.to, generatedAt, chain, months: ms, grid, files: DATASETS });
}

const VERIFY = `How to verify the evidence log (evidence-log.csv) without ismsflow

Each row's hash is the SHA-256 (hex) of these fields joined by a newline ("\\n"):
  prev_hash, seq, key, at (ISO 8601 in UTC with milliseconds, e.g. 2026-11-24T10:00:00.000Z),
  actor, process, reference, kind, payload_digest
and each row's prev_hash is the hash of the row before it (seq - 1); the first row of the log has
64 zeros. payload_digest is the SHA-256 of the recorded data as JSON with its keys sorted.

Check, in seq order: no seq is missing (a deleted row), each prev_hash equals the previous row's hash
(rows removed or reordered), and each hash matches its fields (an edited row). The rows of this pack
are the period's: its first row's prev_hash links to the row before the period.

So that no spreadsheet runs a cell as a formula, a text cell of the CSV files that starts with =, +,
-, @, a tab or a carriage return has a ' put before it: remove that one character before hashing. The
.json file of each table holds every value exactly as recorded.
`;

/** Streams the evidence pack for `period` as a zip into `out`. */
export async function writeEvidencePack(
  db: DataSource,
  out: Writable,
  period: Period,
  chain: { ok: boolean; checked: number; head: { seq: number; hash: string } | null },
): Promise<void> {
  const zip = archiver('zip', { zlib: { level: 6 } });
  const done = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('finish', resolve);
    zip.on('error', reject);
  });
  zip.pipe(out);
  const happened = await timeline(db, period);
  zip.append(indexPage(period, happened, chain, new Date()), { name: 'index.html' });
  zip.append(VERIFY, { name: 'VERIFY.txt' });
  zip.append(toCsv(happened, { header: true, columns: ['day', 'process', 'kind', 'count'] }), { name: 'timeline.csv' });
  for (const d of DATASETS) {
    zip.append(Readable.from(csv(db, d, period)), { name: `${d.name}.csv` });
    zip.append(Readable.from(json(db, d, period)), { name: `${d.name}.json` });
  }
  await zip.finalize();
  await done;
}
