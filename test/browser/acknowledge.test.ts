import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../libs/config/src';
import { addDays, localDate } from '../../libs/domain/src';
import { launchChromium } from '../support/browser';
import { json, mailbox, startSystem } from '../support/system';

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

describe('acknowledging a policy from the mail, on a phone', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let browser: Browser;
  const pid = process.pid;
  const person = `phone.ack${pid}@acme.example`;
  const doc = `POL-PHONE-${pid}`;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [sys, browser] = await Promise.all([startSystem(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('the page fits the screen, shows the policy and its link, and one tap records the acknowledgement', async () => {
    const today = localDate(Date.now(), loadConfig().timeZone);
    const dept = `Phone-${pid}`;
    expect((await sys.api(`/people/${encodeURIComponent(person)}`, { method: 'PUT', json: { name: 'Pat Phone', department: dept, startDate: '2025-03-03' } })).status).toBe(201);
    expect((await sys.api('/documents', { method: 'POST', json: { id: doc, title: 'Acceptable use policy', kind: 'policy', owner: 'isms@acme.example', audience: `department:${dept}` } })).status).toBe(201);
    const version = { version: '3.0', author: 'isms@acme.example', approver: 'ceo@acme.example', approvedOn: today, nextReview: addDays(today, 365), summary: 'Personal devices: what is allowed, and what is not.', link: 'https://intranet.acme.example/aup' };
    expect((await sys.api(`/documents/${doc}/versions`, { method: 'POST', json: version })).status).toBe(201);
    const mail = await mailbox.waitFor(person, /Please read: Acceptable use policy 3\.0/);
    const link = /(https?:\/\/\S+\/ack\/[A-Za-z0-9._-]+)/.exec(mail.Text)![1];

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(link);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Acceptable use policy');
    await expect(page.getByRole('link', { name: 'Read the policy' }).getAttribute('href')).resolves.toBe('https://intranet.acme.example/aup');
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(ARTIFACTS, 'acknowledge.png'), fullPage: true });

    await page.getByRole('button', { name: 'I acknowledge' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Thank you, Pat Phone');
    await expect(page.getByRole('button', { name: 'I acknowledge' }).count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'acknowledged.png'), fullPage: true });
    await page.close();

    const [coverage] = ((await json(sys.api('/acknowledgements/coverage'))).items as Array<{ documentId: string }>).filter((c) => c.documentId === doc);
    expect(coverage).toMatchObject({ people: 1, acknowledged: 1 });
  });
});
