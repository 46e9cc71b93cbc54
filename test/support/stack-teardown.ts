import { removeEmbeddedPostgresData } from '../../libs/devstack/src/postgres';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as any).__ismsflowStack as { stops: Array<() => Promise<void>>; dir: string } | undefined;
  if (!stack) return;
  for (const stop of stack.stops.reverse()) await stop().catch((err) => console.error(err));
  // With any database a test started under it (as root, its data may live outside the folder).
  removeEmbeddedPostgresData(stack.dir);
}
