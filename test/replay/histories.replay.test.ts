import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

const dir = path.resolve(__dirname, '../histories');
const histories = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'workflow-ids.json');
/** The id each history ran under (record.ts keeps them): workflows whose commands name their own id replay only under it. */
const WORKFLOW_IDS = JSON.parse(readFileSync(path.join(dir, 'workflow-ids.json'), 'utf8')) as Record<string, string>;

/** Today's workflow code must replay yesterday's histories, or running workflows would break. */
describe('replaying saved histories', () => {
  it('has a saved history of every workflow type the worker runs', () => {
    const types = new Set(histories.map((f) => historyFromJSON(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))).events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
    // Every workflow workflows/index.ts exports (one line per export there).
    const exported = [...readFileSync(path.resolve(__dirname, '../../workflows/index.ts'), 'utf8').matchAll(/export \{([^}]+)\}/g)].flatMap((m) => m[1].split(',').map((n) => n.trim()));
    expect(exported.length).toBeGreaterThanOrEqual(13);
    expect(exported.filter((name) => !types.has(name))).toEqual([]);
  });

  it.each(histories)('%s replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! } }, history, WORKFLOW_IDS[file] ?? file);
  });
});
