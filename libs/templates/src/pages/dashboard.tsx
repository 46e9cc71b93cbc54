import type { ComponentChildren } from 'preact';
import { renderPage } from '../render';
import { Layout } from './layout';

type Row = Record<string, unknown>;
interface Series {
  label: string;
  data: number[];
}

/** What the ISMS dashboard shows (apps/api/src/pages/dashboard-data.ts gathers it). */
export interface DashboardFacts {
  incidentsByMonth: { months: string[]; series: Series[] };
  meanHoursToContain: number | null;
  meanHoursToClose: number | null;
  deadlines: { met: number; late: number; missed: number };
  ncs: { open: number; closed: number; meanDaysToClose: number | null };
  effectiveFirstTime: { reviewed: number; effective: number };
  overdueByOwner: Array<{ owner: string; count: number }>;
  openIncidents: Row[];
  openNcs: Row[];
  openTasks: Row[];
  cycles: Array<{
    cycleId: string;
    organisation: string;
    nextAudit: { kind: string; date: string } | null;
    months: string[];
    items: Array<{ label: string; date: string; state: 'done' | 'due' | 'overdue' | 'audit' }>;
    workflowId: string;
  }>;
  /** Policy acknowledgement coverage: per policy, and per department within it. */
  acknowledgements: Array<{ documentId: string; title: string; version: string; people: number; acknowledged: number; departments: Array<{ department: string; people: number; acknowledged: number }> }>;
}

