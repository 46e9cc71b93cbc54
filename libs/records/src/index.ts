/**
 * The records layer: writes that the API's services and the worker's activities both make, in one
 * place each, so a record is written the same way whoever writes it.
 */
export * from './evidence';
export * from './risks';
export * from './tasks';
export * from './process-starts';
export * from './nonconformities';
export * from './group-commit';
export * from './acknowledgements';
export * from './documents';
export * from './improvements';
