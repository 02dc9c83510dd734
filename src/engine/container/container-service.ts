import { realpath } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../../common/logger.js';
import { silentLogger } from '../../common/logger.js';
import type { LocalContentStore } from '../image/content-store.js';
import type { LocalImageStore } from '../image/image-store.js';
import type { LocalSnapshotStore } from '../image/snapshot-store.js';
import { hostNamesFor, type NetworkManager } from '../network/index.js';
import type { EndpointInfo } from '../network/types.js';
import type { Runtime } from '../runtime.js';
import type { EngineLock } from '../store/engine-lock.js';
import type { EnginePaths } from '../store/engine-paths.js';
import { Mutex } from '../store/rw-lock.js';
import type { ImageInfo, ImageService } from '../types.js';
import type { VolumeService } from '../volume/volume-service.js';
import { commitContainer, type CommitSpec } from './container-commit.js';
import type { ContainerContext, RestartBackoff } from './container-context.js';
import {
  copyArchiveToContainer,
  copyFromContainer,
  copyToContainer,
  statInContainer,
} from './container-copy.js';
import { connectContainer, disconnectContainer } from './container-connect.js';
import { createContainer } from './container-create.js';
import { execInContainer, type ExecRequest, type ProcessStdio } from './container-exec.js';
import { dockerInspect } from './container-inspect.js';
import {
  currentRunState,
  killContainer,
  setPaused,
  startContainer,
  stopContainer,
} from './container-lifecycle.js';
import { readContainerLogs, type LogReadOptions } from './container-logs.js';
import { volumesOf } from './container-mounts.js';
import { containerInfo } from './container-observe.js';
import type { ContainerRecord } from './container-record.js';
import { runtimeRoot } from './container-record.js';
import { removeContainer, renameContainer } from './container-remove.js';
import { repairContainers, type ContainerRepairReport } from './container-repair.js';
import { statsOf, type ContainerStats } from './container-stats.js';
import type { ContainerStore } from './container-store.js';
import { topContainer, type ProcessList } from './container-top.js';
import { followAttached } from './container-attach.js';
import { waitForExit, waitForHealthy } from './container-wait.js';
import type { LogLine } from './log-record.js';
import { writeTreeTar } from './tree-tar.js';
import type {
  ContainerDesiredState,
  ContainerEndpointSpec,
  ContainerInfo,
  ContainerSpec,
  ContainerState,
} from './types.js';

/** What the CLI (or a test) plugs into the container engine. */
export interface ContainerHooks {
  /** Named points of create/rm (`container-create:recorded`, …); tests stop the process there. */
  readonly onStep?: (step: string) => void | Promise<void>;
  /** Non-fatal problems (a repaired interruption, an option not supported). */
  readonly onWarning?: (message: string) => void;
  /** Restart backoff of the shims (tests shorten it). */
  readonly backoff?: RestartBackoff;
}

export interface ContainerServiceDeps extends ContainerHooks {
  readonly paths: EnginePaths;
  readonly lock: EngineLock;
  readonly runtime: Runtime;
  readonly images: ImageService;
  readonly snapshots: LocalSnapshotStore;
  readonly content: LocalContentStore;
  readonly imageStore: LocalImageStore;
  readonly volumes: VolumeService;
  readonly store: ContainerStore;
  readonly networks: () => Promise<NetworkManager>;
  readonly logger?: Logger;
}

export interface OpOptions {
  readonly signal?: AbortSignal;
}

/** Which containers `list` returns: every filter given must match. */
export interface ContainerFilter {
  /** Labels: `K → V` exact, `K → undefined` present with any value. */
  readonly labels?: Readonly<Record<string, string | undefined>>;
  readonly status?: readonly ContainerState[];
  /** Name contains (Docker's `name=` filter). */
  readonly name?: string;
}

export type { ExecRequest, ProcessStdio, ProcessList, ContainerStats, CommitSpec, LogLine, LogReadOptions };

/**
 * The container engine: one per engine root and process (`Engine.containers`). Mutations hold
 * the engine lock (two CLIs never interleave) and first repair what an interrupted command left;
 * reads take no lock (every state file is replaced atomically). Containers are found by full id,
 * name, or unique id prefix.
 */
export class ContainerService {
  private readonly ctx: Promise<ContainerContext>;
  private readonly perContainer = new Map<string, Mutex>();
  private readonly repairMutex = new Mutex();

  constructor(private readonly deps: ContainerServiceDeps) {
    this.ctx = this.buildContext();
    // Unused until the first call; a rejection is reported there.
    this.ctx.catch(() => undefined);
  }

