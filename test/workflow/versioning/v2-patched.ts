/** Version 2 done right: the new step behind patched(), so workflows started on version 1 go on as before. */
import { condition, defineSignal, patched, proxyActivities, setHandler } from '@temporalio/workflow';

const { notify } = proxyActivities<{ notify(message: string): Promise<void> }>({ startToCloseTimeout: '1 minute' });
export const reviewedSignal = defineSignal('reviewed');

export async function policyReview(owner: string): Promise<string> {
  let reviewed = false;
  setHandler(reviewedSignal, () => void (reviewed = true));
  if (patched('announce-policy-review')) await notify(`${owner}: the policy is due for review`);
  await condition(() => reviewed);
  await notify(`${owner}: thank you for the review`);
  return 'reviewed';
}
