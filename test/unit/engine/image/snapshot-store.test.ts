import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSnapshotStore } from '../../../../src/engine/image/snapshot-store.js';

describe('LocalSnapshotStore (bookkeeping; unpacking is tested with the native program)', () => {
  let dir: string;
  let store: LocalSnapshotStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscompose-unit-snapshots-'));
    store = new LocalSnapshotStore(dir);
    await store.init();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function commit(chainId: string, parent: string | null) {
    const draft = await store.draft();
    await writeFile(join(draft.path, 'file'), chainId);
    return store.commit(draft, chainId, { parent, diffId: chainId, size: 1 });
  }

  it('numbers snapshots, lists lower dirs topmost first, and describes mounts', async () => {
    const a = await commit('A', null);
    const b = await commit('B', 'A');
    const c = await commit('C', 'B');
    expect([a.id, b.id, c.id]).toEqual([1, 2, 3]);
    expect(c.path).toBe(join(dir, '3'));
    expect(await store.lowerDirs('C')).toEqual([join(dir, '3'), join(dir, '2'), join(dir, '1')]);
    expect(await store.view('A')).toEqual([
      { type: 'bind', source: join(dir, '1'), options: ['rbind', 'ro'] },
    ]);
    expect(await store.view('C')).toEqual([
      { type: 'overlay', source: 'overlay', options: [`lowerdir=${dir}/3:${dir}/2:${dir}/1`] },
    ]);
    expect(await store.writable('B', '/u', '/w')).toEqual([
      {
        type: 'overlay',
        source: 'overlay',
        options: [`lowerdir=${dir}/2:${dir}/1`, 'upperdir=/u', 'workdir=/w'],
      },
    ]);
  });

  it('keeps the first commit of a chainID and drops a duplicate draft', async () => {
    const first = await commit('A', null);
    const second = await commit('A', null);
    expect(second.id).toBe(first.id);
    expect((await readdir(dir)).sort()).toEqual(['1', 'index.json']);
  });

  it('removes snapshots (index first) and never reuses numbers', async () => {
    await commit('A', null);
    await commit('B', 'A');
    expect((await store.remove(['B', 'missing'])).map((s) => s.chainId)).toEqual(['B']);
    const c = await commit('C', 'A');
    expect(c.id).toBe(3);
    expect((await readdir(dir)).sort()).toEqual(['1', '3', 'index.json']);
    await expect(store.lowerDirs('B')).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_FOUND' });
  });

  it('sweeps drafts left by a crash', async () => {
    await store.draft();
    expect(await store.cleanLeftovers()).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });
});
