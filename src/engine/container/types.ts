/**
 * The container subsystem's plain data: what a caller asks the engine to create (`ContainerSpec`)
 * and what it observes afterwards (`ContainerInfo`). The compose layer (src/planner) produces
 * ContainerSpecs from a stack's services; `tscompose container run` produces them from flags. The
 * lead merges these into `src/engine/types.ts`; until then import them from here.
 *
 * Conventions:
 * - semantics are Docker's (the Engine API's `ContainerCreate` body and `ContainerInspect` result),
 *   spelled in camelCase with units in the names (`memoryBytes`, `timeoutMs`);
 * - an absent optional field means "not set": the image's value or Docker's default applies, as
 *   each field's comment says. `null` is used only where Docker distinguishes "not set" from
 *   "set to nothing" (entrypoint/command);
 * - names of networks and volumes are engine-level names (`<project>_<key>` for stacks), never
 *   stack keys;
 * - everything is JSON-serialisable: the engine stores the spec it was given in the container record
 *   and returns it as `ContainerInfo.spec` ("config as created").
 */
import type { EndpointSpec, PortBindingSpec, PortProtocol, PublishedPort } from '../network/types.js';

// ─── Asked for ───────────────────────────────────────────────────────────────────────────────────

/**
 * Everything needed to create one container the Docker way. The engine resolves the image, builds
 * the OCI bundle (image config overridden by the fields below, Docker's rules), prepares the rootfs,
 * mounts, files and network attachments, and records the spec as given.
 */
