import { mkdir } from 'node:fs/promises';
import type { ContainerPaths } from './container-record.js';
import { isMountPoint, mountFs, unmount } from './host-mount.js';

/**
 * A container's root filesystem: an overlay whose lower layers are the engine's init layer on
 * top of the image's snapshots (topmost first) and whose upper/work directories are the
 * container's own. It is mounted in the host's mount namespace at `<container>/rootfs` from
 * create to removal (the bundle's `root.path`), and again on demand after a reboot.
 *
 * `redirect_dir=off` and `metacopy=off` keep the upper directory a plain layer diff (renamed
 * directories are copied up, not redirected), which is what `commit` turns into a layer;
 * `index=off` lets the same lower layers serve many overlays.
 */
export async function mountRootfs(
  p: ContainerPaths,
  imageLayers: readonly string[],
  initLayer: string,
  signal?: AbortSignal,
): Promise<void> {
  // The upper directory's root becomes the container's `/`: 0755 like any root directory.
  await mkdir(p.upper, { recursive: true, mode: 0o755 });
  await mkdir(p.work, { recursive: true, mode: 0o700 });
  await mkdir(p.rootfs, { recursive: true, mode: 0o755 });
  if (await isMountPoint(p.rootfs)) return;
  const options = [
    `lowerdir=${[initLayer, ...imageLayers].join(':')}`,
    `upperdir=${p.upper}`,
    `workdir=${p.work}`,
    'index=off',
    'redirect_dir=off',
    'metacopy=off',
  ];
  await mountFs('overlay', 'overlay', p.rootfs, options, `container rootfs ${p.rootfs}`, signal);
}

export async function unmountRootfs(p: ContainerPaths, signal?: AbortSignal): Promise<void> {
  await unmount(p.rootfs, signal);
}
