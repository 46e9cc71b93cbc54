/** 6. Policy acknowledgement at a company's size (issue 20): one round asking `people` people. */
import { localDate } from '../libs/domain/src';
import { mailWatcher, type Api, type Log } from './measures';
import { round, rssSampler, summarise, type BenchStack } from './stack';

/**
 * Imports `people` staff in one department, gives a policy that audience and approves its first
 * version; then measures how long until every person's first mail is sent, the worker's memory with
 * the round's batches all open, and the list and coverage endpoints at that size.
 */
export async function acknowledgementRound(stack: BenchStack, apiUrl: string, api: Api, workerPid: number, log: Log, opts: { people: number }) {
  const run = Date.now().toString(36);
  const department = `Bench-${run}`;
  const person = (i: number) => `ack-${run}-${i}@bench.example`;
  // Teams of ten: the first of each is the others' manager.
  const lines = Array.from({ length: opts.people }, (_, i) => `${person(i)},Person ${i},${department},${i % 10 ? person(i - (i % 10)) : ''},2025-01-06`);
  const imported = await fetch(`${apiUrl}/people/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'text/csv' },
    body: `email,name,department,manager,startDate\n${lines.join('\n')}\n`,
  });
  if (imported.status !== 200) throw new Error(`the staff file was refused: ${imported.status} ${await imported.text()}`);
  log(`  ${opts.people} people imported`);

  const doc = `POL-BENCH-${run}`;
  const today = localDate(Date.now(), 'UTC');
  await api('POST', '/documents', { id: doc, title: 'Information security policy', kind: 'policy', owner: 'isms@bench.example', audience: `department:${department}` });
  const watcher = mailWatcher(stack, (m) => (m.to.some((t) => t.startsWith(`ack-${run}-`)) && m.subject.startsWith('[ismsflow] Please read') ? m.to[0] : undefined));
  const t0 = performance.now();
  await api('POST', `/documents/${doc}/versions`, { version: '1.0', author: 'isms@bench.example', approver: 'ceo@bench.example', approvedOn: today, nextReview: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`, summary: 'The policy.' });
  await watcher.count(opts.people, 1_800_000, log);
  const firstMailsSeconds = (performance.now() - t0) / 1000;
  watcher.off();
  log(`  ${opts.people} first mails in ${round(firstMailsSeconds)} s`);

  // Every batch now waits on its reminder timer: the worker's memory with the round open.
  await new Promise((r) => setTimeout(r, 5000));
  const sampler = rssSampler(workerPid, 200);
  await new Promise((r) => setTimeout(r, 10_000));
  const workerRssMb = round(sampler.stop());

  const roundId = encodeURIComponent(`${doc}@1`);
  const byRound: number[] = [];
  const byPerson: number[] = [];
  const coverage: number[] = [];
  for (let i = 0; i < 300; i++) byRound.push((await api('GET', `/acknowledgements?round=${roundId}&status=open&offset=${(i * 50) % opts.people}`)).ms);
  for (let i = 0; i < 300; i++) byPerson.push((await api('GET', `/acknowledgements?person=${encodeURIComponent(person(Math.floor(Math.random() * opts.people)))}`)).ms);
  for (let i = 0; i < 300; i++) coverage.push((await api('GET', '/acknowledgements/coverage')).ms);
  return {
    people: opts.people,
    firstMailsSeconds: round(firstMailsSeconds),
    mailsPerSecond: round(opts.people / firstMailsSeconds),
    workerRssMb,
    listByRound: summarise(byRound),
    listByPerson: summarise(byPerson),
    coverage: summarise(coverage),
  };
}
