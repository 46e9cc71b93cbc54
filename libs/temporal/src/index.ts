export * from './definitions';
export * from './client';
