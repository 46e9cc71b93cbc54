import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { In, IsNull, MoreThan, type DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { TaskLink, TaskRecord } from '../../../../libs/db/src';
import { signTaskLink, verifyPersonLink } from '../../../../libs/security/src';
import { Public } from '../auth/api-key.guard';
import { messagePage, myTasksPage, RECENT_DAYS } from '../../../../libs/templates/src';


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
      res.status(403).type('html').send(messagePage('This link is not valid', 'It may have expired. Open the newest mail ismsflow sent you and follow "All your tasks" from there.'));
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
    res.status(200).type('html').send(myTasksPage(person, open.map((t) => ({ ...t, href: linkOf(t) })), recent, now));
  }
}
