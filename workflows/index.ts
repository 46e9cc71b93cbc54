export { humanTask } from './human-task';
