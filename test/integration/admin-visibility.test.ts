import type { Client } from '@temporalio/client';
import { loadConfig } from '../../libs/config/src';
import { connectClient } from '../../libs/temporal/src/client';
import { json, mailbox, startSystem } from '../support/system';

/** What an admin sees in the Temporal UI: tasks found by search attributes, waits told in words. */
describe('tasks in Temporal, as admins find them', () => {
  let sys: Awaited<ReturnType<typeof startSystem>>;
  let client: Client;
  beforeAll(async () => {
    sys = await startSystem();
    client = await connectClient(loadConfig());
  });
  afterAll(async () => {
    await client?.connection.close();
    await sys?.close();
  });

  /** Visibility is eventually consistent: ask until the answer comes. */
  async function ids(query: string, expected: string[]): Promise<string[]> {
    let found: string[] = [];
    for (let i = 0; i < 100; i++) {
      found = [];
      for await (const wf of client.workflow.list({ query })) found.push(wf.workflowId);
      if (expected.every((id) => found.includes(id)) && found.length === expected.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return found.sort();
  }

  it('finds open tasks by assignee, status and due date, and says what each waits for', async () => {
    const owner = `visible.${process.pid}@example.com`;
    const dueSoon = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const dueLater = new Date(Date.now() + 20 * 86_400_000).toISOString();
    const create = (title: string, dueAt: string) =>
      json(sys.api('/tasks', { method: 'POST', json: { title, instructions: 'x', assignee: owner, dueAt, externalRef: `REF-${process.pid}` } }));
    const soon = await create('Check the backups', dueSoon);
    const later = await create('Review the risk register', dueLater);

    const mine = `IsmsOwner="${owner}" AND IsmsStatus="open" AND IsmsProcess="adHoc"`;
    expect(await ids(mine, [soon.workflowId, later.workflowId])).toEqual([soon.workflowId, later.workflowId].sort());
    const dueThisWeek = `IsmsOwner="${owner}" AND IsmsDueAt < "${new Date(Date.now() + 7 * 86_400_000).toISOString()}"`;
    expect(await ids(dueThisWeek, [soon.workflowId])).toEqual([soon.workflowId]);
    expect(await ids(`IsmsRef="REF-${process.pid}"`, [soon.workflowId, later.workflowId])).toHaveLength(2);

    const handle = client.workflow.getHandle(soon.workflowId);
    expect(await (await handle.describe()).staticSummary()).toBe(`Task for ${owner}: Check the backups`);
    await mailbox.waitFor(owner, /Check the backups/);
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toBe(`Waiting for ${owner} to complete "Check the backups" (due ${dueSoon})`);

    await sys.api(`/tasks/${soon.id}/complete`, { method: 'POST', json: { outcome: 'done' } });
    expect(await ids(mine, [later.workflowId])).toEqual([later.workflowId]);
    expect(await ids(`IsmsOwner="${owner}" AND IsmsStatus="completed"`, [soon.workflowId])).toEqual([soon.workflowId]);
  });
});
