import { constants } from 'node:fs';
import { lstat, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { EngineError } from '../errors.js';

/** Symlinks followed in one resolution before giving up (Linux's MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

export interface ResolvedPath {
  /** The path inside the root after following symlinks (`/etc/passwd`). */
  readonly inside: string;
  /** The same on the host (`<root>/etc/passwd`). */
  readonly host: string;
  /** Whether it exists (every component was found). */
  readonly exists: boolean;
}

function escapeError(root: string, path: string): EngineError {
  return new EngineError(
    'CONTAINER_PATH_ESCAPE',
    `${path}: resolves outside the container's root filesystem (${root})`,
    'a symbolic link or mount inside the container points elsewhere; nothing was read or written outside it',
  );
}

/**
 * Resolves `path` inside `root` as the kernel would with `root` as `/` (openat2's
 * RESOLVE_IN_ROOT): `..` stops at the root, absolute symlink targets start again at the root,
 * so no spelling leaves it. The last component is followed only with `followLast`. Meant for
 * trees nothing else changes while we look (a container being created, the engine's own files);
 * for a running container, open the result with `openInRoot`, which checks what was opened.
 */
export async function resolveInRoot(
  root: string,
  path: string,
  o: { followLast?: boolean } = {},
): Promise<ResolvedPath> {
  root = await realpath(root);
  const resolved: string[] = [];
  let pending = path.split('/').filter((c) => c !== '' && c !== '.');
  let links = 0;
  let exists = true;
  while (pending.length > 0) {
    const [comp, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (comp === '..') {
      resolved.pop();
      continue;
    }
    const candidate = [...resolved, comp];
    if (!exists) {
      resolved.push(comp);
      continue;
    }
    const host = `${root}/${candidate.join('/')}`;
    let st;
    try {
      st = await lstat(host);
    } catch {
      exists = false;
      resolved.push(comp);
      continue;
    }
    if (st.isSymbolicLink() && (pending.length > 0 || o.followLast)) {
      if (++links > MAX_SYMLINKS) {
        throw new EngineError('CONTAINER_PATH_LOOP', `${path}: too many levels of symbolic links`);
      }
      const target = await readlink(host);
      if (target.startsWith('/')) resolved.length = 0;
      pending = [...target.split('/').filter((c) => c !== '' && c !== '.'), ...pending];
      continue;
    }
    if (!st.isDirectory() && pending.length > 0) {
      throw new EngineError(
        'CONTAINER_PATH_NOT_DIRECTORY',
        `${path}: ${'/' + candidate.join('/')} is not a directory`,
      );
    }
    resolved.push(comp);
  }
  const inside = `/${resolved.join('/')}`;
  return { inside, host: resolved.length === 0 ? root : `${root}${inside}`, exists };
}

/** Whether `real` is `root` or below it. */
export function isWithin(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/**
 * Opens a host path found by `resolveInRoot` without following a final symlink, then checks
 * where the opened file really is (`/proc/self/fd/N`): if a component was swapped for a symlink
 * since the resolution (CVE-2018-15664's race), the file is outside the root and is refused.
 * (Node opens every file with O_CLOEXEC.)
 */
export async function openInRoot(
  root: string,
  hostPath: string,
  flags: number = constants.O_RDONLY,
): Promise<FileHandle> {
  const realRoot = await realpath(root);
  const handle = await open(hostPath, flags | constants.O_NOFOLLOW);
  try {
    const real = await readlink(`/proc/self/fd/${handle.fd}`);
    if (!isWithin(realRoot, real)) throw escapeError(root, hostPath);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Reads a file inside a root (symlinks resolved inside it); undefined when it does not exist. */
export async function readFileInRoot(
  root: string,
  path: string,
  maxBytes = 4 * 1024 * 1024,
): Promise<string | undefined> {
  const r = await resolveInRoot(root, path, { followLast: true });
  if (!r.exists) return undefined;
  let handle: FileHandle;
  try {
    handle = await openInRoot(root, r.host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ELOOP')
      return undefined;
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return undefined;
    if (st.size > maxBytes)
      throw new EngineError('CONTAINER_FILE_TOO_LARGE', `${path}: larger than ${maxBytes} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
