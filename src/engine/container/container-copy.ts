import { mkdtemp, rm, lstat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../errors.js';
import type { ContainerContext } from './container-context.js';
import type { ContainerRecord } from './container-record.js';
import { resolveInRoot, type ResolvedPath } from './rootfs-path.js';
import { writeTreeTar } from './tree-tar.js';

/** Where a container path lives on the host: the rootfs, or a volume/bind mounted over it. */
export interface ContainerLocation {
  /** The directory the path is resolved in (symlinks cannot leave it). */
  readonly root: string;
  /** The path relative to that root (`/etc/x` in the rootfs, `/x` in a volume at /data). */
  readonly path: string;
}

/**
 * Maps a container path to the filesystem that holds it: the deepest volume or bind mounted at
 * or above it (lexically), else the rootfs overlay (mounted in the host's namespace). tmpfs
 * mounts live only in the container's mount namespace and cannot be reached from here.
 */
export function locate(ctx: ContainerContext, r: ContainerRecord, path: string): ContainerLocation {
  if (!path.startsWith('/')) {
    throw new EngineError('CONTAINER_PATH_INVALID', `container path "${path}" is not absolute`);
  }
  const norm = posix.normalize(path);
  let best: { root: string; target: string } | undefined;
  for (const m of r.mounts) {
    if (m.type === 'tmpfs' || !m.hostPath) continue;
    if (norm === m.target || norm.startsWith(`${m.target}/`)) {
      if (!best || m.target.length > best.target.length) best = { root: m.hostPath, target: m.target };
    }
  }
  if (!best) return { root: ctx.store.pathsOf(r.id).rootfs, path: norm };
  return { root: best.root, path: norm.slice(best.target.length) || '/' };
}

function notFound(r: ContainerRecord, path: string): EngineError {
  return new EngineError(
    'CONTAINER_PATH_NOT_FOUND',
    `container ${r.name}: ${path}: no such file or directory`,
  );
}

/**
 * `cp CONTAINER:SRC -`: SRC as a tar stream (named by its base name; `dir/.` gives the content of
 * dir). Symlinks inside the container are resolved inside it (never on the host); SRC itself is
 * archived as a link unless `followLink`; files are opened without following a final link and
 * checked to be inside the container's filesystem after opening (CVE-2018-15664's race).
 */
export async function copyFromContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  src: string,
  out: Writable,
  o: { readonly followLink?: boolean; readonly signal?: AbortSignal } = {},
): Promise<void> {
  const loc = locate(ctx, r, src);
  const contentsOnly = src.endsWith('/.');
  const resolved = await resolveInRoot(loc.root, loc.path, {
    followLast: o.followLink || contentsOnly || src.endsWith('/'),
  });
  if (!resolved.exists) throw notFound(r, src);
  const name = contentsOnly ? '' : basename(posix.normalize(src)) || '.';
  await writeTreeTar(out, resolved.host, {
    name: name === '.' ? '' : name,
    root: loc.root,
    skipWhiteoutNames: true,
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

/** `stat` of a container path (what `cp` needs to decide names), resolved inside the container. */
export async function statInContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  path: string,
): Promise<{ resolved: ResolvedPath; isDirectory: boolean } | undefined> {
  const loc = locate(ctx, r, path);
  const resolved = await resolveInRoot(loc.root, loc.path, { followLast: true });
  if (!resolved.exists) return undefined;
  return { resolved, isDirectory: (await lstat(resolved.host)).isDirectory() };
}

/**
 * `cp HOSTPATH CONTAINER:DEST` (Docker's rules): into DEST when it is a directory, else as DEST
 * (whose parent must exist). The copy is one tar stream applied by the native unpacker to the
 * filesystem holding DEST, with DEST's path inside it as the entries' prefix: every component is
 * resolved inside that filesystem (openat2 RESOLVE_IN_ROOT), so a symlink in the container —
 * placed there before or during the copy — cannot send a write to the host.
 */
export async function copyToContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  hostSrc: string,
  dest: string,
  o: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  const srcStat = await lstat(hostSrc).catch(() => undefined);
  if (!srcStat)
    throw new EngineError('CONTAINER_COPY_SOURCE_MISSING', `${hostSrc}: no such file or directory`);
  const contentsOnly = hostSrc.endsWith('/.');
  const loc = locate(ctx, r, dest);
  const target = await resolveInRoot(loc.root, loc.path, { followLast: true });
  let inside: string;
  if (target.exists && (await lstat(target.host)).isDirectory()) {
    inside = contentsOnly ? target.inside : posix.join(target.inside, basename(hostSrc.replace(/\/+$/, '')));
  } else {
    if (dest.endsWith('/')) throw notFound(r, dest);
    // DEST is a new name — or a symlink, followed inside the container as Docker does: the copy
    // is made at what it points to, whose directory must exist.
    const parent = await resolveInRoot(loc.root, posix.dirname(target.inside), { followLast: true });
    if (!parent.exists) throw notFound(r, posix.dirname(target.inside));
    if (target.exists && srcStat.isDirectory()) {
      throw new EngineError(
        'CONTAINER_COPY_CONFLICT',
        `container ${r.name}: cannot overwrite non-directory ${dest} with a directory`,
      );
    }
    inside = posix.join(parent.inside, posix.basename(target.inside));
  }
  await unpackInto(
    ctx,
    loc.root,
    async (stdin) => {
      await writeTreeTar(stdin, hostSrc, {
        name: inside.replace(/^\/+/, ''),
        ...(o.signal ? { signal: o.signal } : {}),
      });
    },
    o.signal,
  );
}

/**
 * Applies a tar archive (relative names, e.g. from `cp - CONTAINER:DIR` or a watch sync) under
 * DIR inside the container; DIR is created when missing. The archive is first applied to a
 * private temporary directory (its names are not trusted either), then re-archived under DIR's
 * path and applied to the container's filesystem as in `copyToContainer`.
 */
export async function copyArchiveToContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  destDir: string,
  archive: Readable,
  o: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  const tmp = await mkdtemp(join(ctx.paths.tmp, 'cp-'));
  try {
    const unpack = ctx.runtime.unpack(tmp, o.signal ? { signal: o.signal } : {});
    await pipeline(archive, unpack.stdin, o.signal ? { signal: o.signal } : {});
    await unpack.result;
    const loc = locate(ctx, r, destDir);
    const target = await resolveInRoot(loc.root, loc.path, { followLast: true });
    await unpackInto(
      ctx,
      loc.root,
      async (stdin) => {
        await writeTreeTar(stdin, tmp, {
          name: target.inside.replace(/^\/+/, ''),
          ...(o.signal ? { signal: o.signal } : {}),
        });
      },
      o.signal,
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function unpackInto(
  ctx: ContainerContext,
  root: string,
  produce: (stdin: Writable) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const unpack = ctx.runtime.unpack(root, signal ? { signal } : {});
  const through = new PassThrough();
  const piping = pipeline(through, unpack.stdin).catch(() => undefined);
  try {
    await produce(through);
  } finally {
    through.end();
  }
  await piping;
  await unpack.result;
}
