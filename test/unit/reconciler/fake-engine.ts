/**
 * An in-memory EnginePort for the executor's and the waits' unit tests (the integration tests use
 * the real engine). It keeps containers, networks and volumes as the planner's fixtures shape
 * them, records every call in `calls` (`create p-web-1`, `start p-web-1`), counts calls in flight
 * (`maxInFlight`), and lets a test script what happens: a failing operation, a container that
 * exits or turns healthy or unhealthy some polls after it started, a slow operation.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerInfo, ContainerSpec } from '../../../src/engine/container/types.js';
import type { NetworkInfo, NetworkSpec } from '../../../src/engine/network/types.js';
import type { ImageInfo, PullInfo, PushInfo, RemoveInfo } from '../../../src/engine/types.js';
import type { VolumeInfo, VolumeSpec } from '../../../src/engine/volume/types.js';
import { EngineError } from '../../../src/engine/errors.js';
import type {
  ContainerFilter,
  EnginePort,
  ExecRequest,
  LogEntry,
  ProcessList,
  ProcessStdio,
} from '../../../src/reconciler/engine-port.js';
import { LABEL } from '../../../src/planner/labels.js';
import { containerInfo, networkInfo } from '../planner/fixtures.js';

/** What a started container does, by container name (service containers: `p-web-1`). */
export interface Behaviour {
  /** Exits with this code after `afterPolls` inspections. */
  readonly exitCode?: number;
  /** Its health once `afterPolls` inspections passed (needs a healthcheck in its spec). */
  readonly health?: 'healthy' | 'unhealthy';
  /** Inspections (listContainers calls that include it) before the change; default 1. */
  readonly afterPolls?: number;
}

export interface FakeEngineOptions {
  /** `op name` pairs that reject (`start p-web-1`, `create p-api-1`, `pull redis:7`). */
  readonly fail?: readonly string[];
  /** Milliseconds every mutating call takes (to observe parallelism). */
  readonly delayMs?: number;
  readonly behaviours?: Readonly<Record<string, Behaviour>>;
  /** Image references present in the store. */
  readonly images?: readonly string[];
}

