import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module';
import { CertificationController } from './certification.controller';
import { CertificationService } from './certification.service';

@Module({ imports: [OrganisationsModule], controllers: [CertificationController], providers: [CertificationService], exports: [CertificationService] })
export class CertificationModule {}
