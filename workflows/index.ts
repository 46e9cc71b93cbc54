export { humanTask } from './human-task';
export { correctiveAction } from './corrective-action';
