// Layers unpacked by `tscompose-native unpack` and stacked with overlayfs show what the image
// spec says: whiteouts hide lower files and directories, opaque directories hide all lower
// children, later layers re-add names. The overlay is mounted inside a private mount namespace
// (`unshare -m`), so nothing can be left mounted on the host.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';
import { tar } from '../../fixtures/tar/tar-builder.js';
import { runUnpack } from './unpack-sandbox.js';

const LAYERS = [
  tar()
    .dir('a')
    .file('a/keep', 'keep')
    .file('a/gone', 'gone')
    .dir('b')
    .file('b/x', 'x')
    .dir('c')
    .file('c/old', 'old')
    .file('f1', 'v1')
    .file('f2', 'f2')
    .symlink('link', 'f2')
    .end()
    .build(),
  tar()
    .file('.wh.f1', '')
    .dir('a')
    .file('a/.wh.gone', '')
    .dir('c')
    .file('c/.wh..wh..opq', '')
    .file('c/new', 'new')
    .dir('d')
    .file('d/n', 'n')
    .end()
    .build(),
  tar().file('.wh.b', '').file('f1', 'v3').file('.wh.link', '').end().build(),
];

let root: { root: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  root = await makeEngineRoot('unpack-overlay');
});
afterAll(async () => {
  await root.cleanup();
  expect(hostLeaks(root.root)).toEqual([]);
});

describe('unpacked layers under overlayfs', () => {
  it('whiteouts and opaque directories give the merged view the image spec defines', () => {
    const dirs = LAYERS.map((layer, i) => {
      const dir = join(root.root, `layer${i}`);
      mkdirSync(dir);
      const run = runUnpack(dir, layer);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      return dir;
    });
    const merged = join(root.root, 'merged');
    mkdirSync(merged);
    const lower = [...dirs].reverse().join(':'); // topmost first
    const script = [
      `mount -t overlay overlay -o ro,lowerdir=${lower} ${merged}`,
      `cd ${merged}`,
      `find . -mindepth 1 | sort`,
      `echo "f1=$(cat f1) c/new=$(cat c/new) a/keep=$(cat a/keep)"`,
    ].join(' && ');
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      './a',
      './a/keep',
      './c',
      './c/new',
      './d',
      './d/n',
      './f1',
      './f2',
      'f1=v3 c/new=new a/keep=keep',
    ]);
  });
});
