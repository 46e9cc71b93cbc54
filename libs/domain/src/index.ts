export * from './time';
export * from './tasks';
