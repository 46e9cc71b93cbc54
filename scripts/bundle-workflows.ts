/** Part of `npm run build`: the workflow bundle a production worker loads instead of bundling at start. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  // Beside the compiled code (dist/workflow-bundle.js), or where the first argument says.
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'workflow-bundle.js'));
  writeFileSync(out, code);
  console.log(`workflow bundle: ${out} (set WORKFLOW_BUNDLE to it)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
