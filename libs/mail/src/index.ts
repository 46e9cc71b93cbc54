export * from './html';
export * from './outbox';
export * from './mail.module';