export interface DashboardFilters {
  severity?: string;
  classification?: string;
  process?: string;
  overdueOnly: boolean;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const day = (v: unknown) => (v ? new Date(v as string).toISOString().slice(0, 10) : '');
const share = (part: number, whole: number) => (whole ? `${Math.floor((100 * part) / whole)} %` : 'n/a');
const MARK = { done: '✓ done', due: 'due', overdue: '! overdue', audit: 'external audit' };
const PROCESSES = ['adHoc', 'correctiveAction', 'incidentResponse', 'internalAudit', 'managementReview', 'riskAssessment', 'policyReview', 'trainingCampaign', 'supplierReview', 'accessReview', 'kpiMeasurement'];

function Table({ head, rows }: { head: string[]; rows: ComponentChildren[][] }) {
  return (
    <table>
      <thead>
        <tr>
          {head.map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            {r.map((c) => (
              <td>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A chart (drawn by /assets/dashboard.js from its data) with the same numbers as a table, for screen readers and no-JS. */
function Chart({ id, title, data, children }: { id: string; title: string; data: unknown; children: ComponentChildren }) {
  // JSON in a script element: `<` escaped so no value can end the element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return (
    <figure class="card">
      <figcaption>{title}</figcaption>
      <div class="chart">
        <canvas id={id} role="img" aria-label={title} />
      </div>
      <script type="application/json" data-chart={id} dangerouslySetInnerHTML={{ __html: json }} />
      <details>
        <summary>The numbers</summary>
        {children}
      </details>
    </figure>
  );
}

function Select({ name, options, value }: { name: string; options: string[]; value?: string }) {
  return (
    <label>
      {name}
      <select name={name}>
        <option value="">any</option>
        {options.map((o) => (
          <option selected={o === value}>{o}</option>
        ))}
      </select>
    </label>
  );
}

/** The CSRF token every posted form carries (see libs/security csrf.ts). */
const Csrf = ({ token }: { token: string }) => <input type="hidden" name="csrf" value={token} />;

function Workflow({ id, ui }: { id: unknown; ui: (workflowId: string) => string }) {
  return <a href={ui(String(id))}>{text(id)}</a>;
}

export function dashboardPage(d: DashboardFacts, f: DashboardFilters, ui: (workflowId: string) => string, caller: string, csrf: string): string {
  const m = d.incidentsByMonth;
  const now = new Date();
  const percent = d.effectiveFirstTime.reviewed ? `${Math.round((100 * d.effectiveFirstTime.effective) / d.effectiveFirstTime.reviewed)} % (${d.effectiveFirstTime.effective} of ${d.effectiveFirstTime.reviewed})` : 'n/a';
  return renderPage(
    <Layout title="ISMS dashboard" wide style={STYLE}>
      <header class="top">
        <h1>ISMS dashboard</h1>
        <form method="post" action="/dashboard/logout">
          <Csrf token={csrf} />
          <span class="muted">{caller}</span> <button>Sign out</button>
        </form>
      </header>
      <h2>Certification cycle</h2>
      {d.cycles.length === 0 && <p>No certification cycle is running: start one with POST /certification-cycles.</p>}
      {d.cycles.map((c) => (
        <section aria-labelledby={`cy-${c.cycleId}`}>
          <h3 id={`cy-${c.cycleId}`}>
            {c.organisation}: {c.nextAudit ? `${c.nextAudit.kind} on ${c.nextAudit.date}` : 'no audit ahead'} <a href={ui(c.workflowId)}>in Temporal</a>
          </h3>
          <ol class="timeline">
            {c.months.map((month) => (
              <li>
                <h4>{month}</h4>
                <ul>
                  {c.items
                    .filter((i) => i.date.startsWith(month))
                    .sort((a, b) => a.date.localeCompare(b.date))
                    .map((i) => (
                      <li class={i.state}>
                        <span class="sr">{MARK[i.state]}: </span>
                        {i.label} <time datetime={i.date}>{i.date.slice(8)}</time>
                        {i.state !== 'audit' && <small> {MARK[i.state]}</small>}
                      </li>
                    ))}
                </ul>
              </li>
            ))}
          </ol>
        </section>
      ))}
      <p class="legend">
        <span class="done">✓ done</span> <span class="due">due</span> <span class="overdue">! overdue</span> <span class="audit">external audit</span>
      </p>
      <h2>Measures (last 12 months)</h2>
      <div class="grid">
        <Chart id="incidents" title="Incidents per month by severity" data={{ type: 'bar', stacked: true, labels: m.months, series: m.series }}>
          <Table head={['month', ...m.series.map((s) => s.label)]} rows={m.months.map((mo, i) => [mo, ...m.series.map((s) => s.data[i])])} />
        </Chart>
        <Chart id="deadlines" title="Regulatory deadlines met, late and missed" data={{ type: 'doughnut', labels: ['met', 'late', 'missed'], series: [{ label: 'reports', data: [d.deadlines.met, d.deadlines.late, d.deadlines.missed] }] }}>
          <Table head={['met', 'late', 'missed']} rows={[[d.deadlines.met, d.deadlines.late, d.deadlines.missed]]} />
        </Chart>
        <Chart id="ncs" title="Nonconformities open and closed" data={{ type: 'bar', labels: ['open', 'closed'], series: [{ label: 'nonconformities', data: [d.ncs.open, d.ncs.closed] }] }}>
          <Table head={['open', 'closed', 'mean days to close']} rows={[[d.ncs.open, d.ncs.closed, d.ncs.meanDaysToClose ?? 'n/a']]} />
        </Chart>
        <Chart id="overdue" title="Overdue tasks by owner" data={{ type: 'bar', horizontal: true, labels: d.overdueByOwner.map((o) => o.owner), series: [{ label: 'overdue tasks', data: d.overdueByOwner.map((o) => o.count) }] }}>
          <Table head={['owner', 'overdue']} rows={d.overdueByOwner.map((o) => [o.owner, o.count])} />
        </Chart>
      </div>
      <dl class="figures">
        <div>
          <dt>Mean time to contain an incident</dt>
          <dd>{d.meanHoursToContain ?? 'n/a'} h</dd>
        </div>
        <div>
          <dt>Mean time to close an incident</dt>
          <dd>{d.meanHoursToClose ?? 'n/a'} h</dd>
        </div>
        <div>
          <dt>Mean time to close a nonconformity</dt>
          <dd>{d.ncs.meanDaysToClose ?? 'n/a'} days</dd>
        </div>
        <div>
          <dt>Corrective actions effective on first review</dt>
          <dd>{percent}</dd>
        </div>
      </dl>
      <h2>Policy acknowledgement</h2>
      {d.acknowledgements.length === 0 ? (
        <p class="muted">No policy has an audience yet: give one (PUT /documents/{'{id}'}/audience) and its people are asked to acknowledge it.</p>
      ) : (
        <Table
          head={['policy', 'version', 'department', 'acknowledged', 'of people', 'coverage']}
          rows={d.acknowledgements.flatMap((p) => [
            [<strong>{`${p.documentId}: ${p.title}`}</strong>, p.version, 'all', p.acknowledged, p.people, share(p.acknowledged, p.people)],
            ...p.departments.map((dep) => ['', '', dep.department, dep.acknowledged, dep.people, share(dep.acknowledged, dep.people)]),
          ])}
        />
      )}
      <h2>Open work</h2>
      <form method="get" action="/dashboard" class="filters">
        <Select name="severity" options={['low', 'medium', 'high', 'critical']} value={f.severity} />
        <Select name="classification" options={['major', 'minor', 'ofi']} value={f.classification} />
        <Select name="process" options={PROCESSES} value={f.process} />
        <label>
          <input type="checkbox" name="overdue" value="1" checked={f.overdueOnly} /> overdue tasks only
        </label>
        <button>Filter</button>
      </form>
      <h3>Incidents ({d.openIncidents.length})</h3>
      <Table
        head={['incident', 'severity', 'step', 'next deadline', 'workflow']}
        rows={d.openIncidents.map((i) => [`${text(i.id)}: ${text(i.title)}`, text(i.severity ?? 'unassessed'), text(i.step), day(i.next_deadline_at), <Workflow id={i.workflow_id} ui={ui} />])}
      />
      <h3>Nonconformities ({d.openNcs.length})</h3>
      <Table
        head={['NC', 'class', 'step', 'owner', 'step due', 'workflow']}
        rows={d.openNcs.map((n) => [text(n.id), text(n.classification), text(n.status), text(n.owner), day(n.step_due_at), <Workflow id={n.workflow_id} ui={ui} />])}
      />
      <h3>Tasks ({d.openTasks.length})</h3>
      <Table
        head={['task', 'assignee', 'process', 'due', 'workflow']}
        rows={d.openTasks.map((t) => [
          text(t.title),
          text(t.assignee),
          text(t.process),
          <>
            {day(t.due_at)}
            {new Date(t.due_at as string) < now && <strong class="overdue"> overdue</strong>}
          </>,
          <Workflow id={t.workflow_id} ui={ui} />,
        ])}
      />
      <script src="/assets/chart.umd.min.js" defer />
      <script src="/assets/dashboard.js" defer />
    </Layout>,
  );
}

export function loginPage(csrf: string, error?: string): string {
  return renderPage(
    <Layout title="Sign in">
      <h1>ISMS dashboard</h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form method="post" action="/dashboard/login">
        <Csrf token={csrf} />
        <label for="apiKey">Admin API key</label>
        <input id="apiKey" name="apiKey" type="password" autocomplete="current-password" required />
        <button>Sign in</button>
      </form>
      <p class="muted">
        Create one with <code>npm run apikey -- create &lt;name&gt; --role admin</code>. There is no default password.
      </p>
    </Layout>,
  );
}

const STYLE = `.top{display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap}.top button{margin:0}
table{width:100%;border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ddd;vertical-align:top}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}.card{border:1px solid #ddd;border-radius:6px;padding:.8rem;margin:0}
figcaption{font-weight:700}.chart{position:relative;height:14rem}.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem}.figures dd{font-size:1.4rem}
.timeline{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.4rem;list-style:none;padding:0}
.timeline>li{border:1px solid #ddd;border-radius:4px;padding:.3rem;min-height:4rem}.timeline h4{margin:0 0 .2rem;font-size:.85rem}
.timeline ul{list-style:none;padding:0;margin:0;font-size:.85rem}.timeline li li{padding:.1rem .2rem;border-radius:3px;margin:.1rem 0}
.done{background:#dcfce7;color:#14532d}.due{background:#e0e7ff;color:#1e3a8a}.overdue{background:#fee2e2;color:#7f1d1d}.audit{background:#fef3c7;color:#78350f;font-weight:700}
.legend span{padding:.1rem .4rem;border-radius:3px}.filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:end}.filters label{margin:0}.filters select,.filters input[type=checkbox]{width:auto}.filters button{margin:0}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}a{color:#1d4ed8}`;
