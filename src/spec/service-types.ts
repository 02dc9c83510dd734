/**
 * The normalized model of one service, as the loader hands it to later layers. Field names and
 * shapes are Compose's (snake_case, as compose-go marshals them to JSON), so `config --format json`
 * prints this model. Conventions, applied everywhere:
 * - an absent optional field means "not set" (Compose's default applies); Compose omits empty
 *   values, so do we: `privileged` is either `true` or absent, lists are absent rather than `[]`;
 * - durations are Go duration strings (`"1m30s"`, parse with `parseDuration`), byte sizes are
 *   decimal strings of bytes (`"52428800"`, parse with `Number`), as Compose prints them;
 * - `x-*` extension keys written on a nested object are kept under the `EXTENSIONS` symbol of that
 *   object (`ExtensionFields`): JSON output leaves them out, as Compose's does; YAML prints them.
 *   Top-level `x-*` entries are `Project.extensions`.
 */

/** Where an object keeps its `x-*` entries (a symbol: never in JSON, never a Compose field). */
export const EXTENSIONS: unique symbol = Symbol.for('tscompose.spec.extensions');

/** Objects that may carry `x-*` extension entries. */
export interface ExtensionFields {
  [EXTENSIONS]?: Record<string, unknown>;
}

/** Go duration string: `"10s"`, `"1m0s"`, `"1h2m3.5s"`, `"500ms"`. */
export type GoDuration = string;

/** A byte count as a decimal string (`"52428800"`); `"-1"` where Compose allows unlimited. */
export type ByteCount = string;

/** `depends_on` entry (always in long form). */
export interface ServiceDependency extends ExtensionFields {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  /** Restart this service when the dependency is restarted or updated. */
  restart?: true;
  /** `false`: a missing or disabled dependency is only a warning. Always present. */
  required: boolean;
}

export interface ServicePortConfig extends ExtensionFields {
  name?: string;
  /** `ingress` (default) or `host`. */
  mode?: string;
  host_ip?: string;
  /** Container port. */
  target: number;
  /** Host port or range (`"8080"`, `"8000-8010"`); absent = an ephemeral port. */
  published?: string;
  /** `tcp` (default), `udp`, `sctp`. */
  protocol?: string;
  app_protocol?: string;
}

export interface ServiceVolumeBind extends ExtensionFields {
  selinux?: 'z' | 'Z';
  propagation?: string;
  /** Absent = true (create a missing host path); only `false` is written. */
  create_host_path?: false;
  recursive?: 'enabled' | 'disabled' | 'writable' | 'readonly';
}

export interface ServiceVolumeVolume extends ExtensionFields {
  labels?: Record<string, string>;
  nocopy?: true;
  subpath?: string;
}

export interface ServiceVolumeTmpfs extends ExtensionFields {
  size?: ByteCount;
  /** File mode, as a number (e.g. 1777 octal = 1023). */
  mode?: number;
}

export interface ServiceVolumeConfig extends ExtensionFields {
  type: 'bind' | 'volume' | 'tmpfs' | 'cluster' | 'npipe' | 'image';
  /** Host path (bind, absolute), volume key (volume; absent = anonymous), image reference (image). */
  source?: string;
  /** Path in the container (cleaned). */
  target?: string;
  read_only?: true;
  consistency?: string;
  bind?: ServiceVolumeBind;
  volume?: ServiceVolumeVolume;
  tmpfs?: ServiceVolumeTmpfs;
  image?: { subpath?: string } & ExtensionFields;
}

/** A service's reference to a top-level secret or config. */
export interface FileReferenceConfig extends ExtensionFields {
  /** Key in the top-level `secrets`/`configs`. */
  source: string;
  /** Mount path (secrets default to `/run/secrets/<source>`; configs: absent = `/<source>`). */
  target?: string;
  uid?: string;
  gid?: string;
  /** Octal string, as Compose prints it: `"0440"`. */
  mode?: string;
}

export interface ServiceNetworkConfig extends ExtensionFields {
  aliases?: string[];
  driver_opts?: Record<string, string>;
  gw_priority?: number;
  interface_name?: string;
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  priority?: number;
}

