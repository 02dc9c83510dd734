/**
 * The reconciler's view of the engine: the few operations applying a plan, waiting on conditions,
 * the project commands and the watch loop need, as one narrow interface (STYLE §2). The real
 * implementation is `engine-adapter.ts` over the `Engine` facade; unit tests of the executor and
 * the waits use an in-memory fake. Everything here is plain data in, plain data out; every call
 * that waits or does I/O takes `{ signal }` last (house rule 9).
 *
 * Contract shared by all implementations:
 * - containers are found by labels, never by name (`listContainers({ project })`);
 * - `stopContainer` and `killContainer` are explicit stops: the engine sets `manuallyStopped`
 *   (its restart policy then leaves the container alone); `startContainer` clears it;
 * - `setDesiredState` records the *project-level* intent (`tscompose stop` → `stopped`), which the
 *   watch/drift loop honours; it does not start or stop anything by itself;
 * - not-found conditions reject with an `EngineError` whose `code` ends in `_NOT_FOUND`.
 */
import type { Writable } from 'node:stream';
import type { ProgressSink } from '../common/progress.js';
import type {
  ContainerDesiredState,
  ContainerEndpointSpec,
  ContainerInfo,
  ContainerSpec,
} from '../engine/container/types.js';
import type { NetworkInfo, NetworkSpec } from '../engine/network/types.js';
import type { ImageInfo, PullInfo, PushInfo, RemoveInfo } from '../engine/types.js';
import type { VolumeInfo, VolumeSpec } from '../engine/volume/types.js';

export interface PortOptions {
  readonly signal?: AbortSignal;
}

export interface ProgressPortOptions extends PortOptions {
  readonly progress?: ProgressSink;
}

/** Which containers to list: every filter given must match (labels: exact values). */
export interface ContainerFilter {
  /** `io.tscompose.project=<project>`. */
  readonly project?: string;
  /** Any other labels, `key → value` (empty string: the label is present with any value). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One line of a container's log. */
export interface LogEntry {
  readonly stream: 'stdout' | 'stderr';
  /** ISO 8601, as the shim recorded it. */
  readonly time: string;
  /** The line without its trailing newline. */
  readonly text: string;
}

export interface LogOptions extends PortOptions {
  /** Keep streaming new lines until `signal` aborts or the container's log ends for good. */
  readonly follow?: boolean;
  /** Only the last N lines of what exists (before following). */
  readonly tail?: number;
  /** Only lines at or after this instant (ISO 8601). */
  readonly since?: string;
  /** Only lines before this instant (ISO 8601). */
  readonly until?: string;
}

/** A process to run in a running container (`exec`) or the stdio of a one-off container. */
export interface ExecRequest {
  readonly command: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly workingDir?: string;
  readonly privileged?: boolean;
  readonly tty?: boolean;
  /** Started and left running; resolves with 0 once it started. */
  readonly detach?: boolean;
}

/** Where a process's stdio goes. Absent stdin: the process reads nothing (EOF). */
export interface ProcessStdio {
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** `top`: Docker's shape (the `ps -ef` columns). */
export interface ProcessList {
  readonly titles: readonly string[];
  readonly processes: readonly (readonly string[])[];
}

export interface StopOptions extends PortOptions {
  /** Grace period before SIGKILL (default: the container's `stopGracePeriodMs`, else 10 s). */
  readonly timeoutMs?: number;
}

/** One file or directory to copy into a container. */
export interface CopyEntry {
  /** Relative to the destination directory, `/`-separated, no `..`. */
  readonly path: string;
  /** Absolute host path. */
  readonly hostPath: string;
}

export interface RemoveContainerOptions extends PortOptions {
  /** Remove a running container (killed first). */
  readonly force?: boolean;
  /** Also its anonymous volumes (`rm -v`). */
  readonly removeAnonymousVolumes?: boolean;
}

export interface EnginePort {
  // ─── Observation ───────────────────────────────────────────────────────────────────────────────
  listContainers(filter: ContainerFilter, o?: PortOptions): Promise<ContainerInfo[]>;
  /** By id, id prefix or name; undefined when absent. */
  inspectContainer(idOrName: string, o?: PortOptions): Promise<ContainerInfo | undefined>;
  listNetworks(o?: PortOptions): Promise<NetworkInfo[]>;
  listVolumes(o?: PortOptions): Promise<VolumeInfo[]>;

