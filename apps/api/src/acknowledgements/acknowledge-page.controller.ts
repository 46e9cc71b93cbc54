import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/api-key.guard';
import type { Audited } from '../auth/audit-log';
import { LINK_PAGE_HEADERS } from '../common/link-page';
import { acknowledgePage, messagePage } from '../../../../libs/templates/src';
import { AcknowledgementLinkError, AcknowledgementsService } from './acknowledgements.service';

/** The page a person reaches from their acknowledgement mail; the signed link is their only credential. */
@Public()
@ApiExcludeController()
@Controller('ack')
export class AcknowledgePageController {
  constructor(private readonly acknowledgements: AcknowledgementsService) {}

  @Get(':token')
  async show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    await this.render(res, async () => {
      const { policy, person, done } = await this.acknowledgements.openLink(token);
      return acknowledgePage(policy, { name: person.name, email: person.email }, done);
    });
  }

  @Post(':token')
  async acknowledge(@Param('token') token: string, @Req() req: Audited, @Res() res: Response): Promise<void> {
    await this.render(res, async () => {
      const { policy, person, done } = await this.acknowledgements.acknowledgeFromLink(token);
      req.caller = { id: null, name: `acknowledgement link of ${person.email}` };
      return acknowledgePage(policy, { name: person.name, email: person.email }, done);
    });
  }

  private async render(res: Response, page: () => Promise<string>): Promise<void> {
    res.set(LINK_PAGE_HEADERS);
    try {
      res.status(200).type('html').send(await page());
    } catch (err) {
      if (!(err instanceof AcknowledgementLinkError)) throw err;
      res.status(err.status).type('html').send(messagePage(err.title, err.text));
    }
  }
}
