import { Module } from '@nestjs/common';
import { DocumentsController } from './documents';
import { ObjectivesController } from './objectives';
import { RisksController } from './risks';
import { SoaController } from './soa';
import { SuppliersController } from './suppliers';
import { TrainingController } from './training';

/** The registers auditors ask for; each write appends to the evidence log. */
@Module({ controllers: [RisksController, SoaController, DocumentsController, SuppliersController, TrainingController, ObjectivesController] })
export class RegistersModule {}
