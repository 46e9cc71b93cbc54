import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as any).__ismsflowStack as { stops: Array<() => Promise<void>>; dir: string } | undefined;
  if (!stack) return;
  for (const stop of stack.stops.reverse()) await stop().catch((err) => console.error(err));
  rmSync(stack.dir, { recursive: true, force: true });
}
