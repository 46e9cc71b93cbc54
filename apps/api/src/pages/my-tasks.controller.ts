import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { In, IsNull, MoreThan, type DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { TaskLink, TaskRecord } from '../../../../libs/db/src';
import { escapeHtml } from '../../../../libs/mail/src';
import { signTaskLink, verifyPersonLink } from '../../../../libs/security/src';
import { Public } from '../auth/api-key.guard';
import { layout } from '../tasks/task-page';

const RECENT_DAYS = 30;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** A person's open and recent tasks, reached from any of their task mails; the signed link is the credential. */
@Public()
@ApiExcludeController()
@Controller('my')
export class MyTasksController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':token')
  async show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    const person = verifyPersonLink(this.config.tasks.linkSecret, token);
    if (!person) {
      res.status(403).type('html').send(layout('Link not valid', '<h1>This link is not valid</h1><p>It may have expired. Open the newest mail ismsflow sent you and follow "All your tasks" from there.</p>'));
      return;
    }
    const now = new Date();
    const [open, recent] = await Promise.all([
      this.db.getRepository(TaskRecord).find({ where: { assignee: person, status: 'open' }, order: { dueAt: 'ASC' }, take: 200 }),
      this.db.getRepository(TaskRecord).find({
        where: { assignee: person, status: In(['completed', 'cancelled']), createdAt: MoreThan(new Date(now.getTime() - RECENT_DAYS * 86_400_000)) },
        order: { completedAt: 'DESC' },
        take: 50,
      }),
    ]);
    const links = await this.db.getRepository(TaskLink).find({ where: { taskId: In(open.map((t) => t.id)), revokedAt: IsNull(), usedAt: IsNull() } });
    const linkOf = (t: TaskRecord) => {
      const l = links.filter((x) => x.taskId === t.id && x.version === t.linkVersion && x.expiresAt > now).at(-1);
      return l ? `/t/${signTaskLink(this.config.tasks.linkSecret, l)}` : undefined;
    };
    // Overdue first (longest overdue at the top), then by due date.
    const overdue = open.filter((t) => t.dueAt < now);
    const upcoming = open.filter((t) => t.dueAt >= now);
    const row = (t: TaskRecord, late: boolean) => {
      const href = linkOf(t);
      return `<tr${late ? ' class="late"' : ''}><td>${href ? `<a href="${escapeHtml(href)}">${escapeHtml(t.title)}</a>` : escapeHtml(t.title)}</td><td>${day(t.dueAt)}${late ? ' <strong>overdue</strong>' : ''}</td><td>${escapeHtml(t.process)}</td></tr>`;
    };
    const table = (caption: string, rows: string[]) =>
      rows.length ? `<table><caption>${caption}</caption><thead><tr><th scope="col">Task</th><th scope="col">Due</th><th scope="col">Process</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '';
    const done = recent.map(
      (t) => `<tr><td>${escapeHtml(t.title)}</td><td>${t.status === 'completed' && t.completedAt ? `done ${day(t.completedAt)}` : t.status}</td><td>${escapeHtml(t.process)}</td></tr>`,
    );
    const body = `<h1>Your tasks</h1><p class="muted">${escapeHtml(person)}</p>
${open.length ? '' : '<p class="ok">Nothing open. Thank you.</p>'}
${table(`Open (${open.length}, ${overdue.length} overdue)`, [...overdue.map((t) => row(t, true)), ...upcoming.map((t) => row(t, false))])}
${recent.length ? `<table><caption>Done or closed in the last ${RECENT_DAYS} days</caption><thead><tr><th scope="col">Task</th><th scope="col">Status</th><th scope="col">Process</th></tr></thead><tbody>${done.join('')}</tbody></table>` : ''}`;
    res.status(200).type('html').send(layout('Your tasks', body, { style: MY_STYLE }));
  }
}

const MY_STYLE = `table{width:100%;border-collapse:collapse;margin-top:1.5rem}caption{text-align:left;font-weight:700;padding:.4rem 0}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #ddd;vertical-align:top}tr.late td{background:#fef2f2}
tr.late strong{color:#991b1b}a{color:#1d4ed8}@media (max-width:30rem){td:nth-child(3),th:nth-child(3){display:none}}`;
