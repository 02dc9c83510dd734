import type { EndpointInfo } from '../network/types.js';
import type { ContainerRecord } from './container-record.js';
import { isAlive, processStartTime } from './process-identity.js';
import type { ShimState } from './shim-state.js';
import type { ContainerHealthInfo, ContainerInfo, ContainerNetworkInfo, ContainerState } from './types.js';

/** What the engine knows of a container's processes: its shim's state and whether the shim lives. */
export interface RunState {
  readonly state: ContainerState;
  readonly pid: number;
  readonly exitCode: number | null;
  readonly oomKilled: boolean;
  readonly error?: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly restartCount: number;
  readonly health: ContainerHealthInfo | null;
  /** The shim's supervisor runs (it answers on its socket). */
  readonly shimAlive: boolean;
}

/** Exit status when the supervisor died and the real one is unknown (Docker's "unknown" code). */
export const UNKNOWN_EXIT = 255;

/**
 * The container's state from its record and its shim's state file (pure but for /proc checks):
 * - `creating` record: `created` while its creator runs, `dead` once interrupted;
 * - `removing`: `removing`;
 * - no shim state (never started): `created`; a start that failed before running: `created`
 *   with the error;
 * - a live shim: `running` (`paused` when frozen), `restarting` while it waits out a backoff;
 * - a shim that ended: `exited` with the recorded code;
 * - a shim found dead (killed): `running` if the container's init still lives (unsupervised:
 *   the error says so), else `exited` with code 255.
 */
export function runStateOf(r: ContainerRecord, shim: ShimState | undefined, shimAlive: boolean): RunState {
  const base = {
    pid: 0,
    exitCode: shim?.exitCode ?? null,
    oomKilled: shim?.oomKilled ?? false,
    startedAt: shim?.startedAt ?? null,
    finishedAt: shim?.finishedAt ?? null,
    restartCount: shim?.restartCount ?? 0,
    health: shim?.health
      ? { status: shim.health.status, failingStreak: shim.health.failingStreak, log: shim.health.log }
      : null,
    shimAlive,
    ...(shim?.error ? { error: shim.error } : {}),
  };
  if (r.phase === 'creating') {
    const live = r.owner !== undefined && isAlive(r.owner);
    return {
      ...base,
      state: live ? 'created' : 'dead',
      ...(live ? {} : { error: 'interrupted while being created; the next command removes it' }),
    };
  }
  if (r.phase === 'removing') return { ...base, state: 'removing' };
  if (!shim) return { ...base, state: 'created' };
  if (shimAlive) {
    if (shim.status === 'restarting') return { ...base, state: 'restarting' };
    if (shim.status === 'exited') return { ...base, state: 'exited' };
    return {
      ...base,
      state: r.paused ? 'paused' : 'running',
      pid: shim.pid,
      exitCode: shim.status === 'created' ? null : base.exitCode,
    };
  }
  if (shim.shimRunning && shim.status !== 'exited') {
    // The supervisor was killed: its last word was "running". (A final `exited` written just
    // before the shim ends is trusted: the shim may be gone before it rewrites shimRunning.)
    if (shim.pid > 0 && processStartTime(shim.pid) !== undefined) {
      return {
        ...base,
        state: r.paused ? 'paused' : 'running',
        pid: shim.pid,
        error:
          "the container's supervisor (shim) died: logs, restarts and healthchecks stopped; restart the container",
      };
    }
    return {
      ...base,
      state: 'exited',
      exitCode: UNKNOWN_EXIT,
      error: "the container's supervisor (shim) died; its exit status is unknown",
    };
  }
  if (shim.startedAt === null && shim.exitCode === null) return { ...base, state: 'created' };
  return { ...base, state: 'exited' };
}

function networkInfo(e: EndpointInfo): ContainerNetworkInfo {
  return {
    network: e.networkName,
    networkId: e.networkId,
    interfaceName: e.interfaceName,
    ipv4Address: e.ipv4Address,
    prefixLength: e.prefixLength,
    gateway: e.gateway,
    macAddress: e.macAddress,
    aliases: e.aliases,
  };
}

/** The planner's view of a container (ContainerInfo: see docs/planner.md "Contract for the engine"). */
export function containerInfo(
  r: ContainerRecord,
  run: RunState,
  endpoints: readonly EndpointInfo[],
): ContainerInfo {
  return {
    id: r.id,
    name: r.name,
    created: r.created,
    labels: r.spec.labels,
    image: r.image.reference,
    imageId: r.image.id,
    ...(r.image.digest ? { imageDigest: r.image.digest } : {}),
    state: run.state,
    pid: run.pid,
    exitCode: run.exitCode,
    oomKilled: run.oomKilled,
    ...(run.error ? { error: run.error } : {}),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    restartCount: run.restartCount,
    health: r.config?.healthcheck ? (run.health ?? { status: 'starting', failingStreak: 0, log: [] }) : null,
    manuallyStopped: r.manuallyStopped,
    desiredState: r.desiredState,
    networks: endpoints.map(networkInfo),
    ports: r.ports,
    mounts: r.mounts.map((m) => ({
      type: m.type,
      source: m.source,
      target: m.target,
      readOnly: m.readOnly,
      ...(m.volumeName ? { volumeName: m.volumeName } : {}),
      ...(m.anonymous !== undefined ? { anonymous: m.anonymous } : {}),
    })),
    namespaceOwners: r.namespaceOwners,
    spec: r.spec,
  };
}
