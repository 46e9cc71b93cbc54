import type { DataSource } from 'typeorm';
import { CertificationCycle } from '../../../../libs/db/src';
import { addMonths, localDate, TITLES, type CycleView } from '../../../../libs/domain/src';
import { acknowledgementCoverage } from '../../../../libs/records/src';
import type { DashboardFacts, DashboardFilters } from '../../../../libs/templates/src';

const HOUR = 3_600_000;
const n = (v: unknown) => Number(v ?? 0);
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** Everything the dashboard shows, from indexed queries on the records (never by scanning workflows). */
export async function dashboardData(db: DataSource, f: DashboardFilters, timeZone: string): Promise<DashboardFacts> {
  const [incidentsByMonth, times, deadlines, ncs, effective, overdueByOwner, openIncidents, openNcs, openTasks, cycles, acknowledgements] = await Promise.all([
    db.query<Array<{ month: string; severity: string; count: string }>>(
      `SELECT to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, COALESCE(severity, 'unassessed') AS severity, count(*) AS count
         FROM incidents WHERE reported_at >= date_trunc('month', now()) - interval '11 months' GROUP BY 1, 2 ORDER BY 1`,
    ),
    db.query<Array<{ contain: string | null; close: string | null }>>(
      `SELECT avg(EXTRACT(EPOCH FROM (c.at - i.detected_at))) AS contain, avg(EXTRACT(EPOCH FROM (i.closed_at - i.reported_at))) AS close
         FROM incidents i
         LEFT JOIN LATERAL (SELECT min(at) AS at FROM incident_entries e WHERE e.incident_id = i.id AND e.kind = 'ticket:contained') c ON true
        WHERE i.reported_at >= now() - interval '12 months'`,
    ),
    db.query<Array<{ state: string; count: string }>>(
      `SELECT d->>'state' AS state, count(*) AS count FROM incidents, jsonb_array_elements(deadlines) d
        WHERE reported_at >= now() - interval '12 months' AND d->>'state' IN ('submitted', 'submitted late', 'missed') GROUP BY 1`,
    ),
    db.query<Array<{ open: string; closed: string; close_days: string | null }>>(
      `SELECT count(*) FILTER (WHERE closed_at IS NULL AND status <> 'cancelled') AS open, count(*) FILTER (WHERE closed_at IS NOT NULL) AS closed,
              avg(EXTRACT(EPOCH FROM (closed_at - raised_at)) / 86400) FILTER (WHERE closed_at IS NOT NULL) AS close_days
         FROM nonconformities`,
    ),
    db.query<Array<{ reviewed: string; effective: string }>>(
      `SELECT count(*) AS reviewed, count(*) FILTER (WHERE data->>'effective' = 'yes') AS effective FROM nc_entries WHERE key = 'effectivenessReview-1'`,
    ),
    db.query<Array<{ owner: string; count: string }>>(
      `SELECT assignee AS owner, count(*) AS count FROM tasks WHERE status = 'open' AND due_at < now() GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15`,
    ),
    db.query<Array<Record<string, unknown>>>(
      `SELECT id, title, severity, step, workflow_id, next_deadline_at FROM incidents WHERE closed_at IS NULL ${f.severity ? 'AND severity = $1' : ''} ORDER BY reported_at DESC LIMIT 50`,
      f.severity ? [f.severity] : [],
    ),
    db.query<Array<Record<string, unknown>>>(
      `SELECT id, description, classification, status, owner, workflow_id, step_due_at FROM nonconformities WHERE closed_at IS NULL AND status <> 'cancelled' ${f.classification ? 'AND classification = $1' : ''} ORDER BY raised_at DESC LIMIT 50`,
      f.classification ? [f.classification] : [],
    ),
    db.query<Array<Record<string, unknown>>>(
      `SELECT id, title, assignee, process, due_at, workflow_id FROM tasks WHERE status = 'open'
         ${f.process ? 'AND process = $1' : ''} ${f.overdueOnly ? 'AND due_at < now()' : ''} ORDER BY due_at ASC LIMIT 100`,
      f.process ? [f.process] : [],
    ),
    db.getRepository(CertificationCycle).find({ where: { status: 'running' }, order: { id: 'ASC' } }),
    acknowledgementCoverage(db, localDate(Date.now(), timeZone)),
  ]);
  const [t] = times;
  const [nc] = ncs;
  const [eff] = effective;
  const months = Array.from({ length: 12 }, (_, i) => addMonths(`${new Date().toISOString().slice(0, 7)}-01`, i - 11).slice(0, 7));
  const severities = [...new Set(incidentsByMonth.map((r) => r.severity))].sort();
  return {
    incidentsByMonth: { months, series: severities.map((s) => ({ label: s, data: months.map((m) => n(incidentsByMonth.find((r) => r.month === m && r.severity === s)?.count)) })) },
    meanHoursToContain: round1(t?.contain ? n(t.contain) / 3600 : null),
    meanHoursToClose: round1(t?.close ? (n(t.close) * 1000) / HOUR : null),
    deadlines: { met: n(deadlines.find((d) => d.state === 'submitted')?.count), late: n(deadlines.find((d) => d.state === 'submitted late')?.count), missed: n(deadlines.find((d) => d.state === 'missed')?.count) },
    ncs: { open: n(nc?.open), closed: n(nc?.closed), meanDaysToClose: round1(nc?.close_days ? n(nc.close_days) : null) },
    effectiveFirstTime: { reviewed: n(eff?.reviewed), effective: n(eff?.effective) },
    overdueByOwner: overdueByOwner.map((r) => ({ owner: r.owner, count: n(r.count) })),
    openIncidents,
    openNcs,
    openTasks,
    cycles: cycles.filter((c) => c.view).map((c) => cycleTimeline(c.view!)),
    acknowledgements,
  };
}

export interface TimelineItem {
  label: string;
  date: string;
  state: 'done' | 'due' | 'overdue' | 'audit';
}

/** The cycle's year before its next audit, month by month: what is done, due and overdue, on which day. */
export function cycleTimeline(view: CycleView) {
  const today = localDate(Date.now(), view.organisation.timeZone);
  const audit = view.nextAudit;
  const end = audit?.date ?? today;
  const months = Array.from({ length: 13 }, (_, i) => addMonths(`${end.slice(0, 7)}-01`, i - 12).slice(0, 7));
  const items: TimelineItem[] = [
    ...view.audits.map((a) => ({ label: TITLES[a.kind], date: a.date, state: 'audit' as const })),
    ...view.activities
      .filter((a) => a.status !== 'notTracked' && a.status !== 'cancelled')
      .map((a) => ({
        label: TITLES[a.kind],
        date: a.status === 'completed' ? (a.completedOn ?? a.due) : a.due,
        state: a.status === 'completed' ? ('done' as const) : a.due < today ? ('overdue' as const) : ('due' as const),
      })),
  ].filter((i) => months.includes(i.date.slice(0, 7)));
  return { cycleId: view.cycleId, organisation: view.organisation.name, nextAudit: audit ? { kind: TITLES[audit.kind], date: audit.date } : null, months, items, workflowId: view.workflowId };
}

export type DashboardData = Awaited<ReturnType<typeof dashboardData>>;