  private async buildContext(): Promise<ContainerContext> {
    const d = this.deps;
    const logger = (d.logger ?? silentLogger).child('container');
    const rootReal = await realpath(d.paths.root).catch(() => d.paths.root);
    return {
      paths: d.paths,
      store: d.store,
      runtime: d.runtime,
      runtimeRoot: runtimeRoot(d.paths),
      images: d.images,
      snapshots: d.snapshots,
      content: d.content,
      imageStore: d.imageStore,
      volumes: d.volumes,
      networks: d.networks,
      logger,
      step: async (name) => {
        await d.onStep?.(name);
      },
      warn: d.onWarning ?? ((message) => logger.debug('warning', { message })),
      inFlight: new Set(),
      rootTag: hostNamesFor(rootReal).rootTag,
      ...(d.backoff ? { backoff: d.backoff } : {}),
    };
  }

  /**
   * Runs a mutation under the engine lock. The first hold of this process repairs what other
   * (interrupted) processes left; while this process holds it nobody else can leave anything.
   */
  private async mutate<T>(o: OpOptions, fn: (ctx: ContainerContext) => Promise<T>): Promise<T> {
    const ctx = await this.ctx;
    const fresh = !this.deps.lock.isHeld;
    const release = await this.deps.lock.acquire({ signal: o.signal });
    try {
      if (fresh) await this.repairMutex.run(() => this.repairLocked(ctx, o));
      return await fn(ctx);
    } finally {
      await release();
    }
  }

  /** Serializes operations on one container within this process (start vs. stop vs. rm). */
  private async onContainer<T>(
    ref: string,
    o: OpOptions,
    fn: (ctx: ContainerContext, r: ContainerRecord) => Promise<T>,
  ): Promise<T> {
    return this.mutate(o, async (ctx) => {
      const first = await ctx.store.require(ref);
      let m = this.perContainer.get(first.id);
      if (!m) this.perContainer.set(first.id, (m = new Mutex()));
      return m.run(async () => fn(ctx, await ctx.store.require(first.id)));
    });
  }

  private async repairLocked(ctx: ContainerContext, o: OpOptions): Promise<ContainerRepairReport> {
    const report = await repairContainers(ctx, o);
    // `run -d --rm` containers that exited while no CLI waited for them.
    for (const r of await ctx.store.list()) {
      if (!r.spec.autoRemove || r.phase !== 'ready' || ctx.inFlight.has(r.id)) continue;
      const run = await currentRunState(ctx, r);
      if (run.state === 'exited' && !run.shimAlive)
        await removeContainer(ctx, r, { force: true, volumes: true, ...o });
    }
    return report;
  }

  /** Repairs interrupted creates and removals now (every mutation does it first anyway). */
  async repair(o: OpOptions = {}): Promise<ContainerRepairReport> {
    const ctx = await this.ctx;
    const release = await this.deps.lock.acquire({ signal: o.signal });
    try {
      return await this.repairMutex.run(() => this.repairLocked(ctx, o));
    } finally {
      await release();
    }
  }

  private async endpointsByContainer(
    records: readonly ContainerRecord[],
  ): Promise<Map<string, EndpointInfo[]>> {
    const out = new Map<string, EndpointInfo[]>();
    if (!records.some((r) => r.networks.length > 0)) return out;
    const net = await (await this.ctx).networks();
    for (const n of await net.list()) {
      for (const e of n.endpoints) {
        const list = out.get(e.containerId) ?? [];
        list.push(e);
        out.set(e.containerId, list);
      }
    }
    for (const r of records) {
      const eps = out.get(r.id);
      if (eps) eps.sort((a, b) => r.networks.indexOf(a.networkName) - r.networks.indexOf(b.networkName));
    }
    return out;
  }

  private async infoOf(ctx: ContainerContext, records: readonly ContainerRecord[]): Promise<ContainerInfo[]> {
    const endpoints = await this.endpointsByContainer(records);
    const out: ContainerInfo[] = [];
    for (const r of records)
      out.push(containerInfo(r, await currentRunState(ctx, r), endpoints.get(r.id) ?? []));
    return out;
  }

  /**
   * Every container (any state) matching the filter, by name. A container another process is
   * creating right now is not listed yet; one whose creation was interrupted shows as `dead`.
   */
  async list(filter: ContainerFilter = {}): Promise<ContainerInfo[]> {
    const ctx = await this.ctx;
    const records = (await ctx.store.list()).filter((r) => {
      if (r.phase === 'creating' && ctx.inFlight.has(r.id)) return false;
      if (filter.name !== undefined && !r.name.includes(filter.name)) return false;
      const labels = r.spec.labels;
      return Object.entries(filter.labels ?? {}).every(([k, v]) =>
        v === undefined ? k in labels : labels[k] === v,
      );
    });
    const infos = await this.infoOf(ctx, records);
    const visible = infos.filter(
      (i) => !(i.state === 'created' && records.find((r) => r.id === i.id)?.phase === 'creating'),
    );
    return (filter.status ? visible.filter((i) => filter.status!.includes(i.state)) : visible).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  }

