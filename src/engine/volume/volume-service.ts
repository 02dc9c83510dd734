import { randomBytes } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.js';
import { isMountPoint, mountFs, unmount } from '../container/host-mount.js';
import type { EngineLock } from '../store/engine-lock.js';
import { Mutex } from '../store/rw-lock.js';
import type { VolumeInfo, VolumeSpec } from './types.js';
import { assertVolumeName, VolumeStore, type VolumeRecord } from './volume-store.js';

/** The label that marks an anonymous volume, valued with the id of the container it belongs to. */
export const ANONYMOUS_LABEL = 'io.tscompose.anonymous';

export interface VolumeServiceDeps {
  readonly dir: string;
  readonly lock: EngineLock;
  /** Volume name → ids of the containers (any state) that mount it. */
  readonly usage: () => Promise<ReadonlyMap<string, readonly string[]>>;
}

export interface VolumeOpOptions {
  readonly signal?: AbortSignal;
}

export interface VolumePruneSpec extends VolumeOpOptions {
  /** Also named volumes (Docker ≥ 23 prunes only anonymous ones without `-a`). */
  readonly all?: boolean;
  /** Only volumes carrying all these labels (`K` alone: the label exists). */
  readonly labels?: Readonly<Record<string, string | undefined>>;
}

export interface VolumePruneInfo {
  readonly volumesDeleted: readonly string[];
  readonly spaceReclaimed: number;
}

const DRIVER_OPTS = ['type', 'device', 'o'];

function validateSpec(spec: VolumeSpec): void {
  assertVolumeName(spec.name);
  if (spec.driver !== undefined && spec.driver !== 'local') {
    throw new EngineError(
      'VOLUME_UNSUPPORTED',
      `volume ${spec.name}: driver "${String(spec.driver)}" is not supported`,
      'only the local driver exists in this engine',
    );
  }
  const opts = spec.driverOpts ?? {};
  for (const key of Object.keys(opts)) {
    if (!DRIVER_OPTS.includes(key)) {
      throw new EngineError(
        'VOLUME_UNSUPPORTED',
        `volume ${spec.name}: driver option "${key}" is not supported`,
        'the local driver takes type, device and o (mount(8) type, source and options)',
      );
    }
  }
  if ((opts['device'] !== undefined || opts['o'] !== undefined) && opts['type'] === undefined) {
    throw new EngineError(
      'VOLUME_OPTIONS_INVALID',
      `volume ${spec.name}: driver option "type" is required with device or o`,
    );
  }
  if (opts['type'] !== undefined && opts['type'] !== 'tmpfs' && opts['device'] === undefined) {
    throw new EngineError(
      'VOLUME_OPTIONS_INVALID',
      `volume ${spec.name}: driver option "device" is required for type ${opts['type']}`,
    );
  }
}

