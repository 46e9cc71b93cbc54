export * from './api-keys';
export * from './ids';
export * from './task-links';
