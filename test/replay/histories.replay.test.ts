import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

const dir = path.resolve(__dirname, '../histories');
const histories = readdirSync(dir).filter((f) => f.endsWith('.json'));
/** Workflows whose commands name their own id (their children's ids are built from it) replay under that id. */
const WORKFLOW_IDS: Record<string, string> = { 'incident-dora-updated-intermediate-closed.json': 'incident:jira:REC-2' };

/** Today's workflow code must replay yesterday's histories, or running workflows would break. */
describe('replaying saved histories', () => {
  it('has histories to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(2);
  });

  it.each(histories)('%s replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! } }, history, WORKFLOW_IDS[file] ?? file);
  });
});
