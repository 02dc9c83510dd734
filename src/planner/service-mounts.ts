import type {
  ContainerFileSpec,
  MountPropagation,
  MountSpec,
  TmpfsMountSpec,
  VolumesFromSpec,
} from '../engine/container/types.js';
import type { FileReferenceConfig, ServiceConfig } from '../spec/types.js';
import { ByteSizeSyntaxError, parseByteSize } from '../spec/values/byte-size.js';
import { fileTarget } from './config-hash.js';
import { volumesFromService } from './dependency-graph.js';
import { unsupported, type MappingContext } from './mapping-context.js';

const PROPAGATIONS: ReadonlySet<string> = new Set([
  'private',
  'rprivate',
  'shared',
  'rshared',
  'slave',
  'rslave',
]);

/**
 * `volumes` (long syntax, as the loader hands them) then `tmpfs` entries, as engine mounts. Named
 * volume keys become engine names (`<project>_<key>` or `name:`); a volume entry without a source
 * is an anonymous volume. `image`, `npipe` and `cluster` mounts are refused.
 */
export function serviceMounts(service: ServiceConfig, ctx: MappingContext): MountSpec[] {
  const out: MountSpec[] = [];
  (service.volumes ?? []).forEach((v, i) => {
    const path = `volumes[${i}]`;
    const target = v.target;
    if (target === undefined) throw unsupported(ctx, path, 'a mount needs a target');
    const readOnly = v.read_only === true ? { readOnly: true } : {};
    switch (v.type) {
      case 'bind': {
        if (v.source === undefined) throw unsupported(ctx, path, 'a bind mount needs a source');
        const propagation = v.bind?.propagation;
        if (propagation !== undefined && !PROPAGATIONS.has(propagation)) {
          throw unsupported(ctx, `${path}.bind.propagation`, `unknown propagation "${propagation}"`);
        }
        out.push({
          type: 'bind',
          source: v.source,
          target,
          ...readOnly,
          ...(propagation !== undefined ? { propagation: propagation as MountPropagation } : {}),
          createHostPath: (v.bind?.create_host_path as boolean | undefined) !== false,
          ...(v.bind?.selinux !== undefined ? { selinux: v.bind.selinux } : {}),
          ...(v.bind?.recursive !== undefined ? { recursive: v.bind.recursive } : {}),
        });
        return;
      }
      case 'volume': {
        const source =
          v.source === undefined || v.source === ''
            ? null
            : (ctx.project.volumes[v.source]?.name ?? `${ctx.project.name}_${v.source}`);
        out.push({
          type: 'volume',
          source,
          target,
          ...readOnly,
          ...(v.volume?.nocopy === true ? { nocopy: true } : {}),
          ...(v.volume?.subpath !== undefined ? { subpath: v.volume.subpath } : {}),
        });
        return;
      }
      case 'tmpfs':
        out.push({
          type: 'tmpfs',
          target,
          ...readOnly,
          ...(v.tmpfs?.size !== undefined ? { sizeBytes: Number(v.tmpfs.size) } : {}),
          ...(v.tmpfs?.mode !== undefined ? { mode: v.tmpfs.mode } : {}),
        });
        return;
      case 'image':
      case 'npipe':
      case 'cluster':
        throw unsupported(ctx, `${path}.type`, `mount type "${v.type}" is not supported`);
      default: {
        const never: never = v.type;
        throw unsupported(ctx, `${path}.type`, `unknown mount type "${String(never)}"`);
      }
    }
  });
  (service.tmpfs ?? []).forEach((entry, i) => out.push(parseTmpfs(entry, `tmpfs[${i}]`, ctx)));
  return out;
}

/**
 * A `tmpfs:` entry, `PATH[:OPTIONS]` with Docker's comma-separated options: `size=64m` and
 * `mode=1777` become fields, `ro` sets readOnly, the rest is passed on as written.
 */
