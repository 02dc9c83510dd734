import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The binary `npm run build:native` makes; TSN_NATIVE_BIN points the tests at another build. */
export const NATIVE_BIN =
  process.env['TSN_NATIVE_BIN'] ||
  fileURLToPath(new URL('../../../native/build/tscompose-native', import.meta.url));

export interface UnpackRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tscompose-native [--log-format json] unpack [--resolve=MODE] DIR` with `archive` on stdin. */
export function runUnpack(
  dir: string,
  archive: Buffer,
  o: { resolve?: 'auto' | 'walk'; json?: boolean } = {},
): UnpackRun {
  const args = [
    ...(o.json ? ['--log-format', 'json'] : []),
    'unpack',
    `--resolve=${o.resolve ?? 'auto'}`,
    dir,
  ];
  const r = spawnSync(NATIVE_BIN, args, { input: archive, encoding: 'utf8', maxBuffer: 1 << 20 });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

export interface Inspected {
  type: 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  nlink: number;
  ino: bigint;
  rdev: { major: number; minor: number };
  mtimeNs: bigint;
  link?: string;
  sha256?: string;
}

function typeOf(st: ReturnType<typeof lstatSync>): Inspected['type'] {
  if (!st) return 'other';
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  return 'other';
}

/** lstat plus content hash or link target; undefined when nothing is there. */
export function inspect(path: string): Inspected | undefined {
  let st;
  try {
    st = lstatSync(path, { bigint: true });
  } catch {
    return undefined;
  }
  const rdev = Number(st.rdev);
  const type = typeOf(lstatSync(path));
  const out: Inspected = {
    type,
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: Number(st.size),
    nlink: Number(st.nlink),
    ino: st.ino,
    rdev: {
      major: ((rdev >> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff),
      minor: (rdev & 0xff) | ((rdev >> 12) & ~0xff),
    },
    mtimeNs: st.mtimeNs,
  };
  if (type === 'symlink') out.link = readlinkSync(path);
  if (type === 'file') out.sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  return out;
}

/** Every object under `root` (except the subtree `exclude`) with its metadata, for before/after comparison. */
export function snapshotTree(root: string, exclude: string): Map<string, Inspected> {
  const out = new Map<string, Inspected>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (p === exclude) continue;
      const info = inspect(p);
      if (!info) continue;
      out.set(relative(root, p), info);
      if (info.type === 'dir') walk(p);
    }
  };
  const top = inspect(root);
  if (top) out.set('.', { ...top, mtimeNs: 0n }); // creating the target changes root's mtime
  walk(root);
  return out;
}

/** The extended attributes of `path` (not following a symlink), via getfattr (package `attr`). */
export function xattrs(path: string): Record<string, Buffer> {
  const r = spawnSync('getfattr', ['--absolute-names', '-h', '-d', '-m', '-', '-e', 'hex', path], {
    encoding: 'utf8',
  });
  if (r.error)
    throw new Error(`getfattr is needed for xattr checks (apt-get install attr): ${r.error.message}`);
  const out: Record<string, Buffer> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^([^#=][^=]*)=0x([0-9a-f]*)$/.exec(line.trim());
    if (m) out[m[1]!] = Buffer.from(m[2]!, 'hex');
  }
  return out;
}

/**
 * A case directory: `outside/` holds sentinels an escaping archive would hit (a file, a
 * directory, a file in it), `target/` is where the archive goes.
 */
export function makeCaseDir(dir: string): { outside: string; target: string } {
  const outside = join(dir, 'outside');
  const target = join(dir, 'target');
  mkdirSync(join(outside, 'dir'), { recursive: true });
  writeFileSync(join(outside, 'secret'), 'sentinel: must never change\n', { mode: 0o600 });
  writeFileSync(join(outside, 'dir', 'inner'), 'inner sentinel\n', { mode: 0o644 });
  mkdirSync(target);
  return { outside, target };
}
