import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile, chown, chmod, readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, posix } from 'node:path';
import { EngineError } from '../errors.js';
import { ANONYMOUS_LABEL } from '../volume/volume-service.js';
import type { ContainerContext } from './container-context.js';
import type { ContainerPaths, ContainerRecord, RecordedMount } from './container-record.js';
import type { OciMount } from './oci-config.js';
import { resolveInRoot } from './rootfs-path.js';
import type { ContainerFileSpec, ContainerSpec, MountSpec } from './types.js';
import { copyImageContent } from './volume-copy-up.js';

export interface MountPlanInputs {
  readonly ctx: ContainerContext;
  readonly id: string;
  readonly spec: ContainerSpec;
  readonly paths: ContainerPaths;
  /** Image VOLUME targets. */
  readonly imageVolumes: readonly string[];
  /** Containers named by `volumesFrom`, resolved. */
  readonly volumesFrom: readonly { readonly record: ContainerRecord; readonly readOnly?: boolean }[];
  /** The container being replaced (`inheritAnonymousVolumesFrom`), if it still exists. */
  readonly inheritFrom?: ContainerRecord;
  /** Called with each anonymous volume as soon as it exists (recorded for rollback). */
  readonly onAnonymous: (name: string) => Promise<void>;
  readonly signal?: AbortSignal;
}

function checkTarget(target: string, spec: ContainerSpec): string {
  if (!isAbsolute(target)) {
    throw new EngineError(
      'CONTAINER_MOUNT_INVALID',
      `container ${spec.name}: mount target "${target}" is not an absolute path`,
    );
  }
  const t = posix.normalize(target).replace(/\/+$/, '');
  if (t === '' || t === '/') {
    throw new EngineError(
      'CONTAINER_MOUNT_INVALID',
      `container ${spec.name}: cannot mount over "/"`,
      'mount below it, e.g. /data',
    );
  }
  return t;
}

function bindOptions(readOnly: boolean, propagation: string | undefined, recursive = true): string[] {
  return [recursive ? 'rbind' : 'bind', ...(readOnly ? ['ro'] : []), propagation ?? 'rprivate'];
}

/** Docker's tmpfs defaults (nosuid,nodev,noexec unless asked otherwise), size and mode. */
export function tmpfsOptions(m: Extract<MountSpec, { type: 'tmpfs' }>): string[] {
  const extra = m.options ?? [];
  const opts: string[] = [];
  if (!extra.includes('suid')) opts.push('nosuid');
  if (!extra.includes('dev')) opts.push('nodev');
  if (!extra.includes('exec')) opts.push('noexec');
  opts.push(
    ...extra.filter(
      (o) => !['suid', 'dev', 'exec'].includes(o) && !o.startsWith('size=') && !o.startsWith('mode='),
    ),
  );
  if (m.sizeBytes !== undefined) opts.push(`size=${m.sizeBytes}`);
  opts.push(`mode=${(m.mode ?? 0o1777).toString(8)}`);
  if (m.readOnly) opts.push('ro');
  return opts;
}

async function prepareVolume(
  i: MountPlanInputs,
  name: string,
  target: string,
  o: { readOnly: boolean; nocopy?: boolean; subpath?: string },
): Promise<RecordedMount> {
  const dir = await i.ctx.volumes.mountSource(name, { signal: i.signal });
  if (!o.nocopy && !o.subpath && (await i.ctx.volumes.isEmpty(name))) {
    await copyImageContent(i.ctx.runtime, i.paths.rootfs, target, dir, i.signal);
  }
  let hostPath = dir;
  if (o.subpath) {
    const sub = await resolveInRoot(dir, o.subpath, { followLast: true });
    if (!sub.exists) {
      throw new EngineError(
        'CONTAINER_MOUNT_SOURCE_MISSING',
        `container ${i.spec.name}: volume ${name} has no "${o.subpath}" (subpath)`,
        'create the directory in the volume first',
      );
    }
    hostPath = sub.host;
  }
  const anonymous = (await i.ctx.volumes.find(name))?.anonymous ?? false;
  return {
    type: 'volume',
    source: name,
    target,
    readOnly: o.readOnly,
    volumeName: name,
    anonymous,
    hostPath,
    options: bindOptions(o.readOnly, undefined),
  };
}

async function anonymousVolume(
  i: MountPlanInputs,
  target: string,
  readOnly: boolean,
  nocopy?: boolean,
): Promise<RecordedMount> {
  const inherited = i.inheritFrom?.mounts.find((m) => m.anonymous && m.target === target && m.volumeName);
  let name: string;
  if (inherited?.volumeName && (await i.ctx.volumes.find(inherited.volumeName))) {
    name = inherited.volumeName;
    await i.ctx.volumes.adoptAnonymous(name, i.id, { signal: i.signal });
  } else {
    name = (await i.ctx.volumes.createAnonymous(i.id, { signal: i.signal })).name;
  }
  await i.onAnonymous(name);
  return prepareVolume(i, name, target, { readOnly, ...(nocopy ? { nocopy } : {}) });
}

