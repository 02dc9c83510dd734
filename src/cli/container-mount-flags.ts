import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../common/usage-error.js';
import type { BindMountSpec, MountSpec } from '../engine/container/types.js';

/** `-v`, `--mount` and `--tmpfs` of `container create|run` → MountSpecs (Docker's syntax). */

/** Docker's byte sizes (`RAMInBytes`): `64m`, `1g`, `512k`, `100b`, plain bytes; binary units. */
export function parseBytes(text: string, flag: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kmgtp]?)i?b?$/i.exec(text.trim());
  if (!m) throw new UsageError(`${flag} "${text}": expected a size such as 64m or 1g`);
  const unit = m[2]!.toLowerCase();
  const mult = unit === '' ? 1 : 1024 ** ('kmgtp'.indexOf(unit) + 1);
  return Math.round(Number(m[1]) * mult);
}

const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'] as const;

/**
 * `-v [SRC:]DST[:OPTS]`: an absolute or `./`-relative SRC is a bind (a missing host directory is
 * created, as Docker's short syntax does), another SRC a named volume, none an anonymous volume.
 * OPTS: ro/rw, z/Z, nocopy, a propagation mode.
 */
export function parseVolume(text: string, cwd: string): MountSpec {
  const parts = text.split(':');
  if (parts.length > 3 || parts.some((p) => p === ''))
    throw new UsageError(`--volume "${text}": expected [SOURCE:]TARGET[:OPTIONS]`);
  let src: string | undefined;
  let dst: string;
  let opts: string[] = [];
  if (parts.length === 1) dst = parts[0]!;
  else if (parts.length === 2) {
    if (parts[1]!.startsWith('/')) [src, dst] = [parts[0], parts[1]!];
    else {
      dst = parts[0]!;
      opts = parts[1]!.split(',');
    }
  } else {
    [src, dst] = [parts[0], parts[1]!];
    opts = parts[2]!.split(',');
  }
  if (!dst.startsWith('/'))
    throw new UsageError(`--volume "${text}": the target "${dst}" must be an absolute path`);
  let readOnly = false;
  let nocopy = false;
  let propagation: BindMountSpec['propagation'];
  let selinux: 'z' | 'Z' | undefined;
  for (const o of opts) {
    if (o === 'ro') readOnly = true;
    else if (o === 'rw') readOnly = false;
    else if (o === 'nocopy') nocopy = true;
    else if (o === 'z' || o === 'Z') selinux = o;
    else if ((PROPAGATIONS as readonly string[]).includes(o)) propagation = o as BindMountSpec['propagation'];
    else throw new UsageError(`--volume "${text}": unknown option "${o}"`);
  }
  if (src !== undefined && (src.startsWith('/') || src.startsWith('.') || src.startsWith('~'))) {
    return {
      type: 'bind',
      source: isAbsolute(src) ? src : resolve(cwd, src),
      target: dst,
      readOnly,
      createHostPath: true,
      ...(propagation ? { propagation } : {}),
      ...(selinux ? { selinux } : {}),
    };
  }
  return { type: 'volume', source: src ?? null, target: dst, readOnly, ...(nocopy ? { nocopy } : {}) };
}

/** `--mount type=bind|volume|tmpfs,source=…,target=…,readonly,…` (Docker's long syntax). */
export function parseMount(text: string, cwd: string): MountSpec {
  const kv = new Map<string, string>();
  for (const field of text.split(',')) {
    const eq = field.indexOf('=');
    const k = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    kv.set(k, eq < 0 ? 'true' : field.slice(eq + 1));
  }
  const type = kv.get('type') ?? 'volume';
  const target = kv.get('target') ?? kv.get('destination') ?? kv.get('dst');
  if (!target) throw new UsageError(`--mount "${text}": target is required`);
  const source = kv.get('source') ?? kv.get('src');
  const bool = (k: string): boolean => ['true', '1', ''].includes(kv.get(k) ?? 'false');
  const readOnly = bool('readonly') || bool('ro');
  if (type === 'bind') {
    if (!source) throw new UsageError(`--mount "${text}": a bind mount needs source`);
    const prop = kv.get('bind-propagation');
    if (prop !== undefined && !(PROPAGATIONS as readonly string[]).includes(prop))
      throw new UsageError(`--mount "${text}": bind-propagation "${prop}" is not valid`);
    return {
      type: 'bind',
      source: isAbsolute(source) ? source : resolve(cwd, source),
      target,
      readOnly,
      createHostPath: bool('bind-create-host-path'),
      ...(prop ? { propagation: prop as BindMountSpec['propagation'] } : {}),
      ...(kv.get('bind-recursive')
        ? { recursive: kv.get('bind-recursive') as BindMountSpec['recursive'] }
        : {}),
    };
  }
  if (type === 'volume') {
    return {
      type: 'volume',
      source: source ?? null,
      target,
      readOnly,
      ...(bool('volume-nocopy') ? { nocopy: true } : {}),
      ...(kv.get('volume-subpath') ? { subpath: kv.get('volume-subpath')! } : {}),
    };
  }
  if (type === 'tmpfs') {
    const size = kv.get('tmpfs-size');
    const mode = kv.get('tmpfs-mode');
    return {
      type: 'tmpfs',
      target,
      readOnly,
      ...(size ? { sizeBytes: parseBytes(size, '--mount tmpfs-size') } : {}),
      ...(mode ? { mode: parseInt(mode, 8) } : {}),
    };
  }
  throw new UsageError(`--mount "${text}": type must be bind, volume or tmpfs`);
}

/** `--tmpfs /path[:opts]` (opts as mount(8) options: `size=64m,mode=1770,uid=1000`). */
export function parseTmpfs(text: string): MountSpec {
  const colon = text.indexOf(':');
  const target = colon < 0 ? text : text.slice(0, colon);
  const opts =
    colon < 0
      ? []
      : text
          .slice(colon + 1)
          .split(',')
          .filter((o) => o !== '');
  let sizeBytes: number | undefined;
  let mode: number | undefined;
  let readOnly = false;
  const options: string[] = [];
  for (const o of opts) {
    if (o.startsWith('size=')) sizeBytes = parseBytes(o.slice(5), '--tmpfs size');
    else if (o.startsWith('mode=')) mode = parseInt(o.slice(5), 8);
    else if (o === 'ro') readOnly = true;
    else if (o !== 'rw') options.push(o);
  }
  return {
    type: 'tmpfs',
    target,
    readOnly,
    ...(sizeBytes !== undefined ? { sizeBytes } : {}),
    ...(mode !== undefined ? { mode } : {}),
    ...(options.length > 0 ? { options } : {}),
  };
}
