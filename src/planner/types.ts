/**
 * The planner's data: the desired state computed from a stack, the observed state the engine
 * reports, and the plan between them. All plain data (printable, JSON-serialisable, comparable in
 * tests). The planner is pure: whatever needs I/O (image lookups, file digests, the clock) is an
 * input the caller resolved beforehand (see `planInputs()`).
 */
import type { ContainerInfo, ContainerSpec } from '../engine/container/types.js';
import type { NetworkInfo, NetworkSpec } from '../engine/network/types.js';
import type { VolumeInfo, VolumeSpec } from '../engine/volume/types.js';
import type { PlanErrorCode } from './errors.js';

// ─── Inputs ──────────────────────────────────────────────────────────────────────────────────────

/** What the engine's image store knows of one reference (`ImageInfo`, reduced). */
export interface ImageFacts {
  /** Image id: config digest. What "image updated" compares. */
  readonly id: string;
  /** Manifest digest (recorded in the `io.tscompose.image` label). */
  readonly digest?: string;
  /** ISO 8601: when the reference was last pulled or tagged (pull_policy daily/weekly/every_…). */
  readonly lastUpdated?: string;
}

/** Facts the caller resolved with I/O before computing the desired state. */
export interface DesiredStateInputs {
  /**
   * Local images, by reference exactly as the stack writes it (`image:`, or `<project>-<service>`
   * for a service with `build` and no `image`). Absent or null = not in the store.
   */
  readonly images?: Readonly<Record<string, ImageFacts | null>>;
  /**
   * `sha256:<hex>` of each config's/secret's content, by top-level key. Required for file-sourced
   * ones (read them: `planInputs(project).files`); inline and environment-sourced ones are
   * digested here when absent.
   */
  readonly contentDigests?: {
    readonly configs?: Readonly<Record<string, string>>;
    readonly secrets?: Readonly<Record<string, string>>;
  };
  /** `--scale service=N`: wins over `scale` and `deploy.replicas`. */
  readonly scale?: Readonly<Record<string, number>>;
  /** tscompose's version, written to `io.tscompose.version` (absent: label left out). */
  readonly version?: string;
}

// ─── Desired state ───────────────────────────────────────────────────────────────────────────────

/** Where a dependency edge between services comes from. */
export type DependencySource =
  'depends_on' | 'links' | 'network_mode' | 'ipc' | 'pid' | 'uts' | 'cgroup' | 'volumes_from';

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

/** `service` depends on `on` (start `on` first, stop it last). */
export interface DependencyEdge {
  readonly service: string;
  readonly on: string;
  readonly condition: DependencyCondition;
  /** `false`: a failure of the dependency is only a warning. */
  readonly required: boolean;
  /** Restart `service` when `on` is recreated (`depends_on.restart: true`). */
  readonly restart: boolean;
  /** Every source of this edge (an explicit depends_on plus the one a link implies, …). */
  readonly sources: readonly DependencySource[];
}

/**
 * A reference that makes a service's container share something with another service's container:
 * it holds the other container's id, so it must be recreated when that container is replaced.
 */
export interface NamespaceRef {
  readonly kind: 'network_mode' | 'ipc' | 'pid' | 'volumes_from';
  readonly service: string;
}

/** The image a service runs and how it is obtained. */
export interface DesiredImage {
  readonly ref: string;
  /** What the store holds for `ref` now (null: missing). */
  readonly facts: ImageFacts | null;
  /** `missing` (default), `always`, `never`, `build`, `daily`, `weekly`, `every_<duration>`. */
  readonly pullPolicy: string;
  /** The service has `build:` (a missing image is built, not pulled). */
  readonly buildable: boolean;
  readonly platform?: string;
}

export interface DesiredService {
  readonly name: string;
  /** Number of containers wanted (`--scale`, `scale`, `deploy.replicas`; default 1; may be 0). */
  readonly replicas: number;
  /** `container_name`: the only replica's name. */
  readonly containerName?: string;
  readonly image: DesiredImage;
  /** The config hash (config-hash.ts); the same for every replica. */
  readonly configHash: string;
  /** Canonical JSON the hash was computed from (stored as the container's `configRecord`). */
  readonly configRecord: string;
  /**
   * The container spec of any replica, without what differs per replica: `name` is empty and the
   * container-number labels are absent. `containerSpecFor()` completes it.
   */
  readonly template: ContainerSpec;
  /** Services this one depends on (explicit and implicit edges), sorted by name. */
  readonly dependencies: readonly DependencyEdge[];
  readonly namespaceRefs: readonly NamespaceRef[];
  /** Keys of the networks, named volumes, configs and secrets the service uses, sorted. */
  readonly networks: readonly string[];
  readonly volumes: readonly string[];
  readonly configs: readonly string[];
  readonly secrets: readonly string[];
}