export interface HealthCheckConfig extends ExtensionFields {
  /** `["CMD", ...]`, `["CMD-SHELL", "..."]` or `["NONE"]` (a string test is `CMD-SHELL`). */
  test?: string[];
  timeout?: GoDuration;
  interval?: GoDuration;
  retries?: number;
  start_period?: GoDuration;
  start_interval?: GoDuration;
  disable?: true;
}

export interface LoggingConfig extends ExtensionFields {
  driver?: string;
  options?: Record<string, string>;
}

export interface DeviceMapping extends ExtensionFields {
  source: string;
  target?: string;
  permissions?: string;
}

/** A GPU or device reservation. `count: -1` = all. */
export interface DeviceRequest extends ExtensionFields {
  capabilities?: string[];
  driver?: string;
  count?: number;
  device_ids?: string[];
  options?: Record<string, string>;
}

export interface UlimitsConfig extends ExtensionFields {
  soft: number;
  hard: number;
}

export interface UpdateConfig extends ExtensionFields {
  parallelism?: number;
  delay?: GoDuration;
  failure_action?: string;
  monitor?: GoDuration;
  max_failure_ratio?: number;
  order?: 'start-first' | 'stop-first';
}

export interface ResourceSpec extends ExtensionFields {
  /** CPUs, fractional (`0.5`). */
  cpus?: number;
  memory?: ByteCount;
  pids?: number;
  devices?: DeviceRequest[];
  generic_resources?: {
    discrete_resource_spec?: { kind: string; value: number } & ExtensionFields;
  }[];
}

export interface DeployConfig extends ExtensionFields {
  mode?: string;
  replicas?: number;
  labels?: Record<string, string>;
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  /** Always present (possibly empty), as Compose prints it. */
  resources: { limits?: ResourceSpec; reservations?: ResourceSpec } & ExtensionFields;
  restart_policy?: {
    condition?: string;
    delay?: GoDuration;
    max_attempts?: number;
    window?: GoDuration;
  } & ExtensionFields;
  /** Always present (possibly empty), as Compose prints it. */
  placement: {
    constraints?: string[];
    preferences?: ({ spread?: string } & ExtensionFields)[];
    max_replicas_per_node?: number;
  } & ExtensionFields;
  endpoint_mode?: string;
}

export interface BuildConfig extends ExtensionFields {
  /** Absolute path, URL, git reference or `service:<name>`. */
  context?: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  entitlements?: string[];
  /** `null` = take the value from the environment at build time (unset there: not passed). */
  args?: Record<string, string | null>;
  provenance?: string;
  sbom?: string;
  /** `id` or `id=path` entries; `default` = the SSH agent. */
  ssh?: string[];
  labels?: Record<string, string>;
  cache_from?: string[];
  cache_to?: string[];
  no_cache?: true;
  no_cache_filter?: string[];
  additional_contexts?: Record<string, string>;
  pull?: true;
  /** `host=ip` entries, sorted. */
  extra_hosts?: string[];
  isolation?: string;
  network?: string;
  target?: string;
  secrets?: FileReferenceConfig[];
  shm_size?: ByteCount;
  tags?: string[];
  ulimits?: Record<string, number | UlimitsConfig>;
  platforms?: string[];
  privileged?: true;
}

export interface ServiceHook extends ExtensionFields {
  command: string[] | null;
  image?: string;
  user?: string;
  privileged?: true;
  working_dir?: string;
  environment?: Record<string, string | null>;
  per_replica?: true;
}

export interface WatchRule extends ExtensionFields {
  path: string;
  action: 'rebuild' | 'sync' | 'restart' | 'sync+restart' | 'sync+exec';
  target?: string;
  exec?: ServiceHook;
  include?: string[];
  ignore?: string[];
  initial_sync?: true;
}

export interface EnvFileConfig {
  /** Absolute path. */
  path: string;
  /** Absent = true (the file must exist); only `false` is written. */
  required?: false;
  /** `raw` for docker's format; absent = Compose's format. */
  format?: string;
}

export interface BlkioDevice {
  path?: string;
  rate?: ByteCount;
  weight?: number;
}

