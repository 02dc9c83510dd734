import { join } from 'node:path';
import type { EnginePaths } from '../store/engine-paths.js';
import type { PublishedPort } from '../network/types.js';
import type { EffectiveConfig } from './image-defaults.js';
import type { ResolvedUser } from './passwd.js';
import type { ProcessIdentity } from './process-identity.js';
import type { ContainerDesiredState, ContainerInfo, ContainerSpec, MountInfo } from './types.js';

/**
 * Where a container is in its life as far as the engine's own steps go. `creating` and
 * `removing` are written *before* the host objects they name are made or taken down, so a
 * command killed half way leaves a record that says what may be half done: the next mutating
 * command rolls a `creating` back (its caller never got an id) and finishes a `removing`.
 */
export type ContainerPhase = 'creating' | 'ready' | 'removing';

/** A mount as resolved at create time (host paths fixed), what the bundle mounts. */
export interface RecordedMount extends MountInfo {
  /** The host directory or file mounted (a volume's `_data`, a bind source); absent for tmpfs. */
  readonly hostPath?: string;
  /** OCI mount options as written to config.json. */
  readonly options: readonly string[];
}

/** The engine's record of one container: `<root>/containers/<id>/container.json` (0600 in a 0700 dir). */
export interface ContainerRecord {
  readonly version: 1;
  readonly id: string;
  readonly name: string;
  readonly created: string;
  readonly phase: ContainerPhase;
  /** The process doing a `creating`/`removing` (alive = in progress, not interrupted). */
  readonly owner?: ProcessIdentity;
  /** The spec as given (configRecord included). */
  readonly spec: ContainerSpec;
  readonly image: {
    readonly reference: string;
    /** Config digest. */
    readonly id: string;
    /** Manifest digest. */
    readonly digest: string;
    readonly topChainId: string | null;
  };
  /** Image defaults merged with the spec (set once the rootfs could be read). */
  readonly config?: EffectiveConfig;
  readonly user?: ResolvedUser;
  readonly mounts: readonly RecordedMount[];
  /** Anonymous volumes made for (or inherited by) this container: removed with `rm -v`. */
  readonly anonymousVolumes: readonly string[];
  readonly networkMode: ContainerSpec['network']['mode'];
  /** The netns the container runs in (its own, made by the engine, or its owner's). */
  readonly netnsPath?: string;
  /** Networks attached, in order. */
  readonly networks: readonly string[];
  readonly ports: readonly PublishedPort[];
  readonly namespaceOwners: ContainerInfo['namespaceOwners'];
  readonly cgroupsPath: string;
  readonly desiredState: ContainerDesiredState;
  readonly manuallyStopped: boolean;
  /** Frozen by `pause` (the runtime's freezer); cleared by unpause, stop and start. */
  readonly paused: boolean;
  /** `rm -v` was asked (a `removing` record finishes with the volumes). */
  readonly removeVolumes?: boolean;
}

/** Every path of one container. */
export interface ContainerPaths {
  readonly dir: string;
  readonly record: string;
  /** The OCI bundle is the container's directory: config.json + rootfs/. */
  readonly bundle: string;
  readonly config: string;
  readonly rootfs: string;
  readonly upper: string;
  readonly work: string;
  readonly hosts: string;
  readonly hostname: string;
  readonly resolvConf: string;
  readonly files: string;
  readonly log: string;
  /** The shim's state directory (volatile: under the run dir). */
  readonly shim: string;
}

export function containerPaths(paths: EnginePaths, id: string): ContainerPaths {
  const dir = join(paths.containers, id);
  return {
    dir,
    record: join(dir, 'container.json'),
    bundle: dir,
    config: join(dir, 'config.json'),
    rootfs: join(dir, 'rootfs'),
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    hosts: join(dir, 'hosts'),
    hostname: join(dir, 'hostname'),
    resolvConf: join(dir, 'resolv.conf'),
    files: join(dir, 'files'),
    log: join(dir, 'container.log'),
    shim: join(paths.run, 'shims', id),
  };
}

/** The OCI runtime's state root (`--root`) for this engine. */
export function runtimeRoot(paths: EnginePaths): string {
  return join(paths.run, 'runtime');
}
