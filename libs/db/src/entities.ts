/** Every table, by area; ENTITIES is what the data source maps. */
import { AcknowledgementRequest, AcknowledgementRound } from './entities/acknowledgements';
import { ApiKey, AuditLogEntry, DashboardSession } from './entities/access';
import { CertificationCycle, CycleActivityRecord, Incident, IncidentEntry, NcCounter, NcEntry, Nonconformity, Organisation, WebhookDeadLetter } from './entities/processes';
import { DocumentAcknowledgement, DocumentRecord, DocumentVersion, EvidenceEntry, Improvement, ImprovementCounter, KpiMeasurement, Objective, Person, Risk, RiskAcceptance, RiskVersion, SoaControl, Supplier, TrainingRecord } from './entities/registers';
import { OutboundMail, TaskEvent, TaskLink, TaskRecord } from './entities/tasks';

export * from './entities/acknowledgements';
export * from './entities/access';
export * from './entities/processes';
export * from './entities/registers';
export * from './entities/tasks';

export const ENTITIES = [
  AcknowledgementRound,
  AcknowledgementRequest,
  DashboardSession,
  TaskRecord,
  TaskEvent,
  TaskLink,
  OutboundMail,
  ApiKey,
  Nonconformity,
  NcEntry,
  NcCounter,
  Incident,
  IncidentEntry,
  WebhookDeadLetter,
  Organisation,
  CertificationCycle,
  CycleActivityRecord,
  EvidenceEntry,
  Risk,
  RiskVersion,
  Person,
  RiskAcceptance,
  SoaControl,
  DocumentRecord,
  DocumentVersion,
  DocumentAcknowledgement,
  Improvement,
  ImprovementCounter,
  Supplier,
  TrainingRecord,
  Objective,
  KpiMeasurement,
  AuditLogEntry,
];