  async find(ref: string): Promise<ContainerInfo | undefined> {
    const ctx = await this.ctx;
    const r = await ctx.store.find(ref);
    return r ? (await this.infoOf(ctx, [r]))[0] : undefined;
  }

  async inspect(ref: string): Promise<ContainerInfo> {
    const ctx = await this.ctx;
    return (await this.infoOf(ctx, [await ctx.store.require(ref)]))[0]!;
  }

  /** Docker's `inspect` JSON of a container. */
  async inspectDocker(ref: string): Promise<Record<string, unknown>> {
    const ctx = await this.ctx;
    const r = await ctx.store.require(ref);
    const endpoints = (await this.endpointsByContainer([r])).get(r.id) ?? [];
    return dockerInspect(r, await currentRunState(ctx, r), endpoints, ctx.store.pathsOf(r.id));
  }

  async create(spec: ContainerSpec, o: OpOptions = {}): Promise<ContainerInfo> {
    const r = await this.mutate(o, (ctx) => createContainer(ctx, spec, o));
    return this.inspect(r.id);
  }

  async start(ref: string, o: OpOptions = {}): Promise<ContainerInfo> {
    await this.onContainer(ref, o, (ctx, r) => startContainer(ctx, r, o.signal));
    return this.inspect(ref);
  }

  /** Stops (stop signal, then SIGKILL after `timeoutMs`, default the container's grace period). */
  async stop(ref: string, o: OpOptions & { readonly timeoutMs?: number } = {}): Promise<ContainerInfo> {
    await this.onContainer(ref, o, (ctx, r) => stopContainer(ctx, r, o));
    return this.inspect(ref);
  }

  /** Sends a signal (default SIGKILL: a stop without grace). */
  async kill(ref: string, signalName?: string, o: OpOptions = {}): Promise<ContainerInfo> {
    await this.onContainer(ref, o, (ctx, r) =>
      killContainer(ctx, r, {
        ...(signalName ? { signal: signalName } : {}),
        ...(o.signal ? { abort: o.signal } : {}),
      }),
    );
    return this.inspect(ref);
  }

  async restart(ref: string, o: OpOptions & { readonly timeoutMs?: number } = {}): Promise<ContainerInfo> {
    await this.onContainer(ref, o, async (ctx, r) => {
      const stopped = await stopContainer(ctx, r, o);
      return startContainer(ctx, stopped, o.signal);
    });
    return this.inspect(ref);
  }

  async pause(ref: string, o: OpOptions = {}): Promise<void> {
    await this.onContainer(ref, o, (ctx, r) => setPaused(ctx, r, true, o.signal));
  }

  async unpause(ref: string, o: OpOptions = {}): Promise<void> {
    await this.onContainer(ref, o, (ctx, r) => setPaused(ctx, r, false, o.signal));
  }

  /** Removes a container (`force`: running ones too; `volumes`: its anonymous volumes). */
  async remove(
    ref: string,
    o: OpOptions & { readonly force?: boolean; readonly volumes?: boolean } = {},
  ): Promise<void> {
    const before = await (await this.ctx).store.find(ref).catch(() => undefined);
    try {
      await this.onContainer(ref, o, (ctx, r) => removeContainer(ctx, r, o));
    } catch (err) {
      // An interrupted `rm` of the same container: the repair that ran first finished it.
      if (before?.phase === 'removing' && (err as { code?: string }).code === 'CONTAINER_NOT_FOUND') return;
      throw err;
    }
  }

  async rename(ref: string, name: string, o: OpOptions = {}): Promise<void> {
    await this.onContainer(ref, o, (ctx, r) => renameContainer(ctx, r, name));
  }

  /** Connects a container to one more network (`network connect`). */
  async connect(ref: string, endpoint: ContainerEndpointSpec, o: OpOptions = {}): Promise<void> {
    await this.onContainer(ref, o, (ctx, r) => connectContainer(ctx, r, endpoint, o.signal));
  }

  /** Disconnects a container from a network (`network disconnect`). */
  async disconnect(ref: string, network: string, o: OpOptions = {}): Promise<void> {
    await this.onContainer(ref, o, (ctx, r) => disconnectContainer(ctx, r, network, o.signal));
  }

  /** Records the project-level intent (docs/planner.md): starts or stops nothing by itself. */
  async setDesiredState(ref: string, state: ContainerDesiredState, o: OpOptions = {}): Promise<void> {
    await this.onContainer(ref, o, async (ctx, r) => ctx.store.write({ ...r, desiredState: state }));
  }