export interface ContainerSpec {
  /**
   * Container name, `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, unique in the engine (creating a second one with
   * the same name fails with CONTAINER_NAME_IN_USE). Compose: `<project>-<service>-<n>` or
   * `container_name`. It resolves in DNS on every attached network.
   */
  readonly name: string;
  /** Image reference as written (`nginx:1.27`, `registry:5000/app@sha256:…`). */
  readonly image: string;
  /**
   * Expected image id (config digest, `sha256:…`). When set, the engine uses exactly this image and
   * fails with IMAGE_NOT_FOUND if the store does not hold it (so a re-tag between plan and apply
   * cannot change what runs). Absent: the engine resolves `image` at create time.
   */
  readonly imageId?: string;
  /** Manifest digest of the image (informational; the planner records it in a label). */
  readonly imageDigest?: string;
  /**
   * ENTRYPOINT override, Docker semantics:
   * - `null`: keep the image's ENTRYPOINT (and the image's CMD applies when `command` is empty);
   * - `[]`: no entrypoint at all (Compose `entrypoint: []` or `""`); the image's CMD still applies
   *   when `command` is empty/null, and runs as the program;
   * - non-empty: replaces the image's ENTRYPOINT, and the image's CMD is then *discarded*: only
   *   `command` is appended (Docker's rule: overriding the entrypoint resets CMD).
   */
  readonly entrypoint: readonly string[] | null;
  /**
   * CMD override: `null` or `[]` = the image's CMD (Docker cannot express "no CMD" when the image
   * has one, unless `entrypoint` is overridden with a non-empty value, see above); non-empty =
   * replaces it.
   */
  readonly command: readonly string[] | null;
  /**
   * Environment, merged over the image's `Env` (these win). Compose's precedence (`run -e` >
   * `environment` > `env_file` > image) is already applied; variables declared without a value
   * and not found anywhere are left out (not passed as empty).
   */
  readonly env: Readonly<Record<string, string>>;
  /** Container labels. Compose sets `io.tscompose.*` here (see src/planner/labels.ts). */
  readonly labels: Readonly<Record<string, string>>;
  /** OCI annotations (Compose `annotations`), written to the bundle's config.json. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Hostname inside the UTS namespace; absent = the first 12 characters of the container id. */
  readonly hostname?: string;
  /** NIS domain name (`domainname`); absent = none. */
  readonly domainname?: string;
  /**
   * `user`, `uid`, `user:group`, `uid:gid` (names resolved from the image's /etc/passwd and
   * /etc/group, read safely inside the rootfs); absent = the image's `User`, else root.
   */
  readonly user?: string;
  /** Absolute working directory, created if missing; absent = the image's `WorkingDir`, else `/`. */
  readonly workingDir?: string;
  /** Run a minimal init as PID 1 that reaps zombies and forwards signals (`--init`). */
  readonly init?: boolean;
  /** Mount the root filesystem read-only (`read_only`); mounts and tmpfs stay writable unless ro. */
  readonly readOnlyRootfs?: boolean;
  /**
   * Mounts, in order (a later mount may sit below an earlier one's target). Image `VOLUME`s not
   * covered by a mount get an anonymous volume each, as Docker does.
   */
  readonly mounts: readonly MountSpec[];
  /**
   * `volumes_from`: copy the mounts (volumes and binds) of these containers, by name or id, resolved
   * at create time. `readOnly` forces them read-only; absent = each mount's own mode.
   */
  readonly volumesFrom?: readonly VolumesFromSpec[];
  /** Network namespace and attachments (`networks` or `network_mode`). */
  readonly network: ContainerNetworking;
  /**
   * Published ports (`ports:`), only meaningful with `network.mode === 'bridge'`: the engine
   * forwards each to the container's address on its first network (the default-route one).
   */
  readonly ports: readonly PortBindingSpec[];
  /** `expose`: container ports declared as exposed (metadata only, as on a bridge in Docker). */
  readonly exposedPorts?: readonly ExposedPortSpec[];
  /** DNS servers written to /etc/resolv.conf; absent = the network's resolver (or the host's). */
  readonly dns?: readonly string[];
  /** `search` domains for /etc/resolv.conf. */
  readonly dnsSearch?: readonly string[];
  /** `options` lines for /etc/resolv.conf (`ndots:2`, `timeout:1`). */
  readonly dnsOptions?: readonly string[];
  /** Extra /etc/hosts lines (`extra_hosts`). `ip` may be `host-gateway` (the bridge's gateway). */
  readonly extraHosts?: readonly ExtraHostSpec[];
  /** Capabilities added to Docker's default 14 (`ALL` = every capability). Names with or without `CAP_`. */
  readonly capAdd?: readonly string[];
  /** Capabilities removed from the default set (`ALL` = start from none, then `capAdd`). */
  readonly capDrop?: readonly string[];
  /** Every capability the engine holds, all devices, no masked/read-only paths, no seccomp (`privileged`). */
  readonly privileged?: boolean;
  /** `no_new_privileges` for the process (`security_opt: [no-new-privileges]` or `no-new-privileges:true`). */
  readonly noNewPrivileges?: boolean;
  /**
   * Other `security_opt` entries, verbatim (`seccomp=unconfined`, `apparmor=…`, `label=…`). The
   * engine honours `seccomp=unconfined` and refuses what it cannot apply (CONTAINER_UNSUPPORTED)
   * rather than ignoring it silently; `label=…` (SELinux) is accepted and ignored.
   */
  readonly securityOpt?: readonly string[];
  /** Resource limits (`ulimits`); never above the engine's own hard limit. */
  readonly ulimits?: readonly UlimitSpec[];
  /** Namespaced sysctls (`net.*`, `kernel.shm*`, …), written after the namespaces are set up. */
  readonly sysctls?: Readonly<Record<string, string>>;
  /** Size of /dev/shm; absent = 64 MiB (Docker's default). */
  readonly shmSizeBytes?: number;
  /** cgroup limits and OOM settings. */
  readonly resources?: ContainerResources;
  /** Restart policy applied by the shim; absent = `no`. */
  readonly restartPolicy?: RestartPolicySpec;
  /**
   * Healthcheck run by the shim; absent = the image's HEALTHCHECK. Fields left out of a present
   * healthcheck take the image's values, then Docker's defaults (see HealthcheckSpec).
   */
  readonly healthcheck?: HealthcheckSpec;
  /** Signal sent by `stop` (`SIGTERM`, `TERM`, `15`); absent = the image's StopSignal, else SIGTERM. */
  readonly stopSignal?: string;
  /** Time between the stop signal and SIGKILL; absent = 10 000 ms (Docker's default). */
  readonly stopGracePeriodMs?: number;
  /** Allocate a pseudo-terminal (`tty`); logs then carry the terminal's output. */
  readonly tty?: boolean;
  /** Keep stdin open even when nothing is attached (`stdin_open`). */
  readonly stdinOpen?: boolean;
  /** Host devices made available in the container (`devices`). */
  readonly devices?: readonly DeviceSpec[];
  /** Extra cgroup device rules (`device_cgroup_rules`: `c 1:3 mr`, `b 8:* rwm`). */
  readonly deviceCgroupRules?: readonly string[];
  /** Supplementary groups (names resolved in the image's /etc/group, or numbers). */
  readonly groupAdd?: readonly string[];
  /**
   * IPC namespace: absent/`private` = own; `shareable` = own, joinable by others; `host`; `none`
   * (own, no /dev/shm); `container:<name|id>` = join that container's (resolved at create time).
   */
  readonly ipc?: IpcMode;
  /** PID namespace: absent = own; `host`; `container:<name|id>`. */
  readonly pid?: PidMode;
  /** UTS namespace: absent = own; `host` (then `hostname`/`domainname` must be absent). */
  readonly uts?: UtsMode;
  /** cgroup namespace: absent = `private` on cgroup v2, `host` on v1 (Docker's defaults). */
  readonly cgroupns?: 'host' | 'private';
  /**
   * Configs and secrets to place as files (read-only). The engine writes each file under the
   * container's own directory at create time (so the container sees the content the plan's hash
   * was computed from, not later edits) with `uid`/`gid`/`mode`, and bind-mounts it read-only at
   * `target`.
   */
  readonly files?: readonly ContainerFileSpec[];
  /** Log driver (`logging`). The engine implements `json-file` and `local` (same storage) and `none`. */
  readonly logging?: LoggingSpec;
  /**
   * On a recreate: the id of the container being replaced, whose anonymous volumes are re-attached
   * at the same targets instead of new empty ones (Compose's default; `up -V` leaves it out).
   */
  readonly inheritAnonymousVolumesFrom?: string;
  /**
   * Remove the container (and its anonymous volumes) once it has exited (`run --rm`). The CLI
   * that waits for the exit removes it at once; for a detached one the next engine command does.
   */
  /**
   * The intent recorded at create (default `running`). A replacement for a container the user
   * stopped with `tscompose stop` is created already `stopped`, so no other pass (the watch
   * loop's drift repair) can see it as a stopped container that should run.
   */
  readonly desiredState?: ContainerDesiredState;
  readonly autoRemove?: boolean;
  /**
   * Opaque text the creator wants kept with the container (the planner stores the canonical JSON its
   * config hash was computed from, to explain later which fields changed). Stored as is with the
   * container record (directories 0700: it may hold environment values), returned in
   * `ContainerInfo.spec.configRecord`, never interpreted by the engine.
   */
  readonly configRecord?: string;
}

