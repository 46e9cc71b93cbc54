import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { json, mailbox, startSystem } from '../support/system';

/** Screenshots a person would see, kept by every test run (CI keeps the folder as an artifact). */
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

describe('my tasks and the ISMS dashboard in a real browser, with links into the Temporal UI', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let browser: Browser;
  const pid = process.pid;
  const alice = `alice.${pid}@acme.example`;
  let soon: { id: string; workflowId: string };
  let later: { id: string };
  let cycleId: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [sys, browser] = await Promise.all([startSystem(), launchChromium()]);
    const task = (title: string, dueInMs: number) =>
      json(sys.api('/tasks', { method: 'POST', json: { title, instructions: 'Please do it.', assignee: alice, dueAt: new Date(Date.now() + dueInMs).toISOString() } }));
    // One falls due in seconds (the API takes no due date in the past), one next week.
    [soon, later] = await Promise.all([task(`Sign the acceptable use policy ${pid}`, 4000), task(`Review the supplier list ${pid}`, 7 * 86_400_000)]);
    await sys.api('/incidents', {
      method: 'POST',
      json: {
        system: 'jira',
        ticketId: `PAGES-${pid}`,
        title: 'Ransomware on a laptop',
        description: 'EDR alert on one laptop',
        detectedAt: new Date(Date.now() - 3_600_000).toISOString(),
        reportedBy: 'soc@acme.example',
        handler: 'handler@acme.example',
        dpo: 'dpo@acme.example',
        ciso: 'ciso@acme.example',
        triage: { isIncident: true, category: 'malware', severity: 'high', personalData: false },
      },
    });
    await sys.api('/nonconformities', {
      method: 'POST',
      json: { source: 'internalAudit', requirement: 'A.5.18 Access rights', description: `Leavers kept VPN access (${pid})`, classification: 'minor', owner: 'it@acme.example', ismsManager: 'isms@acme.example' },
    });
    const org = `pages-${pid}`;
    await sys.api('/organisations', {
      method: 'POST',
      json: { id: org, name: `Pages Corp ${pid}`, ismsManager: 'isms@acme.example', topManagement: ['ceo@acme.example'], certificationBody: { name: 'Example Cert' }, scope: 'Everything', timeZone: 'UTC' },
    });
    const decisionDate = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    expect((await sys.api('/certification-cycles', { method: 'POST', json: { organisationId: org, decisionDate } })).status).toBe(201);
    cycleId = `${org}:${decisionDate}`;
    for (let i = 0; i < 100 && !(await json(sys.api(`/certification-cycles/${cycleId}`))).activities?.length; i++) await new Promise((r) => setTimeout(r, 100));
    await mailbox.waitFor(alice, /Review the supplier list/);
    await new Promise((r) => setTimeout(r, Math.max(0, 4500)));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('my tasks: reached from the mail, overdue first, each opening its task page', async () => {
    const mail = await mailbox.waitFor(alice, /Sign the acceptable use policy/);
    const myLink = /All your tasks: (\S+)/.exec(mail.Text)![1];
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
    await page.goto(myLink);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your tasks');
    const rows = page.locator('table').first().locator('tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.nth(0).textContent()).resolves.toMatch(new RegExp(`Sign the acceptable use policy ${pid}.*overdue`));
    await expect(rows.nth(1).textContent()).resolves.toContain(`Review the supplier list ${pid}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'my-tasks.png'), fullPage: true });

    await rows.nth(1).getByRole('link').click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Review the supplier list ${pid}`);
    expect(later.id).toBeTruthy();

    const forged = await page.goto(myLink.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
    expect(forged?.status()).toBe(403);
    await page.close();
  });

  it('the dashboard: admins sign in with their key, see the cycle, the measures and the open work, each linked to its workflow', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const res = await page.goto(`${sys.baseUrl}/dashboard`);
    expect(res?.status()).toBe(401);
    await page.getByLabel('Admin API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not an admin API key');
    await page.getByLabel('Admin API key').fill(process.env.TEST_API_KEY!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('ISMS dashboard');

    // The cycle as a timeline: the year before its next audit, month by month.
    const cycle = page.locator('section', { hasText: `Pages Corp ${pid}` });
    await expect(cycle.getByRole('heading', { level: 3 }).textContent()).resolves.toMatch(/Surveillance audit 1 on \d{4}-\d{2}-\d{2}/);
    const planned = await json(sys.api(`/certification-cycles/${cycleId}`));
    const risk = planned.activities.find((a: { kind: string }) => a.kind === 'riskAssessment');
    await expect(cycle.locator('li li', { hasText: 'Risk assessment' }).first().textContent()).resolves.toContain(risk.due.slice(8));
    await expect(cycle.locator('li.audit').count()).resolves.toBeGreaterThanOrEqual(1);

    // The charts are drawn (and their numbers are in tables for those who cannot see them).
    await page.waitForSelector('canvas#incidents[data-drawn="true"]');
    await expect(page.locator('canvas[data-drawn="true"]').count()).resolves.toBe(4);
    await expect(page.getByText('Incidents per month by severity').count()).resolves.toBe(1);
    // Open work, filtered: the overdue task, the incident and the NC, each linked to Temporal.
    await expect(page.locator('body').textContent()).resolves.toContain(`jira:PAGES-${pid}: Ransomware on a laptop`);
    await expect(page.locator('tr', { hasText: `Leavers kept VPN access (${pid})` }).count()).resolves.toBe(0); // the list shows the NC's number, not its text
    await expect(page.locator('body').textContent()).resolves.toMatch(/NC-\d{4}-\d{4}/);
    await page.getByLabel('overdue tasks only').check();
    await page.getByRole('button', { name: 'Filter' }).click();
    const taskRow = page.locator('tr', { hasText: `Sign the acceptable use policy ${pid}` });
    await expect(taskRow.textContent()).resolves.toContain('overdue');
    await expect(page.locator('tr', { hasText: `Review the supplier list ${pid}` }).count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    // The link opens that workflow in the Temporal UI.
    const href = await taskRow.getByRole('link').getAttribute('href');
    expect(href).toContain(encodeURIComponent(soon.workflowId));
    await page.goto(href!);
    await page.getByText(soon.workflowId).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-workflow.png') });

    // And the Temporal UI's list filtered by the ismsflow search attribute shows it.
    const ui = new URL(href!).origin;
    await page.goto(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(`IsmsProcess="adHoc" AND IsmsOwner="${alice}"`)}`);
    await page.getByText(soon.workflowId).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-list.png') });

    // Signing out ends the session.
    await page.goto(`${sys.baseUrl}/dashboard`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByLabel('Admin API key').count()).resolves.toBe(1);
    await page.close();
  });
});
