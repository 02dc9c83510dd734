import { chown, chmod, lstat } from 'node:fs/promises';
import type { Runtime } from '../runtime.js';
import { resolveInRoot } from './rootfs-path.js';
import { writeTreeTar } from './tree-tar.js';

/**
 * Docker's copy-up: a new, empty volume mounted over image content starts as a copy of it
 * (ownership, modes, links and device nodes included). The image's directory is read from the
 * container's rootfs (symlinks resolved inside it) as a tar stream and applied to the volume's
 * directory by the native unpacker, which resolves every path inside that directory; the
 * volume's own root takes the owner and mode of the image's directory. Returns whether there was
 * anything to copy.
 */
export async function copyImageContent(
  runtime: Runtime,
  rootfs: string,
  target: string,
  volumeDir: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const src = await resolveInRoot(rootfs, target, { followLast: true });
  if (!src.exists) return false;
  const st = await lstat(src.host);
  if (!st.isDirectory()) return false;
  const unpack = runtime.unpack(volumeDir, { signal });
  try {
    await writeTreeTar(unpack.stdin, src.host, { name: '', root: rootfs, ...(signal ? { signal } : {}) });
  } finally {
    unpack.stdin.end();
  }
  await unpack.result;
  await chown(volumeDir, st.uid, st.gid);
  await chmod(volumeDir, st.mode & 0o7777);
  return true;
}