  /** Waits for the program to exit; its exit code (see `waitForExit`). */
  async wait(ref: string, o: OpOptions = {}): Promise<number> {
    const ctx = await this.ctx;
    return waitForExit(ctx, await ctx.store.require(ref), o);
  }

  /** Waits until the healthcheck says healthy (CONTAINER_UNHEALTHY / CONTAINER_EXITED otherwise). */
  async waitHealthy(ref: string, o: OpOptions = {}): Promise<void> {
    const ctx = await this.ctx;
    await waitForHealthy(ctx, await ctx.store.require(ref), o);
  }

  /**
   * The container's log as lines (see `readContainerLogs`); with `follow`, until the container
   * has exited for good (no restart follows) or `signal` aborts.
   */
  async *logs(ref: string, o: Omit<LogReadOptions, 'isDone'> = {}): AsyncGenerator<LogLine> {
    const ctx = await this.ctx;
    const r = await ctx.store.require(ref);
    yield* readContainerLogs(ctx.store.pathsOf(r.id).log, {
      ...o,
      isDone: async () => {
        const run = await currentRunState(ctx, r);
        return !run.shimAlive;
      },
    });
  }

  async exec(ref: string, request: ExecRequest, stdio: ProcessStdio, o: OpOptions = {}): Promise<number> {
    const ctx = await this.ctx;
    return execInContainer(ctx, await ctx.store.require(ref), request, stdio, o);
  }

  /**
   * Starts a created container with stdio attached and resolves with its exit code (`run`
   * without `-d`): output comes from the log file from its first byte (nothing is lost to a late
   * attach), raw records as the shim writes them; stdin goes through the shim's attach socket
   * when the container keeps stdin open.
   */
  async runAttached(
    ref: string,
    stdio: ProcessStdio,
    o: OpOptions & { readonly terminalSize?: { rows: number; cols: number } } = {},
  ): Promise<number> {
    const ctx = await this.ctx;
    const r = await ctx.store.require(ref);
    await this.start(r.id, o);
    return followAttached(ctx, r, stdio, o);
  }

  async top(ref: string, o: OpOptions = {}): Promise<ProcessList> {
    const ctx = await this.ctx;
    return topContainer(ctx, await ctx.store.require(ref), o.signal);
  }

  async stats(ref: string): Promise<ContainerStats> {
    const ctx = await this.ctx;
    return statsOf(ctx, await ctx.store.require(ref));
  }

  /** A tar stream of a path in the container (see `copyFromContainer`). */
  async copyFrom(
    ref: string,
    src: string,
    out: Writable,
    o: OpOptions & { readonly followLink?: boolean } = {},
  ): Promise<void> {
    const ctx = await this.ctx;
    await copyFromContainer(ctx, await ctx.store.require(ref), src, out, o);
  }

  /** Whether a path exists in the container, and is a directory. */
  async statPath(ref: string, path: string): Promise<{ isDirectory: boolean } | undefined> {
    const ctx = await this.ctx;
    const s = await statInContainer(ctx, await ctx.store.require(ref), path);
    return s ? { isDirectory: s.isDirectory } : undefined;
  }

  /** Copies a host file or directory into the container (see `copyToContainer`). */
  async copyTo(ref: string, hostSrc: string, dest: string, o: OpOptions = {}): Promise<void> {
    await this.onContainer(ref, o, (ctx, r) => copyToContainer(ctx, r, hostSrc, dest, o));
  }

  /** Extracts a tar archive under a directory of the container (created when missing). */
  async copyArchiveTo(ref: string, destDir: string, archive: Readable, o: OpOptions = {}): Promise<void> {
    await this.onContainer(ref, o, (ctx, r) => copyArchiveToContainer(ctx, r, destDir, archive, o));
  }

  /** The writable layer as a new image (see `commitContainer`). */
  async commit(ref: string, spec: CommitSpec = {}): Promise<ImageInfo> {
    return this.onContainer(ref, spec, (ctx, r) => commitContainer(ctx, r, spec));
  }

  /** The container's root filesystem, flattened, as a tar stream (volumes not included). */
  async export(ref: string, out: Writable, o: OpOptions = {}): Promise<void> {
    const ctx = await this.ctx;
    const r = await ctx.store.require(ref);
    const rootfs = ctx.store.pathsOf(r.id).rootfs;
    await writeTreeTar(out, rootfs, { name: '', root: rootfs, ...(o.signal ? { signal: o.signal } : {}) });
  }

  /** Volume name → ids of the containers that mount it (the volume service's in-use check). */
  async volumeUsage(): Promise<Map<string, string[]>> {
    const ctx = await this.ctx;
    const out = new Map<string, string[]>();
    for (const r of await ctx.store.list()) {
      for (const v of volumesOf(r)) out.set(v, [...(out.get(v) ?? []), r.id]);
    }
    return out;
  }
}