/** A mount: bind, named or anonymous volume, or tmpfs. */
export type MountSpec = BindMountSpec | VolumeMountSpec | TmpfsMountSpec;

/** Mount propagation (`bind.propagation`); absent = `rprivate`. */
export type MountPropagation = 'private' | 'rprivate' | 'shared' | 'rshared' | 'slave' | 'rslave';

export interface BindMountSpec {
  readonly type: 'bind';
  /** Absolute host path. */
  readonly source: string;
  /** Absolute path in the container. */
  readonly target: string;
  readonly readOnly?: boolean;
  readonly propagation?: MountPropagation;
  /**
   * Create a missing host path as a directory (Compose short syntax, `bind.create_host_path`);
   * false = fail with MOUNT_SOURCE_MISSING when the source does not exist.
   */
  readonly createHostPath?: boolean;
  /** SELinux relabel (`z` shared, `Z` private); accepted and ignored on hosts without SELinux. */
  readonly selinux?: 'z' | 'Z';
  /** Recursive read-only handling of submounts (`bind.recursive`); absent = `enabled`. */
  readonly recursive?: 'enabled' | 'disabled' | 'writable' | 'readonly';
}

export interface VolumeMountSpec {
  readonly type: 'volume';
  /**
   * Engine volume name (`<project>_<key>` for stack volumes; must exist, except that the engine
   * creates a missing one with default options, as Docker does). `null` = an anonymous volume: a
   * new volume with a random 64-hex name, labelled `io.tscompose.anonymous=<container id>`, removed
   * with the container by `rm -v`.
   */
  readonly source: string | null;
  readonly target: string;
  readonly readOnly?: boolean;
  /**
   * Do not fill a new, empty volume with the image's content at `target` (`volume.nocopy`).
   * Default: copy (Docker's behaviour for a volume mounted over image content).
   */
  readonly nocopy?: boolean;
  /** Mount only this relative path inside the volume (`volume.subpath`); it must exist. */
  readonly subpath?: string;
}

