import { Module } from '@nestjs/common';
import { CertificationModule } from '../certification/certification.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { NonconformitiesModule } from '../nonconformities/nonconformities.module';
import { DocumentsModule } from '../registers/documents/documents.module';
import { PendingStarts } from './pending-starts.service';

@Module({ imports: [NonconformitiesModule, IncidentsModule, CertificationModule, DocumentsModule], providers: [PendingStarts] })
export class PendingStartsModule {}