async function resolveOne(i: MountPlanInputs, m: MountSpec): Promise<RecordedMount> {
  const target = checkTarget(m.target, i.spec);
  if (m.type === 'bind') {
    if (!isAbsolute(m.source)) {
      throw new EngineError(
        'CONTAINER_MOUNT_INVALID',
        `container ${i.spec.name}: bind source "${m.source}" is not an absolute path`,
      );
    }
    const source = normalize(m.source);
    try {
      await stat(source);
    } catch {
      if (!m.createHostPath) {
        throw new EngineError(
          'CONTAINER_MOUNT_SOURCE_MISSING',
          `container ${i.spec.name}: bind source path ${source} does not exist`,
          'create it, or use the short syntax (which creates a missing directory)',
        );
      }
      await mkdir(source, { recursive: true, mode: 0o755 });
    }
    return {
      type: 'bind',
      source,
      target,
      readOnly: m.readOnly ?? false,
      hostPath: source,
      options: bindOptions(m.readOnly ?? false, m.propagation, m.recursive !== 'disabled'),
    };
  }
  if (m.type === 'tmpfs') {
    return { type: 'tmpfs', source: '', target, readOnly: m.readOnly ?? false, options: tmpfsOptions(m) };
  }
  if (m.source === null) return anonymousVolume(i, target, m.readOnly ?? false, m.nocopy);
  await i.ctx.volumes.create({ name: m.source }, { ifMissing: true, signal: i.signal });
  return prepareVolume(i, m.source, target, {
    readOnly: m.readOnly ?? false,
    ...(m.nocopy ? { nocopy: true } : {}),
    ...(m.subpath ? { subpath: m.subpath } : {}),
  });
}

/**
 * The container's mounts, resolved on the host, in mount order: `volumesFrom` first (its mounts
 * can be overridden by the container's own at the same target), then the spec's, then an
 * anonymous volume for each image VOLUME nothing covers; sorted so a parent is mounted before
 * what sits below it. New, empty volumes are filled from the image (copy-up) unless `nocopy`.
 */
export async function resolveMounts(i: MountPlanInputs): Promise<RecordedMount[]> {
  const byTarget = new Map<string, RecordedMount>();
  for (const from of i.volumesFrom) {
    for (const m of from.record.mounts) {
      if (m.type === 'tmpfs') continue;
      const readOnly = from.readOnly ?? m.readOnly;
      byTarget.set(m.target, { ...m, readOnly, options: bindOptions(readOnly, undefined) });
    }
  }
  const own = new Set<string>();
  for (const m of i.spec.mounts) {
    const t = checkTarget(m.target, i.spec);
    if (own.has(t)) {
      throw new EngineError(
        'CONTAINER_MOUNT_DUPLICATE',
        `container ${i.spec.name}: two mounts at ${t}`,
        'give each mount its own target',
      );
    }
    own.add(t);
    byTarget.set(t, await resolveOne(i, m));
  }
  for (const v of i.imageVolumes) {
    const t = checkTarget(v, i.spec);
    if (!byTarget.has(t)) byTarget.set(t, await anonymousVolume(i, t, false));
  }
  const depth = (p: string): number => p.split('/').length;
  return [...byTarget.values()].sort((a, b) => depth(a.target) - depth(b.target));
}

/** OCI mounts of the resolved mounts (tmpfs by type, the rest as binds of their host paths). */
export function ociMountsOf(mounts: readonly RecordedMount[]): OciMount[] {
  return mounts.map((m) =>
    m.type === 'tmpfs'
      ? { destination: m.target, type: 'tmpfs', source: 'tmpfs', options: [...m.options] }
      : { destination: m.target, type: 'bind', source: m.hostPath!, options: [...m.options] },
  );
}

/** Volume names a record uses (for in-use checks). */
export function volumesOf(r: ContainerRecord): string[] {
  return r.mounts.flatMap((m) => (m.type === 'volume' && m.volumeName ? [m.volumeName] : []));
}

/** Anonymous volumes that belong to a container by label (also those a killed create made). */
export function anonymousLabelFilter(id: string): Record<string, string> {
  return { [ANONYMOUS_LABEL]: id };
}

/**
 * Writes configs and secrets as files under the container's directory (so the container sees the
 * bytes the plan's hash was computed from, not later edits) and returns their read-only binds.
 * A `path` source whose content no longer matches `contentDigest` is CONTAINER_FILE_CHANGED.
 */
export async function placeFiles(
  p: ContainerPaths,
  files: readonly ContainerFileSpec[],
  name: string,
): Promise<OciMount[]> {
  if (files.length === 0) return [];
  await mkdir(p.files, { recursive: true, mode: 0o700 });
  const out: OciMount[] = [];
  for (const [n, f] of files.entries()) {
    const bytes =
      f.source.type === 'content' ? Buffer.from(f.source.content, 'utf8') : await readFile(f.source.path);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (digest !== f.contentDigest) {
      throw new EngineError(
        'CONTAINER_FILE_CHANGED',
        `container ${name}: ${f.kind} ${f.key} changed since the plan (${f.contentDigest.slice(0, 19)} expected, ${digest.slice(0, 19)} found)`,
        'plan again (run the command again)',
      );
    }
    const host = join(p.files, String(n));
    await writeFile(host, bytes, { mode: 0o600 });
    await chown(host, f.uid ?? 0, f.gid ?? 0);
    await chmod(host, f.mode ?? 0o444);
    out.push({
      destination: checkTarget(f.target, { name } as ContainerSpec),
      type: 'bind',
      source: host,
      options: ['rbind', 'ro', 'rprivate'],
    });
  }
  return out;
}
