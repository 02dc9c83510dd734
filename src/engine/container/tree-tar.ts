import { once } from 'node:events';
import { constants, type BigIntStats } from 'node:fs';
import { lstat, open, readdir, readlink, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { EngineError } from '../errors.js';
import { encodeTarHeader, END_OF_ARCHIVE, padding, type TarEntry } from './posix-tar.js';
import { openInRoot } from './rootfs-path.js';

export interface TreeTarOptions {
  /**
   * Archive name of `hostPath` itself (`etc/passwd`, `data`); '' makes its children top-level
   * entries (a layer, an export) without an entry for the top directory.
   */
  readonly name: string;
  /**
   * Turn overlayfs markers into OCI whiteouts (`commit`): a character device 0:0 becomes
   * `.wh.<name>`, a directory in `opaqueDirs` (archive names, with `/`) gets `.wh..wh..opq`.
   */
  readonly whiteouts?: { readonly opaqueDirs: ReadonlySet<string> };
  /** Opened files must lie inside this directory (a running container's rootfs: see openInRoot). */
  readonly root?: string;
  /** Archive names to leave out (with everything below a directory). */
  readonly exclude?: (name: string) => boolean;
  /** Leave out `.wh.*` names (copies out of a container: they would turn into whiteouts). */
  readonly skipWhiteoutNames?: boolean;
  readonly signal?: AbortSignal;
}

const READ_CHUNK = 256 * 1024;

/** Linux's dev_t split (`major()`/`minor()` of glibc). */
export function deviceNumbers(rdev: bigint): { major: number; minor: number } {
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { major, minor };
}

class TarOut {
  private readonly links = new Map<string, string>();
  constructor(
    readonly out: Writable,
    readonly o: TreeTarOptions,
  ) {}

  async put(data: Buffer): Promise<void> {
    this.o.signal?.throwIfAborted();
    if (data.length === 0) return;
    if (this.out.destroyed) throw new EngineError('ENGINE_STREAM_CLOSED', 'the archive reader went away');
    if (!this.out.write(data)) await once(this.out, 'drain', { signal: this.o.signal });
  }

  /** A hardlink to an earlier entry, when this inode was already archived. */
  linkTarget(st: BigIntStats, name: string): string | undefined {
    if (st.nlink < 2n || st.isDirectory()) return undefined;
    const key = `${st.dev}:${st.ino}`;
    const first = this.links.get(key);
    if (first === undefined) this.links.set(key, name);
    return first;
  }
}

function baseEntry(st: BigIntStats, name: string): Omit<TarEntry, 'type' | 'size'> {
  return {
    name,
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: Number(st.mtimeMs / 1000n),
  };
}

async function openFile(t: TarOut, path: string): Promise<FileHandle> {
  return t.o.root ? openInRoot(t.o.root, path) : open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
}

async function putFile(t: TarOut, path: string, st: BigIntStats, name: string): Promise<void> {
  const handle = await openFile(t, path);
  try {
    const now = await handle.stat({ bigint: true });
    if (now.ino !== st.ino || now.dev !== st.dev) {
      throw new EngineError('CONTAINER_PATH_CHANGED', `${path}: changed while being archived`, 'try again');
    }
    const size = Number(st.size);
    await t.put(encodeTarHeader({ ...baseEntry(st, name), type: 'file', size }));
    let done = 0;
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    while (done < size) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(READ_CHUNK, size - done), done);
      if (bytesRead === 0) break;
      await t.put(Buffer.from(buf.subarray(0, bytesRead)));
      done += bytesRead;
    }
    // A file that shrank while being read is padded: the header already promised `size` bytes.
    if (done < size) await t.put(Buffer.alloc(size - done));
    await t.put(Buffer.alloc(padding(size)));
  } finally {
    await handle.close();
  }
}

async function walk(t: TarOut, path: string, name: string): Promise<void> {
  const st = await lstat(path, { bigint: true });
  const base =
    name
      .split('/')
      .filter((c) => c !== '')
      .pop() ?? '';
  if (name !== '' && t.o.exclude?.(name)) return;
  if (t.o.skipWhiteoutNames && base.startsWith('.wh.')) return;
  if (st.isDirectory()) {
    const dirName = name === '' ? '' : `${name.replace(/\/$/, '')}/`;
    if (dirName !== '') await t.put(encodeTarHeader({ ...baseEntry(st, dirName), type: 'dir', size: 0 }));
    if (dirName !== '' && t.o.whiteouts?.opaqueDirs.has(dirName)) {
      await t.put(
        encodeTarHeader({ ...baseEntry(st, `${dirName}.wh..wh..opq`), type: 'file', size: 0, mode: 0o644 }),
      );
    }
    const children = (await readdir(path)).sort();
    for (const child of children) await walk(t, `${path}/${child}`, `${dirName}${child}`);
    return;
  }
  if (st.isCharacterDevice() && t.o.whiteouts && st.rdev === 0n) {
    const dir = name.slice(0, name.length - base.length);
    await t.put(encodeTarHeader({ ...baseEntry(st, `${dir}.wh.${base}`), type: 'file', size: 0 }));
    return;
  }
  const first = t.linkTarget(st, name);
  if (first !== undefined) {
    await t.put(encodeTarHeader({ ...baseEntry(st, name), type: 'hardlink', size: 0, linkname: first }));
    return;
  }
  if (st.isFile()) return putFile(t, path, st, name);
  if (st.isSymbolicLink()) {
    const target = await readlink(path);
    await t.put(encodeTarHeader({ ...baseEntry(st, name), type: 'symlink', size: 0, linkname: target }));
    return;
  }
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    const { major, minor } = deviceNumbers(st.rdev);
    await t.put(
      encodeTarHeader({
        ...baseEntry(st, name),
        type: st.isCharacterDevice() ? 'char' : 'block',
        size: 0,
        devmajor: major,
        devminor: minor,
      }),
    );
    return;
  }
  if (st.isFIFO()) {
    await t.put(encodeTarHeader({ ...baseEntry(st, name), type: 'fifo', size: 0 }));
    return;
  }
  // Sockets cannot be archived (tar has no type for them); Docker skips them too.
}

/**
 * Writes `hostPath` (a file or a directory tree) to `out` as a tar stream with its metadata
 * (owners, modes, times, links, device nodes), ending with the end-of-archive marker. Symlinks
 * are archived as links, never followed; regular files are opened without following a final
 * symlink (and, with `root`, checked to be inside it); entries are sorted, so the same tree gives
 * the same bytes. The caller ends `out`.
 */
export async function writeTreeTar(out: Writable, hostPath: string, o: TreeTarOptions): Promise<void> {
  const t = new TarOut(out, o);
  await walk(t, hostPath, o.name);
  await t.put(END_OF_ARCHIVE);
}
