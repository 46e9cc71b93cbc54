import { renderPage } from '../render';
import { Layout } from './layout';

export const RECENT_DAYS = 30;
const day = (d: Date) => d.toISOString().slice(0, 10);

interface Listed {
  title: string;
  dueAt: Date;
  process: string;
  status: string;
  completedAt: Date | null;
  /** The task page, for an open task whose link is still good. */
  href?: string;
}

/** A person's open and recent tasks, overdue first (longest overdue at the top), then by due date. */
export function myTasksPage(person: string, open: Listed[], recent: Listed[], now: Date): string {
  const overdue = open.filter((t) => t.dueAt < now);
  const upcoming = open.filter((t) => t.dueAt >= now);
  const row = (t: Listed, late: boolean) => (
    <tr class={late ? 'late' : undefined}>
      <td>{t.href ? <a href={t.href}>{t.title}</a> : t.title}</td>
      <td>
        {day(t.dueAt)}
        {late && <strong> overdue</strong>}
      </td>
      <td>{t.process}</td>
    </tr>
  );
  return renderPage(
    <Layout title="Your tasks" style={STYLE}>
      <h1>Your tasks</h1>
      <p class="muted">{person}</p>
      {open.length === 0 && <p class="ok">Nothing open. Thank you.</p>}
      {open.length > 0 && (
        <table>
          <caption>{`Open (${open.length}, ${overdue.length} overdue)`}</caption>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Due</th>
              <th scope="col">Process</th>
            </tr>
          </thead>
          <tbody>
            {overdue.map((t) => row(t, true))}
            {upcoming.map((t) => row(t, false))}
          </tbody>
        </table>
      )}
      {recent.length > 0 && (
        <table>
          <caption>{`Done or closed in the last ${RECENT_DAYS} days`}</caption>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Status</th>
              <th scope="col">Process</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((t) => (
              <tr>
                <td>{t.title}</td>
                <td>{t.status === 'completed' && t.completedAt ? `done ${day(t.completedAt)}` : t.status}</td>
                <td>{t.process}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>,
  );
}

const STYLE = `table{width:100%;border-collapse:collapse;margin-top:1.5rem}caption{text-align:left;font-weight:700;padding:.4rem 0}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #ddd;vertical-align:top}tr.late td{background:#fef2f2}
tr.late strong{color:#991b1b}a{color:#1d4ed8}@media (max-width:30rem){td:nth-child(3),th:nth-child(3){display:none}}`;
