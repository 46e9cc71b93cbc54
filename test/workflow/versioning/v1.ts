/** Version 1 of a workflow, as running workflows started it (see versioning.test.ts). */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

const { notify } = proxyActivities<{ notify(message: string): Promise<void> }>({ startToCloseTimeout: '1 minute' });
export const reviewedSignal = defineSignal('reviewed');

export async function policyReview(owner: string): Promise<string> {
  let reviewed = false;
  setHandler(reviewedSignal, () => void (reviewed = true));
  await condition(() => reviewed);
  await notify(`${owner}: thank you for the review`);
  return 'reviewed';
}
