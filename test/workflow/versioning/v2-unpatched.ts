/** Version 2 changed carelessly: a new step before the wait. Histories of version 1 no longer replay. */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

const { notify } = proxyActivities<{ notify(message: string): Promise<void> }>({ startToCloseTimeout: '1 minute' });
export const reviewedSignal = defineSignal('reviewed');

export async function policyReview(owner: string): Promise<string> {
  let reviewed = false;
  setHandler(reviewedSignal, () => void (reviewed = true));
  await notify(`${owner}: the policy is due for review`);
  await condition(() => reviewed);
  await notify(`${owner}: thank you for the review`);
  return 'reviewed';
}
