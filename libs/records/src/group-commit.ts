/**
 * Group commit: items written while a write is in flight wait and go together in the next one, so
 * under load one statement carries many (no timer: alone, an item is written at once). Each item's
 * promise settles with the write that carried it.
 */
export class GroupCommit<T> {
  private queue: Array<{ item: T; settle: (err?: unknown) => void }> = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<unknown>,
    private readonly maxBatch = 500,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, settle: (err) => (err === undefined ? resolve() : reject(err instanceof Error ? err : new Error('the write failed', { cause: err }))) });
      this.flush();
    });
  }

  /** Resolves once everything added so far is written (or has failed). */
  async drain(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private flush(): void {
    if (this.writing || !this.queue.length) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.writing = this.write(batch.map((b) => b.item)).then(
      () => batch.forEach((b) => b.settle()),
      (err: unknown) => batch.forEach((b) => b.settle(err ?? new Error('the write failed'))),
    );
    void this.writing.finally(() => {
      this.writing = undefined;
      this.flush();
    });
  }
}
