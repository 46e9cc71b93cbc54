/** A stand-in for any process that starts another one (an incident raising an NC, a cycle starting its programme). */
import { condition, defineSignal, setHandler } from '@temporalio/workflow';
import type { HumanTaskInput } from '../../../libs/domain/src';
import { processStarts } from '../../../libs/temporal/src/processes';
import { startProcess } from '../../../workflows/start-process';

export { humanTask } from '../../../workflows';

export const startAgainSignal = defineSignal('startAgain');

/** Starts the task's process, then again each time it is told to, and ends after `times` starts. */
export async function startsRepeatedly(input: HumanTaskInput, times: number): Promise<number> {
  let asked = 1;
  setHandler(startAgainSignal, () => void asked++);
  for (let started = 0; started < times; started++) {
    await condition(() => asked > started);
    await startProcess(processStarts.task(input));
  }
  return times;
}
