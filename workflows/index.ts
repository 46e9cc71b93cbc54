export { humanTask } from './human-task';
export { correctiveAction } from './corrective-action';
export { incidentResponse } from './incident-response';
export { regulatoryReport } from './regulatory-report';
export { certificationCycle } from './certification-cycle';
export { internalAudit, managementReview, riskAssessment, policyReview, trainingCampaign, supplierReview, accessReview, kpiMeasurement } from './programme';
export { acknowledgementRound, acknowledgementBatch } from './acknowledgement-round';