/** A network or volume of the stack. External ones are only checked for existence. */
export interface DesiredResource<S> {
  readonly key: string;
  /** Engine name: `<project>_<key>`, the `name:` given, or the key for external ones. */
  readonly name: string;
  readonly external: boolean;
  /** What to create (null for external ones). Labels include the config hash. */
  readonly spec: S | null;
  /** Empty for external ones. */
  readonly configHash: string;
  readonly configRecord: string;
}

export type DesiredNetwork = DesiredResource<NetworkSpec>;
export type DesiredVolume = DesiredResource<VolumeSpec>;

export interface DesiredState {
  readonly project: string;
  /** Active services by name. */
  readonly services: Readonly<Record<string, DesiredService>>;
  /** Services defined but disabled by profiles: their containers are neither managed nor orphans. */
  readonly disabledServices: readonly string[];
  readonly networks: Readonly<Record<string, DesiredNetwork>>;
  readonly volumes: Readonly<Record<string, DesiredVolume>>;
  /** Attributes the engine does not implement and the planner ignored, one line each. */
  readonly warnings: readonly string[];
}

// ─── Observed state ──────────────────────────────────────────────────────────────────────────────

/**
 * What the engine reports, taken once before planning (docker/compose's ObservedState).
 * - `containers`: at least every container labelled `io.tscompose.project=<project>` (others are
 *   ignored; one-off `run` containers are never touched by `up`);
 * - `networks`, `volumes`: every one the engine has. The planner finds the project's by label and
 *   uses the others to check `external` ones and name conflicts.
 */
export interface ObservedState {
  readonly containers: readonly ContainerInfo[];
  readonly networks: readonly NetworkInfo[];
  readonly volumes: readonly VolumeInfo[];
}

// ─── Options ─────────────────────────────────────────────────────────────────────────────────────

/** Compose's recreate strategies: `--force-recreate` = force, `--no-recreate` = never. */
export type RecreateStrategy = 'diverged' | 'force' | 'never';

/** `--pull`: `policy` (default) follows each service's `pull_policy`. */
export type PullOverride = 'policy' | 'always' | 'missing' | 'never';

export interface PlanOptions {
  /** Services named on the command line (default: all active ones). */
  readonly services?: readonly string[];
  /** `--no-deps`: converge only the named services, not what they depend on. */
  readonly noDeps?: boolean;
  /** For the named services (all when none are named). Default `diverged`. */
  readonly recreate?: RecreateStrategy;
  /** `--always-recreate-deps`: force-recreate dependencies of the named services. */
  readonly alwaysRecreateDeps?: boolean;
  /** `--no-start`: create, never start. */
  readonly noStart?: boolean;
  /** `--remove-orphans`: remove containers of services no longer in the stack (else a warning). */
  readonly removeOrphans?: boolean;
  /** `-V`/`--renew-anon-volumes`: recreated containers get new anonymous volumes. */
  readonly renewAnonVolumes?: boolean;
  /** `-y`: allow recreating volumes whose definition changed (their data is lost). */
  readonly assumeYes?: boolean;
  readonly pull?: PullOverride;
  /**
   * Who plans: `up` (a user command) or `watch` (the watch/drift loop). They differ for stopped
   * containers: `up` starts containers stopped by `tscompose stop`, `watch` leaves them stopped
   * (intent) but starts those stopped behind tscompose's back.
   */
  readonly trigger?: 'up' | 'watch';
  /** The caller's clock, ISO 8601, for `pull_policy: daily|weekly|every_<d>` (absent: not refreshed). */
  readonly now?: string;
}

/** `down`'s options. */
export interface DownOptions {
  /** Only these services' containers (default: every service of the stack, disabled ones too). */
  readonly services?: readonly string[];
  /** `-v`: also named volumes of the stack and anonymous volumes of the removed containers. */
  readonly removeVolumes?: boolean;
  /** `--remove-orphans`. */
  readonly removeOrphans?: boolean;
}

// ─── Plan ────────────────────────────────────────────────────────────────────────────────────────

