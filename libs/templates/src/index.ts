export * from './render';
export * from './pages/task';
export * from './pages/task-form';
export * from './pages/my-tasks';
export * from './pages/dashboard';
export * from './mail/task-mail';
export * from './pages/evidence-pack';
