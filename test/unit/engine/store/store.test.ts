import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../../src/engine/store/atomic-write.js';
import { enginePaths } from '../../../../src/engine/store/engine-paths.js';
import { ensureEngineRoot } from '../../../../src/engine/store/engine-root.js';
import { readJsonFile } from '../../../../src/engine/store/json-file.js';
import { assertSafePathName, isSafePathName } from '../../../../src/engine/store/path-name.js';
import { Mutex, RwLock } from '../../../../src/engine/store/rw-lock.js';

describe('engine store helpers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscompose-unit-store-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lays out the root (0700 directories) and derives every path from it', async () => {
    const paths = enginePaths(join(dir, 'root'));
    await ensureEngineRoot(paths);
    expect((await stat(paths.root)).mode & 0o777).toBe(0o700);
    expect((await readdir(paths.root)).sort()).toEqual(['content', 'images', 'snapshots', 'tmp']);
    expect(paths.blobs).toBe(join(dir, 'root', 'content', 'blobs'));
    expect(paths.run).toBe(join(dir, 'root', 'run'));
    expect(enginePaths('/var/lib/tscompose').run).toBe('/run/tscompose');
  });

  it('writes files atomically (no temp file left) and reads JSON back', async () => {
    const p = join(dir, 'state.json');
    await writeFileAtomic(p, '{"a":1}');
    await writeFileAtomic(p, '{"a":2}');
    expect(await readJsonFile(p)).toEqual({ a: 2 });
    expect(await readdir(dir)).toEqual(['state.json']);
    expect((await stat(p)).mode & 0o777).toBe(0o600);
    expect(await readJsonFile(join(dir, 'missing.json'))).toBeUndefined();
    await writeFile(p, '{broken');
    await expect(readJsonFile(p)).rejects.toMatchObject({ code: 'ENGINE_STATE_CORRUPT' });
    expect(await readFile(p, 'utf8')).toBe('{broken');
  });

  it.each([
    ['web-1', true],
    ['a.b_c', true],
    ['..', false],
    ['.hidden', false],
    ['-dash', false],
    ['a/b', false],
    ['', false],
    ['x'.repeat(129), false],
  ])('isSafePathName(%j) = %s', (name, ok) => {
    expect(isSafePathName(name)).toBe(ok);
    if (!ok) expect(() => assertSafePathName(name, 'volume')).toThrow(/volume/);
  });

  it('RwLock: readers share, a writer excludes, waiting writers are not starved', async () => {
    const lock = new RwLock();
    const log: string[] = [];
    let releaseReader!: () => void;
    const r1 = lock.shared(() => new Promise<void>((r) => ((releaseReader = r), log.push('r1'))));
    const w = lock.exclusive(async () => void log.push('w'));
    const r2 = lock.shared(async () => void log.push('r2'));
    await Promise.resolve();
    expect(log).toEqual(['r1']);
    releaseReader();
    await Promise.all([r1, w, r2]);
    expect(log).toEqual(['r1', 'w', 'r2']);
  });

  it('Mutex serializes', async () => {
    const m = new Mutex();
    let inside = 0;
    let max = 0;
    await Promise.all(
      [1, 2, 3].map(() =>
        m.run(async () => {
          inside += 1;
          max = Math.max(max, inside);
          await new Promise((r) => setImmediate(r));
          inside -= 1;
        }),
      ),
    );
    expect(max).toBe(1);
  });
});
