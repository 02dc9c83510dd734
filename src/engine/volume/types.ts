/**
 * The volume subsystem's plain data: what callers ask for (`VolumeSpec`) and what they observe
 * (`VolumeInfo`). Volumes live under `<engine root>/volumes/<name>/_data` and outlive containers.
 * The lead merges these into `src/engine/types.ts`; until then import them from here.
 */

/**
 * A named volume, as `volume create` or a stack's `volumes:` key asks for it. Creating a volume
 * whose name exists is an error (VOLUME_EXISTS) unless the caller asked for "create if missing";
 * options are never changed in place (the compose planner recreates, and only with `-y`).
 */
export interface VolumeSpec {
  /** `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; compose uses `<project>_<key>` (or the volume's `name:`). */
  readonly name: string;
  /** Only `local` exists (absent = `local`; Compose hashes an empty driver as `local` too). */
  readonly driver?: 'local';
  /**
   * `local` driver options, Docker's meaning: `type` (filesystem type, e.g. `tmpfs`, `nfs`, `none`
   * for a bind), `device` (what to mount), `o` (mount options, comma-separated: `size=100m,uid=1000`,
   * `bind`). None = a plain directory. The engine mounts the described filesystem on first use and
   * refuses options it cannot honour (VOLUME_UNSUPPORTED) rather than ignoring them.
   */
  readonly driverOpts?: Readonly<Record<string, string>>;
  /** Compose sets `io.tscompose.{project,volume,config-hash,version}` (src/planner/labels.ts). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A volume as the engine observes it (`volume inspect`). */
export interface VolumeInfo {
  readonly name: string;
  readonly driver: 'local';
  /** Host path of the data directory (`<root>/volumes/<name>/_data`). */
  readonly mountpoint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly driverOpts: Readonly<Record<string, string>>;
  /** ISO 8601. */
  readonly created: string;
  /** Anonymous: created for one container (`io.tscompose.anonymous` label), removed by `rm -v`. */
  readonly anonymous: boolean;
  /** Ids of the containers (any state) that mount it; a volume in use cannot be removed. */
  readonly usedBy: readonly string[];
}
