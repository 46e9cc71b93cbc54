import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const ignore = () => undefined;
/** The bundler reports every build at INFO; tests want its errors only. */
export const quietLogger = { info: ignore, warn: ignore, error: console.error, debug: ignore, trace: ignore, log: ignore };

export const TEST_DATA_DIR = path.resolve(__dirname, '../../.data/test');

/** Bundles the workflows once per test run; every worker in the run loads the same bundle. */
export async function bundleOnce(): Promise<string> {
  if (process.env.WORKFLOW_BUNDLE) return process.env.WORKFLOW_BUNDLE;
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: quietLogger,
  });
  mkdirSync(TEST_DATA_DIR, { recursive: true });
  const file = path.join(TEST_DATA_DIR, `workflow-bundle-${process.pid}.js`);
  writeFileSync(file, code);
  process.env.WORKFLOW_BUNDLE = file;
  return file;
}
