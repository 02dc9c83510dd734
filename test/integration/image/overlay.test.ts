import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type Mount } from '../../../src/engine/index.js';
import { addImageToEngine, buildBusyboxImage } from '../../fixtures/busybox-image.js';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';

const MARKER = 'img-overlay';
const canRun = process.getuid?.() === 0;

function mount(m: Mount, target: string): void {
  const r = spawnSync(
    'mount',
    [
      '-t',
      m.type === 'bind' ? 'none' : 'overlay',
      '-o',
      m.type === 'bind' ? `bind,${m.options.includes('ro') ? 'ro' : 'rw'}` : m.options.join(','),
      m.source,
      target,
    ],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`mount ${target}: ${r.stderr}`);
}

function umount(target: string): void {
  spawnSync('umount', [target]);
}

describe.skipIf(!canRun)('snapshots under overlayfs', () => {
  let root: { root: string; cleanup: () => Promise<void> };
  let engine: Engine;
  const mounted: string[] = [];

  beforeAll(async () => {
    root = await makeEngineRoot(MARKER);
    engine = await Engine.open({ root: root.root });
  });

  afterAll(async () => {
    for (const m of mounted.reverse()) umount(m);
    engine?.close();
    await root?.cleanup();
    expect(hostLeaks(MARKER)).toEqual([]);
  });

  it('shows the right files for a multi-layer image with whiteouts and an opaque directory', async () => {
    const image = await buildBusyboxImage({
      extraLayers: [
        {
          files: {
            'data/a': 'a0',
            'data/b': 'b0',
            'data/sub/c': 'c0',
            'etc/removed.conf': 'x',
            'opt/keep': 'k',
          },
        },
        {
          whiteouts: ['etc/removed.conf'],
          opaque: ['data'],
          files: { 'data/new': 'n1', 'opt/added': 'added' },
        },
        { whiteouts: ['opt/keep'], files: { 'data/a': 'a2' } },
      ],
    });
    await addImageToEngine(engine, image, 'overlay/test:1');
    const info = await engine.images.inspect('overlay/test:1');
    expect(info.layers).toHaveLength(4);
    const [view] = await engine.snapshots.view(info.topChainId!);
    expect(view!.type).toBe('overlay');
    const target = join(root.root, 'mnt-view');
    await mkdir(target);
    mount(view!, target);
    mounted.push(target);
    expect((await readdir(join(target, 'data'))).sort()).toEqual(['a', 'new']);
    expect(await readFile(join(target, 'data/a'), 'utf8')).toBe('a2');
    expect(await readdir(join(target, 'etc'))).not.toContain('removed.conf');
    expect((await readdir(join(target, 'opt'))).sort()).toEqual(['added']);
    expect((await readdir(join(target, 'bin'))).length).toBeGreaterThan(50);
    // No marker files leak into the merged view.
    expect((await readdir(join(target, 'data'))).some((n) => n.startsWith('.wh.'))).toBe(false);
    umount(target);
    mounted.pop();

    // A writable overlay over the same chain (a container's rootfs): writes land in the upper dir only.
    const upper = join(root.root, 'upper');
    const work = join(root.root, 'work');
    const rw = join(root.root, 'mnt-rw');
    for (const d of [upper, work, rw]) await mkdir(d);
    const [m] = await engine.snapshots.writable(info.topChainId!, upper, work);
    mount(m!, rw);
    mounted.push(rw);
    await writeFile(join(rw, 'data/a'), 'changed');
    expect(await readFile(join(upper, 'data/a'), 'utf8')).toBe('changed');
    const lowers = await engine.snapshots.lowerDirs(info.topChainId!);
    expect(await readFile(join(lowers[0]!, 'data/a'), 'utf8')).toBe('a2');
    umount(rw);
    mounted.pop();
  });
});
