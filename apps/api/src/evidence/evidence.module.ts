import { Module } from '@nestjs/common';
import { EvidenceController, EvidencePackController } from './evidence.controller';
import { EvidenceService } from './evidence.service';

@Module({ controllers: [EvidenceController, EvidencePackController], providers: [EvidenceService] })
export class EvidenceModule {}
