import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isWithin,
  openInRoot,
  readFileInRoot,
  resolveInRoot,
} from '../../../../src/engine/container/rootfs-path.js';

describe('paths inside a container root', () => {
  let base: string;
  let root: string;
  let outside: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'tscompose-unit-rootfs-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    await mkdir(join(root, 'etc', 'sub'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(root, 'etc', 'passwd'), 'inside\n');
    await writeFile(join(outside, 'passwd'), 'HOST\n');
    await symlink('/etc', join(root, 'abs'));
    await symlink('../../../../..', join(root, 'up'));
    await symlink(outside, join(root, 'hostlink'));
    await symlink('sub/../passwd', join(root, 'etc', 'rel'));
    await symlink('loop2', join(root, 'loop1'));
    await symlink('loop1', join(root, 'loop2'));
    await writeFile(join(root, 'file'), 'f');
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it.each([
    ['a plain path', '/etc/passwd', true, '/etc/passwd', true],
    ['an absolute link is taken from the root', '/abs/passwd', true, '/etc/passwd', true],
    ['`..` stops at the root', '/up/etc/passwd', true, '/etc/passwd', true],
    ['a link to a host path stays inside', '/hostlink/passwd', true, 'OUTSIDE/passwd', false],
    ['a relative link', '/etc/rel', true, '/etc/passwd', true],
    ['the last link is kept without followLast', '/abs', false, '/abs', true],
    ['a missing path', '/nope/x', true, '/nope/x', false],
  ])('%s', async (_n, path, followLast, inside, exists) => {
    const r = await resolveInRoot(root, path, { followLast });
    expect(r.inside).toBe(inside.replace('OUTSIDE', outside));
    expect(r.exists).toBe(exists);
    expect(isWithin(root, r.host)).toBe(true);
  });

  it('gives up on link loops and refuses a file as a directory', async () => {
    await expect(resolveInRoot(root, '/loop1/x')).rejects.toMatchObject({ code: 'CONTAINER_PATH_LOOP' });
    await expect(resolveInRoot(root, '/file/x')).rejects.toMatchObject({
      code: 'CONTAINER_PATH_NOT_DIRECTORY',
    });
  });

  it('reads files inside only', async () => {
    expect(await readFileInRoot(root, '/abs/passwd')).toBe('inside\n');
    expect(await readFileInRoot(root, '/hostlink/passwd')).toBeUndefined();
  });

  it('openInRoot refuses what lies outside (a swapped component), and a final symlink', async () => {
    await expect(openInRoot(root, join(root, 'hostlink', 'passwd'))).rejects.toMatchObject({
      code: 'CONTAINER_PATH_ESCAPE',
    });
    await expect(openInRoot(root, join(root, 'abs'))).rejects.toMatchObject({ code: 'ELOOP' });
    const h = await openInRoot(root, join(root, 'etc', 'passwd'));
    await h.close();
  });
});
