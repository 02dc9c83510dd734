import type { ExtensionFields, ServiceConfig } from './service-types.js';

export type * from './service-types.js';
export { EXTENSIONS } from './service-types.js';

/**
 * The normalized model of a stack: what `loadProject` returns and later layers (planner, engine)
 * build on. Resource maps are keyed by the names used in the stack file (`services.web`,
 * `networks.backend`); with normalization on (the default), each network, volume, secret and config
 * carries its engine-level `name` (`<project>_<key>`, or the key itself when external), and services
 * without networks are attached to the implicit `default` network.
 *
 * Treat a Project as immutable: helpers such as `enableServices` return new projects.
 * `projectToJson` renders it exactly as `config --format json` prints it.
 */
export interface Project {
  /** Project name: lower-case letters, digits, `_` and `-`, starting with a letter or digit. */
  name: string;
  /** Services active with the selected profiles. */
  services: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, SecretConfig>;
  configs: Record<string, ConfigObjConfig>;
  models: Record<string, ModelConfig>;
  /** Top-level `x-*` entries. (Nested objects keep theirs under the EXTENSIONS symbol.) */
  extensions: Record<string, unknown>;
  /** Absolute project directory: base of relative paths, home of `.env`. */
  workingDir: string;
  /** Absolute paths of the stack files, in load order (`-` for stdin). */
  files: string[];
  /** Variables interpolation used: the OS environment plus `.env` (OS wins), with COMPOSE_PROJECT_NAME. */
  environment: Record<string, string>;
  /** The env files that were read into `environment` (`.env` or `--env-file`). */
  envFiles: string[];
  /** Profiles selected (`--profile`, COMPOSE_PROFILES, or enabled by naming a service). */
  profiles: string[];
  /** Services defined but not active with the selected profiles. */
  disabledServices: Record<string, ServiceConfig>;
}

export interface IpamPool extends ExtensionFields {
  subnet?: string;
  gateway?: string;
  ip_range?: string;
  aux_addresses?: Record<string, string>;
}

export interface NetworkConfig extends ExtensionFields {
  /** Engine-level name (set by normalization). */
  name?: string;
  /** Driver; absent = `bridge`. */
  driver?: string;
  driver_opts?: Record<string, string>;
  /** Always present (possibly empty), as Compose prints it. */
  ipam: { driver?: string; config?: IpamPool[]; options?: Record<string, string> } & ExtensionFields;
  /** Created outside the stack: must exist, is never created or removed. */
  external?: true;
  internal?: true;
  attachable?: true;
  labels?: Record<string, string>;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
}

export interface VolumeConfig extends ExtensionFields {
  name?: string;
  /** Driver; absent = `local`. */
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: true;
  labels?: Record<string, string>;
}

/**
 * A top-level secret or config. Exactly one source: `file` (absolute path), `environment` (a
 * variable's name; its value is in `content`), `content` (configs only), or `external`.
 */
export interface FileObjectConfig extends ExtensionFields {
  name?: string;
  file?: string;
  environment?: string;
  /**
   * Inline content (configs), or the value of `environment`. Never printed for secrets, and not
   * printed for configs sourced from `environment`, as Compose does.
   */
  content?: string;
  external?: true;
  labels?: Record<string, string>;
  driver?: string;
  driver_opts?: Record<string, string>;
  template_driver?: string;
}

export type SecretConfig = FileObjectConfig;
export type ConfigObjConfig = FileObjectConfig;

export interface ModelConfig extends ExtensionFields {
  name?: string;
  model?: string;
  context_size?: number;
  runtime_flags?: string[];
}