  // ─── Images ────────────────────────────────────────────────────────────────────────────────────
  /** By reference as written in a stack (`nginx:1.27`), or id; undefined when not in the store. */
  findImage(ref: string, o?: PortOptions): Promise<ImageInfo | undefined>;
  pullImage(ref: string, o?: ProgressPortOptions & { readonly platform?: string }): Promise<PullInfo>;
  pushImage(ref: string, o?: ProgressPortOptions): Promise<PushInfo>;
  removeImage(ref: string, o?: PortOptions): Promise<RemoveInfo>;

  // ─── Containers ────────────────────────────────────────────────────────────────────────────────
  createContainer(spec: ContainerSpec, o?: PortOptions): Promise<ContainerInfo>;
  startContainer(id: string, o?: PortOptions): Promise<void>;
  stopContainer(id: string, o?: StopOptions): Promise<void>;
  /** Sends `killSignal` (`SIGKILL` default, `TERM`, `9`) to the container's init process. */
  killContainer(id: string, o?: PortOptions & { readonly killSignal?: string }): Promise<void>;
  removeContainer(id: string, o?: RemoveContainerOptions): Promise<void>;
  renameContainer(id: string, name: string, o?: PortOptions): Promise<void>;
  pauseContainer(id: string, o?: PortOptions): Promise<void>;
  unpauseContainer(id: string, o?: PortOptions): Promise<void>;
  setDesiredState(id: string, state: ContainerDesiredState, o?: PortOptions): Promise<void>;
  /** Waits until the container is not running (exited or dead) and resolves with its exit code. */
  waitContainer(id: string, o?: PortOptions): Promise<number>;
  logs(id: string, o?: LogOptions): AsyncIterable<LogEntry>;
  /** Runs a process in a running container; resolves with its exit code. */
  exec(id: string, request: ExecRequest, stdio: ProcessStdio, o?: PortOptions): Promise<number>;
  /**
   * Connects stdio to a created (not yet started) container, starts it, and resolves with its
   * exit code once it exits (`run` without `-d`).
   */
  runAttached(id: string, stdio: ProcessStdio, o?: PortOptions): Promise<number>;
  top(id: string, o?: PortOptions): Promise<ProcessList>;
  /**
   * Copies host files into the container's filesystem under `destDir` (created when missing),
   * each at its relative `path`, keeping modes; directories are copied whole. For `develop.watch`
   * sync (Compose tars them into the container; how is the engine's business).
   */
  copyToContainer(id: string, destDir: string, entries: readonly CopyEntry[], o?: PortOptions): Promise<void>;

  // ─── Networks and volumes ──────────────────────────────────────────────────────────────────────
  /**
   * Withdraws the container's published ports (it keeps its addresses), so that its replacement
   * can publish the same host ports before it is removed (the engine publishes at create).
   */
  releasePorts(id: string, o?: PortOptions): Promise<void>;
  /** Publishes the container's ports again, as its spec asks (undoing `releasePorts`). */
  publishPorts(id: string, o?: PortOptions): Promise<void>;
  createNetwork(spec: NetworkSpec, o?: PortOptions): Promise<NetworkInfo>;
  removeNetwork(name: string, o?: PortOptions): Promise<void>;
  connectNetwork(containerId: string, endpoint: ContainerEndpointSpec, o?: PortOptions): Promise<void>;
  disconnectNetwork(containerId: string, network: string, o?: PortOptions): Promise<void>;
  createVolume(spec: VolumeSpec, o?: PortOptions): Promise<VolumeInfo>;
  removeVolume(name: string, o?: PortOptions): Promise<void>;
}
