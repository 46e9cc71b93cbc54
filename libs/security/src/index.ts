export * from './api-keys';
export * from './ids';
export * from './task-links';
export * from './evidence-chain';
export * from './csrf';
export * from './signing';
