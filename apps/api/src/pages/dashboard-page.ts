import { escapeHtml } from '../../../../libs/mail/src';
import { layout } from '../tasks/task-page';
import type { DashboardData, DashboardFilters } from './dashboard-data';

const e = (v: unknown) => escapeHtml(v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const day = (v: unknown) => (v ? new Date(v as string).toISOString().slice(0, 10) : '');
const MARK = { done: '✓ done', due: 'due', overdue: '! overdue', audit: 'external audit' };

/** A chart (drawn by /assets/dashboard.js from its data) with the same numbers as a table, for screen readers and no-JS. */
function chart(id: string, title: string, data: unknown, table: string): string {
  return `<figure class="card"><figcaption>${e(title)}</figcaption><div class="chart"><canvas id="${id}" role="img" aria-label="${e(title)}"></canvas></div>
<script type="application/json" data-chart="${id}">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
<details><summary>The numbers</summary>${table}</details></figure>`;
}

const rowsTable = (head: string[], rows: Array<Array<string | number>>) =>
  `<table><thead><tr>${head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

export function dashboardPage(d: DashboardData, f: DashboardFilters, ui: (workflowId: string) => string, caller: string, csrf: string): string {
  const timelines = d.cycles
    .map(
      (c) => `<section aria-labelledby="cy-${e(c.cycleId)}"><h3 id="cy-${e(c.cycleId)}">${e(c.organisation)}: ${c.nextAudit ? `${e(c.nextAudit.kind)} on ${e(c.nextAudit.date)}` : 'no audit ahead'} <a href="${e(ui(c.workflowId))}">in Temporal</a></h3>
<ol class="timeline">${c.months
        .map((m) => {
          const items = c.items.filter((i) => i.date.startsWith(m)).sort((a, b) => a.date.localeCompare(b.date));
          return `<li><h4>${m}</h4><ul>${items.map((i) => `<li class="${i.state}"><span class="sr">${MARK[i.state]}: </span>${e(i.label)} <time datetime="${i.date}">${i.date.slice(8)}</time>${i.state === 'audit' ? '' : ` <small>${MARK[i.state]}</small>`}</li>`).join('')}</ul></li>`;
        })
        .join('')}</ol></section>`,
    )
    .join('');
  const m = d.incidentsByMonth;
  const select = (name: string, options: string[], value?: string) =>
    `<label>${name}<select name="${name}"><option value="">any</option>${options.map((o) => `<option${o === value ? ' selected' : ''}>${e(o)}</option>`).join('')}</select></label>`;
  const body = `<header class="top"><h1>ISMS dashboard</h1><form method="post" action="/dashboard/logout">${csrfField(csrf)}<span class="muted">${e(caller)}</span> <button>Sign out</button></form></header>
<h2>Certification cycle</h2>
${timelines || '<p>No certification cycle is running: start one with POST /certification-cycles.</p>'}
<p class="legend"><span class="done">✓ done</span> <span class="due">due</span> <span class="overdue">! overdue</span> <span class="audit">external audit</span></p>
<h2>Measures (last 12 months)</h2>
<div class="grid">
${chart('incidents', 'Incidents per month by severity', { type: 'bar', stacked: true, labels: m.months, series: m.series }, rowsTable(['month', ...m.series.map((s) => s.label)], m.months.map((mo, i) => [mo, ...m.series.map((s) => s.data[i])])))}
${chart('deadlines', 'Regulatory deadlines met, late and missed', { type: 'doughnut', labels: ['met', 'late', 'missed'], series: [{ label: 'reports', data: [d.deadlines.met, d.deadlines.late, d.deadlines.missed] }] }, rowsTable(['met', 'late', 'missed'], [[d.deadlines.met, d.deadlines.late, d.deadlines.missed]]))}
${chart('ncs', 'Nonconformities open and closed', { type: 'bar', labels: ['open', 'closed'], series: [{ label: 'nonconformities', data: [d.ncs.open, d.ncs.closed] }] }, rowsTable(['open', 'closed', 'mean days to close'], [[d.ncs.open, d.ncs.closed, d.ncs.meanDaysToClose ?? 'n/a']]))}
${chart('overdue', 'Overdue tasks by owner', { type: 'bar', horizontal: true, labels: d.overdueByOwner.map((o) => o.owner), series: [{ label: 'overdue tasks', data: d.overdueByOwner.map((o) => o.count) }] }, rowsTable(['owner', 'overdue'], d.overdueByOwner.map((o) => [e(o.owner), o.count])))}
</div>
<dl class="figures">
<div><dt>Mean time to contain an incident</dt><dd>${d.meanHoursToContain ?? 'n/a'} h</dd></div>
<div><dt>Mean time to close an incident</dt><dd>${d.meanHoursToClose ?? 'n/a'} h</dd></div>
<div><dt>Mean time to close a nonconformity</dt><dd>${d.ncs.meanDaysToClose ?? 'n/a'} days</dd></div>
<div><dt>Corrective actions effective on first review</dt><dd>${d.effectiveFirstTime.reviewed ? `${Math.round((100 * d.effectiveFirstTime.effective) / d.effectiveFirstTime.reviewed)} % (${d.effectiveFirstTime.effective} of ${d.effectiveFirstTime.reviewed})` : 'n/a'}</dd></div>
</dl>
<h2>Open work</h2>
<form method="get" action="/dashboard" class="filters">
${select('severity', ['low', 'medium', 'high', 'critical'], f.severity)}
${select('classification', ['major', 'minor', 'ofi'], f.classification)}
${select('process', ['adHoc', 'correctiveAction', 'incidentResponse', 'internalAudit', 'managementReview', 'riskAssessment', 'policyReview', 'trainingCampaign', 'supplierReview', 'accessReview', 'kpiMeasurement'], f.process)}
<label><input type="checkbox" name="overdue" value="1"${f.overdueOnly ? ' checked' : ''}> overdue tasks only</label>
<button>Filter</button></form>
<h3>Incidents (${d.openIncidents.length})</h3>
${rowsTable(['incident', 'severity', 'step', 'next deadline', 'workflow'], d.openIncidents.map((i) => [`${e(i.id)}: ${e(i.title)}`, e(i.severity ?? 'unassessed'), e(i.step), day(i.next_deadline_at), `<a href="${e(ui(String(i.workflow_id)))}">${e(i.workflow_id)}</a>`]))}
<h3>Nonconformities (${d.openNcs.length})</h3>
${rowsTable(['NC', 'class', 'step', 'owner', 'step due', 'workflow'], d.openNcs.map((n) => [e(n.id), e(n.classification), e(n.status), e(n.owner), day(n.step_due_at), `<a href="${e(ui(String(n.workflow_id)))}">${e(n.workflow_id)}</a>`]))}
<h3>Tasks (${d.openTasks.length})</h3>
${rowsTable(['task', 'assignee', 'process', 'due', 'workflow'], d.openTasks.map((t) => [e(t.title), e(t.assignee), e(t.process), `${day(t.due_at)}${new Date(t.due_at as string) < new Date() ? ' <strong class="overdue">overdue</strong>' : ''}`, `<a href="${e(ui(String(t.workflow_id)))}">${e(t.workflow_id)}</a>`]))}
<script src="/assets/chart.umd.min.js" defer></script><script src="/assets/dashboard.js" defer></script>`;
  return layout('ISMS dashboard', body, { wide: true, style: STYLE });
}

/** The CSRF token every posted form carries (see libs/security csrf.ts). */
const csrfField = (token: string) => `<input type="hidden" name="csrf" value="${e(token)}">`;

export function loginPage(csrf: string, error?: string): string {
  return layout(
    'Sign in',
    `<h1>ISMS dashboard</h1>${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}
<form method="post" action="/dashboard/login">${csrfField(csrf)}<label for="apiKey">Admin API key</label><input id="apiKey" name="apiKey" type="password" autocomplete="current-password" required>
<button>Sign in</button></form><p class="muted">Create one with <code>npm run apikey -- create &lt;name&gt; --role admin</code>. There is no default password.</p>`,
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
