import { readdir, statfs } from 'node:fs/promises';
import type { Logger } from '../../common/logger.js';
import type { LocalContentStore } from '../image/content-store.js';
import type { LocalImageStore } from '../image/image-store.js';
import type { LocalSnapshotStore } from '../image/snapshot-store.js';
import type { NetworkManager } from '../network/index.js';
import type { Runtime } from '../runtime.js';
import type { EnginePaths } from '../store/engine-paths.js';
import type { ImageService } from '../types.js';
import type { VolumeService } from '../volume/volume-service.js';
import type { ContainerStore } from './container-store.js';

/** Restart backoff of the shims (tests shorten it; defaults are Docker's). */
export interface RestartBackoff {
  readonly initialMs?: number;
  readonly maxMs?: number;
  readonly resetMs?: number;
}

/** Everything the container operations share; built once by the ContainerService. */
export interface ContainerContext {
  readonly paths: EnginePaths;
  readonly store: ContainerStore;
  readonly runtime: Runtime;
  /** The OCI runtime's `--root` for this engine (`<run>/runtime`). */
  readonly runtimeRoot: string;
  readonly images: ImageService;
  readonly snapshots: LocalSnapshotStore;
  readonly content: LocalContentStore;
  readonly imageStore: LocalImageStore;
  readonly volumes: VolumeService;
  /** The root's network manager, opened on first use. */
  readonly networks: () => Promise<NetworkManager>;
  readonly logger: Logger;
  /** Named points of multi-step operations (tests kill the process there). */
  readonly step: (name: string) => Promise<void>;
  readonly warn: (message: string) => void;
  /** Ids this process is creating or removing right now: repair leaves them alone. */
  readonly inFlight: Set<string>;
  /** Four hex digits of the root's real path (the network subsystem's tag): names host objects. */
  readonly rootTag: string;
  readonly backoff?: RestartBackoff;
}

const CGROUP2_SUPER_MAGIC = 0x63677270;

let cgroupVersion: Promise<1 | 2> | undefined;

/** cgroup v2 when /sys/fs/cgroup is the unified hierarchy, else v1 (hybrid hosts included). */
export function hostCgroupVersion(): Promise<1 | 2> {
  cgroupVersion ??= statfs('/sys/fs/cgroup')
    .then((s) => (s.type === CGROUP2_SUPER_MAGIC ? (2 as const) : (1 as const)))
    .catch(() => 1 as const);
  return cgroupVersion;
}

let thermal: Promise<string[]> | undefined;

/** `/sys/devices/system/cpu/cpuN/thermal_throttle` of this host's CPUs: Docker masks them. */
export function thermalThrottlePaths(): Promise<string[]> {
  thermal ??= (async () => {
    const base = '/sys/devices/system/cpu';
    const out: string[] = [];
    for (const name of await readdir(base).catch(() => [] as string[])) {
      if (!/^cpu[0-9]+$/.test(name)) continue;
      const entries = await readdir(`${base}/${name}`).catch(() => [] as string[]);
      if (entries.includes('thermal_throttle')) out.push(`${base}/${name}/thermal_throttle`);
    }
    return out;
  })();
  return thermal;
}

/** The cgroup of a container: at the hierarchy's top, named so host-leaks finds leftovers. */
export function cgroupsPathFor(ctx: Pick<ContainerContext, 'rootTag'>, id: string): string {
  return `/tscompose-${ctx.rootTag}-${id}`;
}
