import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Bumped when the layer's content changes (a new directory is built beside the old one). */
const INIT_LAYER_NAME = '.init-layer-v1';

const DIRS = ['dev', 'dev/pts', 'dev/shm', 'proc', 'sys', 'etc'];
const FILES: readonly [string, number][] = [
  ['etc/hosts', 0o644],
  ['etc/hostname', 0o644],
  ['etc/resolv.conf', 0o644],
  ['dev/console', 0o755],
];

/**
 * The read-only layer between an image and a container's writable layer, as Docker's initlayer
 * (moby `daemon/initlayer/setup_unix.go`): it provides the mount points the runtime mounts over
 * (`/dev`, `/dev/pts`, `/dev/shm`, `/proc`, `/sys`, the `/etc` files the engine binds) and
 * `/etc/mtab -> /proc/mounts`, and it *hides* whatever the image has at those paths. That is the
 * defence against an image whose `/dev` or `/proc` is a symlink out of the rootfs (runc
 * CVE-2026-41579): in the overlay a directory of a higher layer is not merged with a lower
 * non-directory, so the image's symlink is simply not seen.
 *
 * Its content is the same for every container, so one copy per engine root serves all
 * (`<root>/containers/.init-layer-v1`); it is built in a temporary directory and renamed into
 * place, so a crash never leaves a half-built layer in use.
 */
export async function ensureInitLayer(containersDir: string): Promise<string> {
  const dir = join(containersDir, INIT_LAYER_NAME);
  try {
    // The symlink is made last: when it exists, the layer is complete.
    await lstat(join(dir, 'etc', 'mtab'));
    return dir;
  } catch {
    // Not built yet.
  }
  await mkdir(containersDir, { recursive: true, mode: 0o700 });
  const tmp = join(containersDir, `.init-tmp-${randomBytes(6).toString('hex')}`);
  await mkdir(tmp, { mode: 0o755 });
  try {
    for (const d of DIRS) await mkdir(join(tmp, d), { mode: 0o755 });
    for (const [f, mode] of FILES) await writeFile(join(tmp, f), '', { mode });
    await symlink('/proc/mounts', join(tmp, 'etc', 'mtab'));
    try {
      await rename(tmp, dir);
    } catch (err) {
      // Another process built it first: theirs is as good as ours.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}
