import { GroupCommit } from '../../libs/records/src/group-commit';

describe('group commit', () => {
  it('writes an item alone at once, and what arrives meanwhile in the next write, in order', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const batches = new GroupCommit<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = batches.add(1);
    expect(writes).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => batches.add(n));
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('holds a batch to its maximum size', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const batches = new GroupCommit<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
    }, 2);
    const all = [1, 2, 3, 4, 5].map((n) => batches.add(n));
    release();
    await Promise.all(all);
    expect(writes).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('a failed write fails the items it carried, and the next write goes on', async () => {
    let n = 0;
    const batches = new GroupCommit<string>(() => (++n === 1 ? Promise.reject(new Error('database down')) : Promise.resolve()));
    await expect(batches.add('a')).rejects.toThrow('database down');
    await expect(batches.add('b')).resolves.toBeUndefined();
  });

  it('drain waits for everything added so far', async () => {
    const written: string[] = [];
    const batches = new GroupCommit<string>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      written.push(...items);
    });
    void batches.add('a');
    void batches.add('b');
    await batches.drain();
    expect(written).toEqual(['a', 'b']);
  });
});
