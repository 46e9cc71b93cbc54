/**
 * Policy acknowledgement (ISO 27001 5.2, 7.3, A.5.1): a round asks everyone in a policy's audience to
 * read and acknowledge its new major version. At a company's size that is thousands of people, so the
 * round fans out the way Temporal recommends for large fan-outs: the round opens its people in
 * batches of 200 and starts a child workflow per batch, which mails, reminds and escalates its
 * people on its own; the round continues as new every 50 batches, so no history grows with the
 * number of people. Whether someone has acknowledged is a record (they answer from their mail link,
 * through the API), which each step reads: no workflow holds a task per person.
 *
 * After the first people are asked, the round stays in force until a newer major version replaces
 * it: each morning it asks the people who have joined the audience since (new starters, people who
 * moved department), with the same number of days to answer.
 */
import { continueAsNew, sleep, workflowInfo } from '@temporalio/workflow';
import { acknowledgeDueAt, addDays, localDate, reminderAt, zonedInstant, type AcknowledgementBatchInput, type AcknowledgementMailKind, type AcknowledgementRoundInput } from '../libs/domain/src';
import { processStarts } from '../libs/temporal/src/processes';
import { acts } from './activity-proxies';
import { now } from './process-kit';
import { startProcess } from './start-process';

/** Batches a run of the round starts before it continues as new. */
export const ACK_BATCHES_PER_RUN = 50;
/** Each morning's check for people who joined the audience, in the organisation's time zone. */
const MORNING_HOUR = 6;

const sleepUntil = (at: string) => sleep(Math.max(0, Date.parse(at) - Date.now()));

export async function acknowledgementRound(input: AcknowledgementRoundInput): Promise<void> {
  let batches = input.batches ?? 0;
  // The people asked at first are due when the approval said; people who join later get the round's days.
  let joiners = input.joiners ?? false;
  const startedHere = batches;
  let mornings = 0;
  for (;;) {
    const dueAt = joiners ? acknowledgeDueAt(Date.now(), input.withinDays, input.timeZone) : input.dueAt;
    const batchKey = `${input.roundId}/${batches + 1}`;
    const { people, superseded } = await acts.openAcknowledgementBatch({ roundId: input.roundId, batchKey, dueAt });
    if (superseded) return;
    if (people > 0) {
      batches++;
      await startProcess(processStarts.acknowledgementBatch({ roundId: input.roundId, batchKey, dueAt }, people));
      if (batches - startedHere >= ACK_BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof acknowledgementRound>({ ...input, batches, joiners });
      }
      continue;
    }
    joiners = true;
    // A month of mornings per run keeps the history short however long the version is in force.
    if (++mornings > 30) return continueAsNew<typeof acknowledgementRound>({ ...input, batches, joiners });
    const today = localDate(Date.now(), input.timeZone);
    await sleepUntil(zonedInstant(addDays(today, 1), MORNING_HOUR, 0, input.timeZone));
  }
}

/** One batch's people: their mail, a reminder three days before the due time, then their managers told. */
export async function acknowledgementBatch(input: AcknowledgementBatchInput): Promise<void> {
  const mailEveryone = async (kind: AcknowledgementMailKind) => {
    let after: string | null = '';
    while (after !== null) after = (await acts.mailAcknowledgements({ roundId: input.roundId, batchKey: input.batchKey, kind, after })).next;
  };
  await mailEveryone('request');
  const remindAt = reminderAt(now(), input.dueAt);
  if (remindAt) {
    await sleepUntil(remindAt);
    await mailEveryone('reminder');
  }
  await sleepUntil(input.dueAt);
  await mailEveryone('overdue');
  await acts.escalateAcknowledgements({ roundId: input.roundId, batchKey: input.batchKey });
}
