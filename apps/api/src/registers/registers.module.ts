import { Module } from '@nestjs/common';
import { DocumentsModule } from './documents/documents.module';
import { ImprovementsModule } from './improvements/improvements.module';
import { ObjectivesModule } from './objectives/objectives.module';
import { PeopleModule } from './people/people.module';
import { RisksModule } from './risks/risks.module';
import { SoaModule } from './soa/soa.module';
import { SuppliersModule } from './suppliers/suppliers.module';
import { TrainingModule } from './training/training.module';

/** The registers auditors ask for, one feature folder each; every write appends to the evidence log. */
@Module({ imports: [RisksModule, SoaModule, DocumentsModule, SuppliersModule, TrainingModule, ObjectivesModule, PeopleModule, ImprovementsModule] })
export class RegistersModule {}
