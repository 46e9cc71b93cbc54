import { Module } from '@nestjs/common';
import { AcknowledgePageController } from './acknowledge-page.controller';
import { AcknowledgementsController } from './acknowledgements.controller';
import { AcknowledgementsService } from './acknowledgements.service';

/** Policy acknowledgement: the rounds' records for systems and auditors, and the page people answer on. */
@Module({ controllers: [AcknowledgementsController, AcknowledgePageController], providers: [AcknowledgementsService], exports: [AcknowledgementsService] })
export class AcknowledgementsModule {}