/** A service, fully resolved: long syntax, absolute paths, env files read into `environment`. */
export interface ServiceConfig extends ExtensionFields {
  profiles?: string[];
  annotations?: Record<string, string>;
  attach?: boolean;
  build?: BuildConfig;
  develop?: { watch?: WatchRule[] } & ExtensionFields;
  blkio_config?: {
    weight?: number;
    weight_device?: BlkioDevice[];
    device_read_bps?: BlkioDevice[];
    device_read_iops?: BlkioDevice[];
    device_write_bps?: BlkioDevice[];
    device_write_iops?: BlkioDevice[];
  };
  cap_add?: string[];
  cap_drop?: string[];
  cgroup_parent?: string;
  cgroup?: 'host' | 'private';
  cpu_count?: number;
  cpu_percent?: number;
  cpu_period?: number;
  cpu_quota?: number;
  cpu_rt_period?: number;
  cpu_rt_runtime?: number;
  cpus?: number;
  cpuset?: string;
  cpu_shares?: number;
  /** Exec form. `null` = the image's CMD; `[]` = explicitly none. Always present. */
  command: string[] | null;
  configs?: FileReferenceConfig[];
  container_name?: string;
  credential_spec?: { config?: string; file?: string; registry?: string } & ExtensionFields;
  depends_on?: Record<string, ServiceDependency>;
  deploy?: DeployConfig;
  device_cgroup_rules?: string[];
  devices?: DeviceMapping[];
  dns?: string[];
  dns_opt?: string[];
  dns_search?: string[];
  domainname?: string;
  /** Exec form. `null` = the image's ENTRYPOINT; `[]` = explicitly none. Always present. */
  entrypoint: string[] | null;
  provider?: { type: string; options?: Record<string, string[]> } & ExtensionFields;
  /**
   * The container environment: `env_file` values overridden by `environment` (interpolated from
   * the OS environment and `.env`). `null` = declared without a value and not set anywhere.
   */
  environment?: Record<string, string | null>;
  env_file?: EnvFileConfig[];
  expose?: string[];
  external_links?: string[];
  /** `host=ip` entries, sorted. */
  extra_hosts?: string[];
  group_add?: string[];
  gpus?: DeviceRequest[];
  hostname?: string;
  healthcheck?: HealthCheckConfig;
  image?: string;
  init?: boolean;
  ipc?: string;
  isolation?: string;
  /** `label_file` values overridden by `labels`. */
  labels?: Record<string, string>;
  label_file?: string[];
  links?: string[];
  logging?: LoggingConfig;
  mem_limit?: ByteCount;
  mem_reservation?: ByteCount;
  memswap_limit?: ByteCount;
  mem_swappiness?: ByteCount;
  mac_address?: string;
  models?: Record<string, ({ endpoint_var?: string; model_var?: string } & ExtensionFields) | null>;
  network_mode?: string;
  /** Attached networks (keys of the top-level `networks`); `null` = default settings. */
  networks?: Record<string, ServiceNetworkConfig | null>;
  oom_kill_disable?: true;
  oom_score_adj?: number;
  pid?: string;
  pids_limit?: number;
  platform?: string;
  ports?: ServicePortConfig[];
  privileged?: true;
  pull_policy?: string;
  read_only?: true;
  restart?: string;
  runtime?: string;
  scale?: number;
  secrets?: FileReferenceConfig[];
  security_opt?: string[];
  shm_size?: ByteCount;
  stdin_open?: true;
  stop_grace_period?: GoDuration;
  stop_signal?: string;
  storage_opt?: Record<string, string>;
  sysctls?: Record<string, string>;
  tmpfs?: string[];
  tty?: true;
  ulimits?: Record<string, number | UlimitsConfig>;
  use_api_socket?: true;
  user?: string;
  userns_mode?: string;
  uts?: string;
  volumes?: ServiceVolumeConfig[];
  volumes_from?: string[];
  working_dir?: string;
  pre_start?: ServiceHook[];
  post_start?: ServiceHook[];
  pre_stop?: ServiceHook[];
}