function id(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hasHealthcheck(spec: ContainerSpec): boolean {
  const test = spec.healthcheck?.test;
  return test !== undefined && test[0] !== 'NONE' && spec.healthcheck?.disable !== true;
}

interface Live {
  info: ContainerInfo;
  polls: number;
}

export class FakeEngine implements EnginePort {
  readonly calls: string[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  private serial = 0;
  readonly containers = new Map<string, Live>();
  readonly networks = new Map<string, NetworkInfo>();
  readonly volumes = new Map<string, VolumeInfo>();
  readonly images = new Set<string>();
  imageVersion = 1;

  constructor(private readonly options: FakeEngineOptions = {}) {
    for (const ref of options.images ?? []) this.images.add(ref);
  }

  /** Sets a container's state directly (a test's "behind tscompose's back"). */
  patch(name: string, change: Partial<ContainerInfo>): void {
    const live = this.byName(name);
    if (!live) throw new Error(`no container ${name}`);
    live.info = { ...live.info, ...change };
  }

  byName(name: string): Live | undefined {
    return [...this.containers.values()].find((l) => l.info.name === name);
  }

  private async op(name: string, signal?: AbortSignal): Promise<void> {
    this.calls.push(name);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.options.delayMs) await sleep(this.options.delayMs, undefined, signal ? { signal } : {});
      signal?.throwIfAborted();
      if (this.options.fail?.includes(name))
        throw new EngineError('FAKE_FAILURE', `${name}: injected failure`);
    } finally {
      this.inFlight -= 1;
    }
  }

  private get(idOrName: string): Live {
    const live = this.containers.get(idOrName) ?? this.byName(idOrName);
    if (!live) throw new EngineError('CONTAINER_NOT_FOUND', `no such container: ${idOrName}`);
    return live;
  }

  private advance(live: Live): void {
    if (live.info.state !== 'running') return;
    live.polls += 1;
    const b = this.options.behaviours?.[live.info.name];
    if (!b || live.polls < (b.afterPolls ?? 1)) return;
    if (b.exitCode !== undefined) {
      live.info = {
        ...live.info,
        state: 'exited',
        exitCode: b.exitCode,
        pid: 0,
        finishedAt: new Date().toISOString(),
      };
    }
    if (b.health !== undefined && live.info.health !== null) {
      live.info = { ...live.info, health: { status: b.health, failingStreak: 0, log: [] } };
    }
  }

  // ─── Observation ───────────────────────────────────────────────────────────────────────────────
  listContainers(filter: ContainerFilter): Promise<ContainerInfo[]> {
    const out: ContainerInfo[] = [];
    for (const live of this.containers.values()) {
      const l = live.info.labels;
      if (filter.project !== undefined && l[LABEL.project] !== filter.project) continue;
      if (Object.entries(filter.labels ?? {}).some(([k, v]) => (v === '' ? !(k in l) : l[k] !== v))) continue;
      this.advance(live);
      out.push(live.info);
    }
    return Promise.resolve(out);
  }
  inspectContainer(idOrName: string): Promise<ContainerInfo | undefined> {
    const live = this.containers.get(idOrName) ?? this.byName(idOrName);
    return Promise.resolve(live?.info);
  }
  /** Networks with an endpoint per attached container, as the engine reports them. */
  listNetworks(): Promise<NetworkInfo[]> {
    const containers = [...this.containers.values()].map((l) => l.info);
    return Promise.resolve(
      [...this.networks.values()].map((n) => ({
        ...networkInfo(n.name, n.labels, n.options, containers),
        id: n.id,
      })),
    );
  }
  /** Volumes with the containers mounting them in `usedBy`. */
  listVolumes(): Promise<VolumeInfo[]> {
    const containers = [...this.containers.values()].map((l) => l.info);
    return Promise.resolve(
      [...this.volumes.values()].map((v) => ({
        ...v,
        usedBy: containers.filter((c) => c.mounts.some((m) => m.volumeName === v.name)).map((c) => c.id),
      })),
    );
  }

  // ─── Images ────────────────────────────────────────────────────────────────────────────────────
  findImage(ref: string): Promise<ImageInfo | undefined> {
    if (!this.images.has(ref)) return Promise.resolve(undefined);
    return Promise.resolve({
      id: `sha256:${id(`config ${ref} ${this.imageVersion}`)}`,
      digest: `sha256:${id(`manifest ${ref} ${this.imageVersion}`)}`,
      lastUpdated: '2026-01-01T00:00:00Z',
    } as ImageInfo);
  }
  async pullImage(ref: string, o: { signal?: AbortSignal } = {}): Promise<PullInfo> {
    await this.op(`pull ${ref}`, o.signal);
    this.images.add(ref);
    return { reference: ref, digest: '', id: '', repoDigest: '', status: 'downloaded' };
  }
  async pushImage(ref: string): Promise<PushInfo> {
    await this.op(`push ${ref}`);
    return { reference: ref, digest: '', size: 0 };
  }
  async removeImage(ref: string): Promise<RemoveInfo> {
    await this.op(`rmi ${ref}`);
    this.images.delete(ref);
    return { untagged: [ref], deleted: [] };
  }

  // ─── Containers ────────────────────────────────────────────────────────────────────────────────
  async createContainer(spec: ContainerSpec, o: { signal?: AbortSignal } = {}): Promise<ContainerInfo> {
    await this.op(`create ${spec.name}`, o.signal);
    if (this.byName(spec.name)) throw new EngineError('CONTAINER_NAME_IN_USE', `name ${spec.name} in use`);
    const cid = id(`container ${spec.name} ${this.serial++}`);
    const ids = new Map([...this.containers.values()].map((l) => [l.info.name, l.info.id]));
    ids.set(spec.name, cid);
    const shaped = containerInfo(spec, ids);
    const info: ContainerInfo = {
      ...shaped,
      created: new Date().toISOString(),
      state: 'created',
      desiredState: spec.desiredState ?? 'running',
      pid: 0,
      startedAt: null,
      health: hasHealthcheck(spec) ? { status: 'starting', failingStreak: 0, log: [] } : null,
    };
    this.containers.set(cid, { info, polls: 0 });
    return info;
  }
  async startContainer(cid: string, o: { signal?: AbortSignal } = {}): Promise<void> {
    const live = this.get(cid);
    await this.op(`start ${live.info.name}`, o.signal);
    live.polls = 0;
    live.info = {
      ...live.info,
      state: 'running',
      pid: 100,
      manuallyStopped: false,
      startedAt: new Date().toISOString(),
      health: hasHealthcheck(live.info.spec) ? { status: 'starting', failingStreak: 0, log: [] } : null,
    };
  }
  async stopContainer(cid: string, o: { signal?: AbortSignal } = {}): Promise<void> {
    const live = this.get(cid);
    await this.op(`stop ${live.info.name}`, o.signal);
    live.info = { ...live.info, state: 'exited', exitCode: 0, pid: 0, manuallyStopped: true };
  }
  async killContainer(cid: string, o: { killSignal?: string } = {}): Promise<void> {
    const live = this.get(cid);
    await this.op(`kill ${live.info.name} ${o.killSignal ?? 'SIGKILL'}`);
    live.info = { ...live.info, state: 'exited', exitCode: 137, pid: 0, manuallyStopped: true };
  }
  async removeContainer(
    cid: string,
    o: { signal?: AbortSignal; removeAnonymousVolumes?: boolean } = {},
  ): Promise<void> {
    const live = this.get(cid);
    await this.op(`rm ${live.info.name}${o.removeAnonymousVolumes ? ' -v' : ''}`, o.signal);
    this.containers.delete(live.info.id);
  }
  async renameContainer(cid: string, name: string): Promise<void> {
    const live = this.get(cid);
    await this.op(`rename ${live.info.name} ${name}`);
    live.info = { ...live.info, name };
  }
  async pauseContainer(cid: string): Promise<void> {
    const live = this.get(cid);
    await this.op(`pause ${live.info.name}`);
    live.info = { ...live.info, state: 'paused' };
  }
  async unpauseContainer(cid: string): Promise<void> {
    const live = this.get(cid);
    await this.op(`unpause ${live.info.name}`);
    live.info = { ...live.info, state: 'running' };
  }
  async setDesiredState(cid: string, state: 'running' | 'stopped'): Promise<void> {
    const live = this.get(cid);
    await this.op(`intent ${live.info.name} ${state}`);
    live.info = { ...live.info, desiredState: state };
  }
  async waitContainer(cid: string, o: { signal?: AbortSignal } = {}): Promise<number> {
    for (;;) {
      const live = this.get(cid);
      this.advance(live);
      if (live.info.state === 'exited' || live.info.state === 'dead') return live.info.exitCode ?? 0;
      await sleep(5, undefined, o.signal ? { signal: o.signal } : {});
    }
  }
  async *logs(cid: string): AsyncIterable<LogEntry> {
    const live = this.get(cid);
    yield { stream: 'stdout', time: '2026-01-01T00:00:00Z', text: `hello from ${live.info.name}` };
  }
  async exec(cid: string, request: ExecRequest, stdio: ProcessStdio): Promise<number> {
    const live = this.get(cid);
    await this.op(`exec ${live.info.name} ${request.command.join(' ')}`);
    stdio.stdout.write(`ran ${request.command.join(' ')}\n`);
    return 0;
  }
  async runAttached(cid: string): Promise<number> {
    await this.startContainer(cid);
    return this.waitContainer(cid);
  }
  top(): Promise<ProcessList> {
    return Promise.resolve({ titles: ['PID', 'CMD'], processes: [['1', 'sleep']] });
  }
  async copyToContainer(cid: string, destDir: string, entries: readonly { path: string }[]): Promise<void> {
    const live = this.get(cid);
    await this.op(`copy ${live.info.name} ${destDir} ${entries.map((e) => e.path).join(',')}`);
  }

  async releasePorts(cid: string): Promise<void> {
    await this.op(`unpublish ${this.get(cid).info.name}`);
  }
  async publishPorts(cid: string): Promise<void> {
    await this.op(`publish ${this.get(cid).info.name}`);
  }

  // ─── Networks and volumes ──────────────────────────────────────────────────────────────────────
  async createNetwork(spec: NetworkSpec, o: { signal?: AbortSignal } = {}): Promise<NetworkInfo> {
    await this.op(`network create ${spec.name}`, o.signal);
    const info = {
      id: id(`network ${spec.name}`),
      name: spec.name,
      driver: 'bridge',
      created: '2026-01-01T00:00:00Z',
      subnet: '10.64.0.0/24',
      gateway: '10.64.0.1',
      ipRange: undefined,
      internal: spec.internal === true,
      enableIpv6: false,
      labels: spec.labels ?? {},
      options: spec.options ?? {},
      bridge: 'tscb0',
      mtu: 1500,
      state: 'ready',
      endpoints: [],
    } satisfies NetworkInfo;
    this.networks.set(spec.name, info);
    return info;
  }
  async removeNetwork(name: string): Promise<void> {
    await this.op(`network rm ${name}`);
    this.networks.delete(name);
  }
  async connectNetwork(cid: string, endpoint: { network: string }): Promise<void> {
    await this.op(`connect ${this.get(cid).info.name} ${endpoint.network}`);
  }
  async disconnectNetwork(cid: string, network: string): Promise<void> {
    await this.op(`disconnect ${this.get(cid).info.name} ${network}`);
  }
  async createVolume(spec: VolumeSpec): Promise<VolumeInfo> {
    await this.op(`volume create ${spec.name}`);
    const info: VolumeInfo = {
      name: spec.name,
      driver: 'local',
      mountpoint: `/fake/volumes/${spec.name}/_data`,
      labels: spec.labels ?? {},
      driverOpts: spec.driverOpts ?? {},
      created: '2026-01-01T00:00:00Z',
      anonymous: false,
      usedBy: [],
    };
    this.volumes.set(spec.name, info);
    return info;
  }
  async removeVolume(name: string): Promise<void> {
    await this.op(`volume rm ${name}`);
    this.volumes.delete(name);
  }
}
