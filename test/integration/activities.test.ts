import { createTransport } from 'nodemailer';
import { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { loadConfig } from '../../libs/config/src';
import { dataSourceOptions, OutboundMail, TaskEvent, TaskLink, TaskRecord } from '../../libs/db/src';
import { taskInput } from '../support/task-input';
import { verifyPersonLink } from '../../libs/security/src';
import { mailbox } from '../support/system';

/** Activities run at least once: every one of them, run twice, must leave what running once leaves. */
describe('task activities against PostgreSQL and SMTP', () => {
  const config = loadConfig();
  const db = new DataSource(dataSourceOptions(config.databaseUrl));
  const mailer = createTransport(config.smtp.url);
  const acts = createActivities({ db, mailer, config });
  beforeAll(() => db.initialize());
  afterAll(async () => {
    mailer.close();
    await db.destroy();
  });

  const assignee = `twice.${process.pid}@example.com`;
  const escalateTo = `boss.${process.pid}@example.com`;
  const input = { ...taskInput(`act${process.pid}`, Date.now(), { assignee, escalateTo }), workflowId: `task:act${process.pid}` };
  const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString();

  it('opening twice writes one record and one event', async () => {
    await acts.openTask(input);
    await acts.openTask(input);
    expect(await db.getRepository(TaskRecord).countBy({ id: input.taskId })).toBe(1);
    expect(await db.getRepository(TaskEvent).countBy({ taskId: input.taskId, type: 'created' })).toBe(1);
  });

  it('a mail sent twice under one key reaches the person once, with one link', async () => {
    const first = await acts.sendTaskMail({ taskId: input.taskId, kind: 'assigned', key: 'assigned-v1', linkExpiresAt: expiry });
    const second = await acts.sendTaskMail({ taskId: input.taskId, kind: 'assigned', key: 'assigned-v1', linkExpiresAt: expiry });
    expect(first).toEqual({ sent: true, to: assignee });
    expect(second).toEqual({ sent: false, to: assignee });
    await mailbox.waitFor(assignee, /Task:/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await mailbox.to(assignee)).toHaveLength(1);
    expect(await db.getRepository(TaskLink).countBy({ taskId: input.taskId })).toBe(1);
    expect(await db.getRepository(OutboundMail).findOneByOrFail({ idempotencyKey: `task:${input.taskId}:assigned-v1` })).toMatchObject({ status: 'sent', to: assignee });
  });

  it('escalates in one mail each: the contact gets no link of the assignee\'s, every link is its addressee\'s own', async () => {
    const first = await acts.sendTaskMail({ taskId: input.taskId, kind: 'escalation', key: 'escalation-1', linkExpiresAt: expiry });
    await acts.sendTaskMail({ taskId: input.taskId, kind: 'escalation', key: 'escalation-1', linkExpiresAt: expiry });
    expect(first).toMatchObject({ sent: true, to: assignee });
    const toContact = await mailbox.waitFor(escalateTo, /Overdue/);
    const toAssignee = await mailbox.waitFor(assignee, /Overdue/);
    const myLink = (text: string) => verifyPersonLink(config.tasks.linkSecret, /\/my\/(\S+)/.exec(text)![1]);
    expect(toContact.Cc).toEqual([]);
    expect(toContact.Text).toContain(`assigned to ${assignee}, is overdue`);
    expect(toContact.Text).not.toContain('/t/');
    expect(myLink(toContact.Text)).toBe(escalateTo);
    expect(toAssignee.Cc).toEqual([]);
    expect(toAssignee.Text).toContain('/t/');
    expect(toAssignee.Text).toContain(`${escalateTo} has been told`);
    expect(myLink(toAssignee.Text)).toBe(assignee);
    await new Promise((r) => setTimeout(r, 300));
    expect((await mailbox.to(escalateTo)).filter((m) => /Overdue/.test(m.Subject))).toHaveLength(1);
    expect((await mailbox.to(assignee)).filter((m) => /Overdue/.test(m.Subject))).toHaveLength(1);
  });

  it('completing twice records one completion; nothing is mailed for a closed task', async () => {
    const completion = { outcome: 'done', completedBy: assignee, via: 'link' as const, linkVersion: 1 };
    const completedAt = new Date().toISOString();
    await acts.completeTask({ taskId: input.taskId, completion, completedAt });
    await acts.completeTask({ taskId: input.taskId, completion, completedAt });
    expect(await db.getRepository(TaskEvent).countBy({ taskId: input.taskId, type: 'completed' })).toBe(1);
    expect(await db.getRepository(TaskRecord).findOneByOrFail({ id: input.taskId })).toMatchObject({ status: 'completed', completedBy: assignee });
    expect((await db.getRepository(TaskLink).findOneByOrFail({ taskId: input.taskId, version: 1 })).usedAt).not.toBeNull();
    expect(await acts.sendTaskMail({ taskId: input.taskId, kind: 'reminder', key: 'reminder-24h-before', linkExpiresAt: expiry })).toEqual({ sent: false });
  });
});
