import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { json, linkIn, mailbox, startSystem } from '../support/system';

describe('the task page in a real browser', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let browser: Browser;
  beforeAll(async () => {
    [sys, browser] = await Promise.all([startSystem(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('a person completes their task from the emailed link, and a used link says so', async () => {
    const owner = `policy.owner.${process.pid}@example.com`;
    const task = await json(
      sys.api('/tasks', {
        method: 'POST',
        json: {
          title: 'Approve the information security policy',
          instructions: 'Read version 3.2 and approve it, or say what must change.',
          assignee: owner,
          dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
          outcomes: ['approved', 'changes needed'],
        },
      }),
    );
    const link = linkIn(await mailbox.waitFor(owner, /Approve the information security policy/));
    const page = await browser.newPage();

    await page.goto(link);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Approve the information security policy');
    await page.getByLabel('Outcome').selectOption('changes needed');
    await page.getByLabel('Notes').fill('Section 4 must name the new CISO.');
    await page.getByLabel(/Evidence links/).fill('not a url');
    await page.getByRole('button', { name: 'Complete task' }).click();
    // A bad evidence link: the page says what is wrong and keeps what was typed.
    await expect(page.getByRole('alert').textContent()).resolves.toContain('evidence links must be http(s) URLs');
    await expect(page.getByLabel('Notes').inputValue()).resolves.toBe('Section 4 must name the new CISO.');

    await page.getByLabel(/Evidence links/).fill('https://docs.example.com/policy/v3.2/review');
    await page.getByRole('button', { name: 'Complete task' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('the task is completed');
    await page.screenshot({ path: path.join(process.env.TEST_STACK_DIR!, '..', 'task-page-completed.png') });

    const record = await json(sys.api(`/tasks/${task.id}`));
    expect(record).toMatchObject({
      status: 'completed',
      outcome: 'changes needed',
      notes: 'Section 4 must name the new CISO.',
      evidence: ['https://docs.example.com/policy/v3.2/review'],
      completedBy: owner,
    });

    const again = await page.goto(link);
    expect(again?.status()).toBe(410);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('This task is already completed');
    await page.screenshot({ path: path.join(process.env.TEST_STACK_DIR!, '..', 'task-page-used-link.png') });
  });
});
