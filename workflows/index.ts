export { humanTask } from './human-task';
export { correctiveAction } from './corrective-action';
export { incidentResponse } from './incident-response';
