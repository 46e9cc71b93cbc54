export * from './time';
export * from './tasks';
export * from './forms';
export * from './nonconformity';
export * from './regulatory';
export * from './incident';
export * from './certification';
export * from './programme';