async function dirSize(path: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(path, { withFileTypes: true }).catch(() => [])) {
    const full = join(path, e.name);
    if (e.isDirectory()) total += await dirSize(full);
    else total += (await lstat(full).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/**
 * Named volumes of the local driver (`<root>/volumes/<name>/_data`), which outlive containers.
 * Driver options describe a filesystem to mount on `_data` (Docker's local driver: `type`,
 * `device`, `o`), mounted when a container first uses the volume and unmounted when it is
 * removed. Mutations hold the engine lock (shared by reference within the process) and an
 * in-process mutex.
 */
export class VolumeService {
  readonly store: VolumeStore;
  private readonly mutex = new Mutex();

  constructor(private readonly deps: VolumeServiceDeps) {
    this.store = new VolumeStore(deps.dir);
  }

  private async locked<T>(o: VolumeOpOptions, fn: () => Promise<T>): Promise<T> {
    const release = await this.deps.lock.acquire({ signal: o.signal });
    try {
      return await this.mutex.run(async () => {
        await this.store.sweep();
        return fn();
      });
    } finally {
      await release();
    }
  }

  private info(r: VolumeRecord, usage: ReadonlyMap<string, readonly string[]>): VolumeInfo {
    return {
      name: r.name,
      driver: 'local',
      mountpoint: this.store.dataPath(r.name),
      labels: r.labels,
      driverOpts: r.driverOpts,
      created: r.created,
      anonymous: ANONYMOUS_LABEL in r.labels,
      usedBy: usage.get(r.name) ?? [],
    };
  }

  /**
   * Creates a volume. An existing one is VOLUME_EXISTS, unless `ifMissing` (then it is returned
   * as it is: options are never changed in place).
   */
  async create(
    spec: VolumeSpec,
    o: VolumeOpOptions & { readonly ifMissing?: boolean } = {},
  ): Promise<VolumeInfo> {
    validateSpec(spec);
    return this.locked(o, async () => {
      const record: VolumeRecord = {
        version: 1,
        name: spec.name,
        driver: 'local',
        labels: { ...(spec.labels ?? {}) },
        driverOpts: { ...(spec.driverOpts ?? {}) },
        created: new Date().toISOString(),
      };
      if (!(await this.store.create(record))) {
        if (!o.ifMissing) {
          throw new EngineError(
            'VOLUME_EXISTS',
            `volume ${spec.name} already exists`,
            'remove it first, or use another name',
          );
        }
      }
      return this.inspect(spec.name);
    });
  }

  /** Creates an anonymous volume (random 64-hex name) for a container. */
  async createAnonymous(containerId: string, o: VolumeOpOptions = {}): Promise<VolumeInfo> {
    return this.create(
      { name: randomBytes(32).toString('hex'), labels: { [ANONYMOUS_LABEL]: containerId } },
      o,
    );
  }

  /** Hands an anonymous volume to another container (a recreate inherits it). */
  async adoptAnonymous(name: string, containerId: string, o: VolumeOpOptions = {}): Promise<void> {
    await this.locked(o, async () => {
      const r = await this.store.get(name);
      if (!r) throw volumeNotFound(name);
      await this.store.update({ ...r, labels: { ...r.labels, [ANONYMOUS_LABEL]: containerId } });
    });
  }

  async list(
    o: { readonly labels?: Readonly<Record<string, string | undefined>> } = {},
  ): Promise<VolumeInfo[]> {
    const usage = await this.deps.usage();
    return (await this.store.list())
      .filter((r) => matchLabels(r.labels, o.labels))
      .map((r) => this.info(r, usage));
  }

  async find(name: string): Promise<VolumeInfo | undefined> {
    const r = await this.store.get(name);
    return r ? this.info(r, await this.deps.usage()) : undefined;
  }

  async inspect(name: string): Promise<VolumeInfo> {
    const v = await this.find(name);
    if (!v) throw volumeNotFound(name);
    return v;
  }

  /**
   * The host directory a container mounts for this volume: `_data`, with the volume's filesystem
   * mounted on it first when driver options describe one.
   */
  async mountSource(name: string, o: VolumeOpOptions = {}): Promise<string> {
    const r = await this.store.get(name);
    if (!r) throw volumeNotFound(name);
    const data = this.store.dataPath(name);
    const type = r.driverOpts['type'];
    if (type !== undefined && !(await isMountPoint(data))) {
      const options = (r.driverOpts['o'] ?? '').split(',').filter((x) => x !== '');
      await mountFs(type, r.driverOpts['device'] ?? type, data, options, `volume ${name}`, o.signal);
    }
    return data;
  }

  /** Whether the volume's data directory has no entries (Docker copies image content into it then). */
  async isEmpty(name: string): Promise<boolean> {
    return (await readdir(this.store.dataPath(name))).length === 0;
  }

  /**
   * Removes a volume no container uses (VOLUME_IN_USE otherwise, naming them). `force` only
   * makes a missing volume no error, as Docker's `volume rm -f`.
   */
  async remove(name: string, o: VolumeOpOptions & { readonly force?: boolean } = {}): Promise<void> {
    await this.locked(o, async () => {
      const r = await this.store.get(name);
      if (!r) {
        if (o.force) return;
        throw volumeNotFound(name);
      }
      const users = (await this.deps.usage()).get(name) ?? [];
      if (users.length > 0) {
        throw new EngineError(
          'VOLUME_IN_USE',
          `volume ${name} is in use by container${users.length > 1 ? 's' : ''} ${users.map((u) => u.slice(0, 12)).join(', ')}`,
          'remove the containers first (tscompose container rm)',
        );
      }
      await this.removeUnlocked(name, o);
    });
  }

  /** Removes a volume without checks (the caller holds the lock and knows it is unused). */
  async removeUnlocked(name: string, o: VolumeOpOptions = {}): Promise<void> {
    await unmount(this.store.dataPath(name), o.signal);
    await this.store.remove(name);
  }

  /** Removes every unused volume (anonymous ones only, unless `all`) matching the labels. */
  async prune(spec: VolumePruneSpec = {}): Promise<VolumePruneInfo> {
    return this.locked(spec, async () => {
      const usage = await this.deps.usage();
      const deleted: string[] = [];
      let space = 0;
      for (const r of await this.store.list()) {
        if ((usage.get(r.name) ?? []).length > 0) continue;
        if (!spec.all && !(ANONYMOUS_LABEL in r.labels)) continue;
        if (!matchLabels(r.labels, spec.labels)) continue;
        space += await dirSize(this.store.dataPath(r.name));
        await this.removeUnlocked(r.name, spec);
        deleted.push(r.name);
      }
      return { volumesDeleted: deleted, spaceReclaimed: space };
    });
  }
}

export function volumeNotFound(name: string): EngineError {
  return new EngineError(
    'VOLUME_NOT_FOUND',
    `volume ${name} not found`,
    'list volumes with `tscompose volume ls`',
  );
}

/** Docker's label filter: `K` (present) or `K=V` (equal), all must match. */
export function matchLabels(
  labels: Readonly<Record<string, string>>,
  want: Readonly<Record<string, string | undefined>> | undefined,
): boolean {
  if (!want) return true;
  return Object.entries(want).every(([k, v]) => (v === undefined ? k in labels : labels[k] === v));
}
