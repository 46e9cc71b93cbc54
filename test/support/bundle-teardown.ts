import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  if (process.env.WORKFLOW_BUNDLE) rmSync(process.env.WORKFLOW_BUNDLE, { force: true });
}
