import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  if (process.env.WORKFLOW_BUNDLE) rmSync(process.env.WORKFLOW_BUNDLE, { force: true });
}
