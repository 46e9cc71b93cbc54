import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/api-key.guard';
import type { Audited } from '../auth/audit-log';
import { ProblemException } from '../common/problem';
import { LINK_PAGE_HEADERS } from '../common/link-page';
import { parseFormData } from './task-form';
import { completedPage, linkProblemPage, taskFormPage } from '../../../../libs/templates/src';
import { TaskLinkError, TasksService } from './tasks.service';

/** The page a person reaches from their email; the signed link is their only credential. */
@Public()
@ApiExcludeController()
@Controller('t')
export class TaskPageController {
  constructor(private readonly tasks: TasksService) {}

  @Get(':token')
  async show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    await this.render(res, async () => {
      const { task } = await this.tasks.openLink(token);
      return { status: 200, html: taskFormPage(task) };
    });
  }

  @Post(':token')
  async submit(@Param('token') token: string, @Body() body: Record<string, unknown>, @Req() req: Audited, @Res() res: Response): Promise<void> {
    const field = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined);
    const evidence = (field('evidence') ?? '').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    await this.render(res, async () => {
      const { task, link } = await this.tasks.openLink(token);
      req.caller = { id: null, name: `task link of ${link.assignee}` };
      try {
        const data = task.form ? parseFormData(task.form, body) : undefined;
        return { status: 200, html: completedPage(await this.tasks.completeFromLink(token, { outcome: field('outcome'), notes: field('notes'), evidence, data })) };
      } catch (err) {
        if (!(err instanceof ProblemException)) throw err;
        if (err.problem.status === 422) return { status: 422, html: taskFormPage(task, { errors: err.problem.errors, raw: body }) };
        // Not recorded for now (the records or the process unavailable): the answers stay on the page to send again.
        if (err.problem.status === 503) return { status: 503, html: taskFormPage(task, { notice: err.problem.detail, raw: body }) };
        throw err;
      }
    });
  }

  private async render(res: Response, page: () => Promise<{ status: number; html: string }>): Promise<void> {
    res.set(LINK_PAGE_HEADERS);
    let result: { status: number; html: string };
    try {
      result = await page();
    } catch (err) {
      if (err instanceof TaskLinkError) result = linkProblemPage(err.reason);
      else if (err instanceof ProblemException && (err.problem.status === 409 || err.problem.status === 410)) {
        result = linkProblemPage(err.problem.status === 410 ? 'reassigned' : 'used');
      } else throw err;
    }
    res.status(result.status).type('html').send(result.html);
  }
}
