import { bundleOnce } from './bundle';

export default async function globalSetup(): Promise<void> {
  await bundleOnce();
}