/** A dependency condition to satisfy before starting a container (the reconciler waits on it). */
export interface WaitCondition {
  readonly service: string;
  readonly condition: DependencyCondition;
  readonly required: boolean;
}

interface ActionBase {
  /** 1-based, unique in the plan, in emission order: every `after` id is smaller. */
  readonly id: number;
  /** `network:backend`, `volume:data`, `image:nginx:1.27`, `service:web:2`. */
  readonly resource: string;
  /** Why, in words a user reads: `config hash changed: environment.FOO`, `scale 3→1`, `orphan`. */
  readonly cause: string;
  /**
   * Ids of the actions that must finish first (transitively reduced: an action that is already
   * an ancestor of another listed one is left out). Actions not ordered may run in parallel.
   */
  readonly after: readonly number[];
}

/** A container a network recreation must detach, and what to do with it afterwards. */
export interface AttachedContainer {
  readonly containerId: string;
  readonly name: string;
  /** Reconnect it to the new network (false when the plan replaces or removes it anyway). */
  readonly reconnect: boolean;
  /** It was running: stop it first, start it again after reconnecting. */
  readonly restart: boolean;
}

/** Identity of an observed container an action operates on. */
export interface ContainerRef {
  readonly containerId: string;
  readonly name: string;
}

export type Action =
  | (ActionBase & { readonly kind: 'create-network'; readonly network: NetworkSpec })
  | (ActionBase & {
      readonly kind: 'recreate-network';
      readonly network: NetworkSpec;
      /** The network to replace (same name). */
      readonly networkId: string;
      /** Containers attached to it now: stop (if running), disconnect, then reconnect/restart. */
      readonly attached: readonly AttachedContainer[];
    })
  | (ActionBase & { readonly kind: 'remove-network'; readonly name: string; readonly networkId: string })
  | (ActionBase & { readonly kind: 'create-volume'; readonly volume: VolumeSpec })
  | (ActionBase & { readonly kind: 'recreate-volume'; readonly volume: VolumeSpec })
  | (ActionBase & { readonly kind: 'remove-volume'; readonly name: string })
  | (ActionBase & { readonly kind: 'pull-image'; readonly image: string; readonly platform?: string })
  | (ActionBase & { readonly kind: 'build-image'; readonly image: string; readonly service: string })
  | (ActionBase & {
      readonly kind: 'create-container';
      readonly service: string;
      readonly number: number;
      readonly spec: ContainerSpec;
      /** Start it once created (false with `--no-start`). */
      readonly start: boolean;
      readonly waitFor: readonly WaitCondition[];
    })
  | (ActionBase & {
      readonly kind: 'recreate-container';
      readonly service: string;
      readonly number: number;
      /** The new container (its `inheritAnonymousVolumesFrom` is set unless `-V`). */
      readonly spec: ContainerSpec;
      /**
       * The container to replace. Sequence (Compose's): create the new one under the temporary
       * name `<old id 12>_<name>`, stop the old one, remove it, rename the new one, start it.
       */
      readonly replaces: ContainerRef;
      readonly start: boolean;
      readonly waitFor: readonly WaitCondition[];
    })
  | (ActionBase & {
      readonly kind: 'start-container';
      readonly service: string;
      readonly number: number | null;
      readonly container: ContainerRef;
      readonly waitFor: readonly WaitCondition[];
    })
  | (ActionBase & {
      readonly kind: 'stop-container';
      readonly service: string;
      readonly number: number | null;
      readonly container: ContainerRef;
    })
  | (ActionBase & {
      readonly kind: 'remove-container';
      readonly service: string;
      readonly number: number | null;
      /** Stop it first if it runs (stop signal, grace period), then remove it. */
      readonly container: ContainerRef;
      /** Also remove its anonymous volumes (`rm -v`). */
      readonly removeAnonymousVolumes: boolean;
    });

export type ActionKind = Action['kind'];

/** Something that makes the plan inapplicable; shown with the plan, thrown by `assertApplicable`. */
export interface PlanBlocker {
  readonly code: PlanErrorCode;
  readonly resource: string;
  readonly message: string;
  readonly hint?: string;
}

export interface Plan {
  readonly project: string;
  readonly actions: readonly Action[];
  readonly blockers: readonly PlanBlocker[];
  readonly warnings: readonly string[];
  /** Resource ids looked at and found up to date. */
  readonly unchanged: {
    readonly containers: readonly string[];
    readonly networks: readonly string[];
    readonly volumes: readonly string[];
  };
}