export interface TmpfsMountSpec {
  readonly type: 'tmpfs';
  readonly target: string;
  readonly readOnly?: boolean;
  /** `size=`; absent = the kernel's default (half of RAM). */
  readonly sizeBytes?: number;
  /** Permission bits of the mount's root (`mode=`, e.g. 0o1777); absent = 0o1777 as Docker. */
  readonly mode?: number;
  /**
   * Further tmpfs mount options as written (`uid=1000`, `noexec`, `nosuid`, `nodev`); the engine
   * adds `nosuid,nodev,noexec` by default as Docker does unless `exec`/`suid`/`dev` appear here.
   */
  readonly options?: readonly string[];
}

export interface VolumesFromSpec {
  /** Container name or id. */
  readonly container: string;
  /** `:ro` = every mount read-only; `:rw` (false) or absent = each mount keeps its own mode. */
  readonly readOnly?: boolean;
}

/**
 * How the container is networked:
 * - `bridge`: a netns of its own, attached to `networks` in order (eth0, eth1, …; the first one with
 *   the highest `gwPriority`, else the first, gives the default route); an empty list = loopback only;
 * - `host`: the host's netns (no ports, no attachments);
 * - `none`: a netns with loopback only;
 * - `container`: join another container's netns (`network_mode: container:X`, and compose's
 *   `service:X` resolved to that service's container). The engine resolves the name to an id at
 *   create time and reports it in `ContainerInfo.namespaceOwners.network`.
 */
export type ContainerNetworking =
  | { readonly mode: 'bridge'; readonly networks: readonly ContainerEndpointSpec[] }
  | { readonly mode: 'host' }
  | { readonly mode: 'none' }
  | { readonly mode: 'container'; readonly container: string };

/**
 * One network to attach: the engine turns it into an `EndpointSpec` (network types) once the
 * container's netns exists. Aliases are extra DNS names on that network (compose passes the service
 * name first, then the service's `aliases`); the container name always resolves too.
 */
export interface ContainerEndpointSpec extends Pick<EndpointSpec, 'aliases' | 'ipv4Address' | 'macAddress'> {
  /** Engine network name. */
  readonly network: string;
  /** Interface name in the container (`interface_name`); absent = the next `ethN`. */
  readonly interfaceName?: string;
  /** Highest wins the default route (`gw_priority`); absent = 0. */
  readonly gwPriority?: number;
  /** Driver options for this endpoint (`driver_opts`), kept and shown; none are interpreted yet. */
  readonly driverOpts?: Readonly<Record<string, string>>;
}

/** `expose`: a port (or range) and protocol. */
export interface ExposedPortSpec {
  readonly port: number;
  readonly portEnd?: number;
  readonly protocol: PortProtocol;
}

/** One /etc/hosts entry. */
export interface ExtraHostSpec {
  readonly hostname: string;
  /** IPv4/IPv6 address, or `host-gateway`. */
  readonly ip: string;
}