export function parseTmpfs(entry: string, path: string, ctx: MappingContext): TmpfsMountSpec {
  const colon = entry.indexOf(':');
  const target = colon < 0 ? entry : entry.slice(0, colon);
  const options =
    colon < 0
      ? []
      : entry
          .slice(colon + 1)
          .split(',')
          .filter((o) => o !== '');
  let sizeBytes: number | undefined;
  let mode: number | undefined;
  let readOnly = false;
  const rest: string[] = [];
  for (const option of options) {
    const [key, value] = splitOption(option);
    if (key === 'size' && value !== undefined) {
      try {
        sizeBytes = parseByteSize(value);
      } catch (err) {
        if (err instanceof ByteSizeSyntaxError) throw unsupported(ctx, path, `invalid tmpfs size "${value}"`);
        throw err;
      }
    } else if (key === 'mode' && value !== undefined) {
      if (!/^[0-7]{1,4}$/.test(value)) throw unsupported(ctx, path, `invalid tmpfs mode "${value}"`);
      mode = parseInt(value, 8);
    } else if (key === 'ro' && value === undefined) readOnly = true;
    else if (key === 'rw' && value === undefined) readOnly = false;
    else rest.push(option);
  }
  return {
    type: 'tmpfs',
    target,
    ...(readOnly ? { readOnly } : {}),
    ...(sizeBytes !== undefined ? { sizeBytes } : {}),
    ...(mode !== undefined ? { mode } : {}),
    ...(rest.length > 0 ? { options: rest } : {}),
  };
}

/**
 * `volumes_from: [service[:ro|rw]]` and `[container:name[:ro|rw]]`. A service reference joins that
 * service's container (replica 1 until the plan knows its lowest replica).
 */
export function serviceVolumesFrom(service: ServiceConfig, ctx: MappingContext): VolumesFromSpec[] {
  return (service.volumes_from ?? []).map((entry) => {
    const ref = volumesFromService(entry);
    const parts = entry.split(':');
    const mode = ref === null ? parts[2] : parts[1];
    const container = ref === null ? (parts[1] ?? '') : ctx.serviceContainer(ref);
    return { container, ...(mode === 'ro' ? { readOnly: true } : mode === 'rw' ? { readOnly: false } : {}) };
  });
}

/**
 * Configs and secrets as files to place. File-sourced ones are read by the engine at create time
 * (and checked against the digest), inline and environment-sourced ones travel as content.
 * External ones are refused: they exist only in Swarm.
 */
export function serviceFiles(service: ServiceConfig, ctx: MappingContext): ContainerFileSpec[] {
  const out: ContainerFileSpec[] = [];
  const place = (refs: readonly FileReferenceConfig[] | undefined, kind: 'config' | 'secret'): void => {
    (refs ?? []).forEach((ref, i) => {
      const path = `${kind}s[${i}]`;
      const def = kind === 'config' ? ctx.project.configs[ref.source] : ctx.project.secrets[ref.source];
      if (def === undefined) throw unsupported(ctx, path, `${kind} "${ref.source}" is not defined`);
      if (def.external === true) {
        throw unsupported(
          ctx,
          path,
          `external ${kind} "${ref.source}" is not supported (Swarm only)`,
          `use file:`,
        );
      }
      let source: ContainerFileSpec['source'];
      if (def.file !== undefined) source = { type: 'path', path: def.file };
      else if (def.content !== undefined) source = { type: 'content', content: def.content };
      else throw unsupported(ctx, path, `${kind} "${ref.source}" has no file, content or environment`);
      const digests = kind === 'config' ? ctx.configDigests : ctx.secretDigests;
      out.push({
        kind,
        key: ref.source,
        target: fileTarget(ref, kind),
        source,
        contentDigest: digests[ref.source] ?? '',
        ...(ref.uid !== undefined ? { uid: parseId(ref.uid, `${path}.uid`, ctx) } : {}),
        ...(ref.gid !== undefined ? { gid: parseId(ref.gid, `${path}.gid`, ctx) } : {}),
        ...(ref.mode !== undefined ? { mode: parseMode(ref.mode, `${path}.mode`, ctx) } : {}),
      });
    });
  };
  place(service.configs, 'config');
  place(service.secrets, 'secret');
  return out;
}

function parseId(value: string | number, path: string, ctx: MappingContext): number {
  const text = String(value);
  if (!/^[0-9]+$/.test(text)) throw unsupported(ctx, path, `expected a numeric id, got "${text}"`);
  return Number(text);
}

/** `"0440"` (octal, as Compose prints it) or a number (already the value). */
function parseMode(value: string | number, path: string, ctx: MappingContext): number {
  if (typeof value === 'number') return value;
  if (!/^[0-7]{1,4}$/.test(value)) throw unsupported(ctx, path, `expected an octal mode, got "${value}"`);
  return parseInt(value, 8);
}

function splitOption(option: string): [string, string | undefined] {
  const eq = option.indexOf('=');
  return eq < 0 ? [option, undefined] : [option.slice(0, eq), option.slice(eq + 1)];
}
