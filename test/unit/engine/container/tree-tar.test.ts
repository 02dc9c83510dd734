import { spawnSync } from 'node:child_process';
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTarHeader } from '../../../../src/engine/container/posix-tar.js';
import {
  deviceNumbers,
  writeTreeTar,
  type TreeTarOptions,
} from '../../../../src/engine/container/tree-tar.js';

async function tarOf(path: string, o: TreeTarOptions): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeTreeTar(out, path, o);
  out.end();
  return Buffer.concat(chunks);
}

/** GNU tar's listing of an archive (an independent reader). */
function list(archive: Buffer): string[] {
  const r = spawnSync('tar', ['-tvf', '-', '--numeric-owner'], { input: archive, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const f = l.split(/\s+/);
      return `${f[0]} ${f[1]} ${f.slice(5).join(' ')}`;
    });
}

describe('tar streams of directory trees', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscompose-unit-tree-'));
    await mkdir(join(dir, 'tree', 'sub'), { recursive: true });
    await writeFile(join(dir, 'tree', 'a.txt'), 'aaa', { mode: 0o640 });
    await writeFile(join(dir, 'tree', 'sub', 'b'), 'b');
    await link(join(dir, 'tree', 'a.txt'), join(dir, 'tree', 'hard'));
    await symlink('../a.txt', join(dir, 'tree', 'sub', 'link'));
    await writeFile(join(dir, 'tree', '.wh.fake'), '');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('archives files, directories, hardlinks and symlinks in sorted order with their metadata', async () => {
    const entries = list(await tarOf(join(dir, 'tree'), { name: 'tree' }));
    expect(entries).toEqual([
      'drwxr-xr-x 0/0 tree/',
      '-rw-r--r-- 0/0 tree/.wh.fake',
      '-rw-r----- 0/0 tree/a.txt',
      'hrw-r----- 0/0 tree/hard link to tree/a.txt',
      'drwxr-xr-x 0/0 tree/sub/',
      '-rw-r--r-- 0/0 tree/sub/b',
      'lrwxrwxrwx 0/0 tree/sub/link -> ../a.txt',
    ]);
  });

  it('names children top-level with an empty name, and can skip whiteout names', async () => {
    const entries = list(
      await tarOf(join(dir, 'tree'), {
        name: '',
        skipWhiteoutNames: true,
        exclude: (n) => n === 'sub/' || n.startsWith('sub'),
      }),
    );
    expect(entries.map((e) => e.split(' ').slice(2).join(' '))).toEqual(['a.txt', 'hard link to a.txt']);
  });

  it('turns opaque directories into .wh..wh..opq entries', async () => {
    const entries = list(
      await tarOf(join(dir, 'tree'), { name: '', whiteouts: { opaqueDirs: new Set(['sub/']) } }),
    );
    expect(entries).toContain('-rw-r--r-- 0/0 sub/.wh..wh..opq');
  });

  it('writes long names and large ids through pax headers', () => {
    const long = `${'d/'.repeat(120)}file`;
    const h = encodeTarHeader({
      name: long,
      type: 'file',
      mode: 0o644,
      uid: 3_000_000,
      gid: 5,
      size: 0,
      mtime: 0,
    });
    const r = spawnSync('tar', ['-tvf', '-', '--numeric-owner'], {
      input: Buffer.concat([h, Buffer.alloc(1024)]),
      encoding: 'utf8',
    });
    expect(r.stdout).toContain('3000000/5');
    expect(r.stdout).toContain(long);
  });

  it.each([
    [0x0103n, 1, 3],
    [0x0500n, 5, 0],
    [0x8008800n, 136, 32768],
    [0x8008801n, 136, 32769],
  ])('splits dev_t %s into %s:%s', (rdev, major, minor) => {
    expect(deviceNumbers(rdev)).toEqual({ major, minor });
  });
});