/** One rlimit (`ulimits: {nofile: {soft, hard}}`; a single number sets both). */
export interface UlimitSpec {
  /** Without `RLIMIT_`, lower case: `nofile`, `nproc`, `core`, `memlock`, `stack`, … */
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

/**
 * cgroup limits (memory, cpu, pids) and OOM settings: Docker's `HostConfig` resource fields. Absent
 * = unlimited / kernel default. Compose's legacy keys (`mem_limit`, `cpus`, `pids_limit`, …) and
 * `deploy.resources` are folded into these by the planner (`deploy` wins when both are set).
 */
export interface ContainerResources {
  /** Hard memory limit (`memory.max` / `memory.limit_in_bytes`). */
  readonly memoryBytes?: number;
  /**
   * Memory plus swap (Docker's `--memory-swap`): `-1` = unlimited swap; absent with `memoryBytes`
   * set = twice `memoryBytes` (Docker's rule); equal to `memoryBytes` = no swap.
   */
  readonly memorySwapBytes?: number;
  /** Soft limit (`memory.low` / `memory.soft_limit_in_bytes`). */
  readonly memoryReservationBytes?: number;
  /** 0–100 (cgroup v1 only; ignored on v2). */
  readonly memorySwappiness?: number;
  /** CPUs, fractional (`cpus: 1.5`): period 100 000 µs, quota cpus × 100 000 µs. Exclusive with quota/period. */
  readonly cpus?: number;
  /** CFS quota per period, µs (`cpu_quota`). */
  readonly cpuQuotaUs?: number;
  /** CFS period, µs (`cpu_period`); absent = 100 000. */
  readonly cpuPeriodUs?: number;
  /** Relative weight (`cpu_shares`, default 1024; converted to `cpu.weight` on v2). */
  readonly cpuShares?: number;
  /** CPUs allowed (`cpuset: "0-2,4"`). */
  readonly cpusetCpus?: string;
  /** Max number of tasks (`pids_limit` / `deploy.resources.limits.pids`); -1 or absent = unlimited. */
  readonly pidsLimit?: number;
  /** OOM score adjustment of the container's processes (-1000 … 1000). */
  readonly oomScoreAdj?: number;
  /** Disable the OOM killer (cgroup v1 only; refused without `memoryBytes`, as Docker warns). */
  readonly oomKillDisable?: boolean;
}

/**
 * Restart policy, enforced by the shim with Docker's backoff (100 ms doubling, reset after 10 s of
 * running). `unless-stopped` and `always` differ only after an explicit stop: neither restarts a
 * manually stopped container, and `always` also restarts it when the engine starts containers
 * again (we have no daemon restart; `tscompose` treats both alike today).
 */
export interface RestartPolicySpec {
  readonly name: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  /** `on-failure:N`: give up after N restarts; absent/0 = no limit. */
  readonly maxRetries?: number;
}

/**
 * Healthcheck. A present field overrides the image's HEALTHCHECK field by field (Docker merges them);
 * absent fields take the image's, then the defaults below.
 */
export interface HealthcheckSpec {
  /**
   * `['CMD', prog, ...args]` (exec), `['CMD-SHELL', script]` (run with `/bin/sh -c`), or `['NONE']`
   * (disable: same as `disable: true`). Absent = the image's test.
   */
  readonly test?: readonly string[];
  /** Disable any healthcheck, the image's included (`healthcheck.disable`). */
  readonly disable?: boolean;
  /** Between checks; default 30 000 ms. */
  readonly intervalMs?: number;
  /** One check's limit (the check counts as failed); default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Consecutive failures before `unhealthy`; default 3. */
  readonly retries?: number;
  /** Grace period after start: failures do not count (successes end it); default 0. */
  readonly startPeriodMs?: number;
  /** Interval during the start period; default 5 000 ms. */
  readonly startIntervalMs?: number;
}

/** A host device (`devices: ["/dev/fuse:/dev/fuse:rwm"]`). */
export interface DeviceSpec {
  readonly hostPath: string;
  /** Absent = same as `hostPath`. */
  readonly containerPath?: string;
  /** cgroup permissions, any of `r`, `w`, `m`; absent = `rwm`. */
  readonly permissions?: string;
}

export type IpcMode = 'private' | 'shareable' | 'host' | 'none' | `container:${string}`;
export type PidMode = 'host' | `container:${string}`;
export type UtsMode = 'host';

/**
 * A config or secret placed as a file. The content comes either inline (`content`: configs'
 * `content`, or the value of `environment` for env-sourced ones, already read by the loader) or
 * from a host file read at create time (`path`). `contentDigest` is the sha256 the plan used; the
 * engine checks the bytes it places against it and fails with CONTAINER_FILE_CHANGED when they
 * differ (the file changed after the plan: plan again).
 */
export interface ContainerFileSpec {
  readonly kind: 'config' | 'secret';
  /** The stack's key (`configs.nginx_conf`), for messages. */
  readonly key: string;
  /** Absolute path in the container. */
  readonly target: string;
  readonly source:
    { readonly type: 'content'; readonly content: string } | { readonly type: 'path'; readonly path: string };
  /** `sha256:<hex>` of the bytes (UTF-8 for `content`). */
  readonly contentDigest: string;
  /** Owner; absent = 0. */
  readonly uid?: number;
  /** Group; absent = 0. */
  readonly gid?: number;
  /** Permission bits; absent = 0o444. */
  readonly mode?: number;
}

/** `logging`: driver and options (`max-size`, `max-file` honoured by `json-file`/`local`). */
export interface LoggingSpec {
  readonly driver: string;
  readonly options?: Readonly<Record<string, string>>;
}

// ─── Observed ────────────────────────────────────────────────────────────────────────────────────

/** Docker's container states. `removing` only while (or after an interrupted) `rm`. */
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead' | 'removing';

/** Health as the shim records it; `none` = no healthcheck configured. */
export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

/**
 * What a caller wants of a container, as the engine records it. Project commands set it; the
 * engine's restart policy and the compose reconciler read it:
 * - `running` (default): the container should run;
 * - `stopped`: a *project-level* stop (`tscompose stop`, `down` in progress) — the watch/drift loop
 *   must not start it again; `up` and `start` set it back to `running`.
 * Distinct from `manuallyStopped`, which any explicit engine stop sets (Docker's
 * HasBeenManuallyStopped, used by the restart policy).
 */
export type ContainerDesiredState = 'running' | 'stopped';

/** A container as the engine observes it (`container inspect`, `container ls --format json`). */
export interface ContainerInfo {
  /** 64 hex digits. */
  readonly id: string;
  readonly name: string;
  /** ISO 8601. */
  readonly created: string;
  /** Labels as created (the spec's). Compose finds its containers through these, never by name. */
  readonly labels: Readonly<Record<string, string>>;
  /** Image reference as asked. */
  readonly image: string;
  /** Image id (config digest) the container was created from. */
  readonly imageId: string;
  /** Manifest digest of that image, when known. */
  readonly imageDigest?: string;
  readonly state: ContainerState;
  /** PID of the container's init process while running/paused, else 0. */
  readonly pid: number;
  /** Exit code of the last run; null before the first exit. 137 after SIGKILL (OOM included). */
  readonly exitCode: number | null;
  /** The last exit was an OOM kill. */
  readonly oomKilled: boolean;
  /** Why the last start failed (the runtime's message), if it did. */
  readonly error?: string;
  /** ISO 8601 of the last start, null if never started. */
  readonly startedAt: string | null;
  /** ISO 8601 of the last exit, null if never exited. */
  readonly finishedAt: string | null;
  /** Restarts performed by the restart policy since the last explicit start. */
  readonly restartCount: number;
  /** Health; `null` = no healthcheck (neither the spec's nor the image's). */
  readonly health: ContainerHealthInfo | null;
  /** Set by an explicit stop or kill through the engine, cleared by start (Docker semantics). */
  readonly manuallyStopped: boolean;
  /** The recorded intent (see ContainerDesiredState). */
  readonly desiredState: ContainerDesiredState;
  /** Attachments while the netns exists (kept across restarts), one per network. */
  readonly networks: readonly ContainerNetworkInfo[];
  /** Ports as published (random host ports resolved). */
  readonly ports: readonly PublishedPort[];
  readonly mounts: readonly MountInfo[];
  /**
   * Ids of containers whose namespaces this one joined, resolved at create time from
   * `container:<name|id>` (network_mode, ipc, pid) and `volumesFrom`. Lets the planner see that a
   * namespace parent was replaced since (its id differs from the live parent's).
   */
  readonly namespaceOwners: {
    readonly network?: string;
    readonly ipc?: string;
    readonly pid?: string;
    readonly volumesFrom?: readonly string[];
  };
  /** The spec the container was created with, as given (including `configRecord`). */
  readonly spec: ContainerSpec;
}

export interface ContainerHealthInfo {
  readonly status: Exclude<HealthStatus, 'none'>;
  readonly failingStreak: number;
  /** The last checks (at most 5, oldest first). */
  readonly log: readonly HealthLogEntry[];
}

export interface HealthLogEntry {
  /** ISO 8601. */
  readonly start: string;
  readonly end: string;
  /** 0 healthy, 1 unhealthy, -1 the check could not run (timeout, exec failure). */
  readonly exitCode: number;
  /** The check's output, truncated to 4 KiB. */
  readonly output: string;
}

/** One network attachment as observed. */
export interface ContainerNetworkInfo {
  /** Engine network name. */
  readonly network: string;
  readonly networkId: string;
  readonly interfaceName: string;
  readonly ipv4Address: string;
  readonly prefixLength: number;
  readonly gateway: string;
  readonly macAddress: string;
  readonly aliases: readonly string[];
}

/** One mount as observed (`inspect` `Mounts`). */
export interface MountInfo {
  readonly type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind), volume name (volume, anonymous ones included), empty for tmpfs. */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** For volumes: the volume's name; for anonymous ones, whether it is anonymous. */
  readonly volumeName?: string;
  readonly anonymous?: boolean;
}
