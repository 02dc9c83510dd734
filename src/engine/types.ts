/**
 * The engine's seam (BLUEPRINT §2, STYLE §2): what other layers (planner, reconciler, CLI) may
 * know of the engine. Small interfaces per subsystem; `*Spec` is what a caller asks for, `*Info`
 * what it observes; plain data only. Sections: common, images (content, snapshots, image store,
 * image service). Containers, networks and volumes add their sections below.
 */
import type { Readable, Writable } from 'node:stream';
import type { ProgressSink } from '../common/progress.js';

// ─── Common ──────────────────────────────────────────────────────────────────────────────────────

/** Options every operation that waits or does I/O accepts (house rule 9). */
export interface OpOptions {
  readonly signal?: AbortSignal;
  /** Where progress events go (the CLI renders them); default: dropped. */
  readonly progress?: ProgressSink;
}

/** An image platform (`linux/amd64`, `linux/arm/v7`). */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** A content descriptor (image-spec): what a digest names. */
export interface DescriptorInfo {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/** How to mount something; the caller mounts (containerd's snapshotter contract). */
export interface Mount {
  readonly type: 'overlay' | 'bind';
  readonly source: string;
  readonly options: readonly string[];
}

// ─── Images: content store ───────────────────────────────────────────────────────────────────────

export interface BlobInfo {
  readonly digest: string;
  readonly size: number;
}

/** Read side of the content store (`content/blobs/sha256/<hex>`, verified blobs). */
export interface ContentStore {
  info(digest: string): Promise<BlobInfo | undefined>;
  /** Streams a blob (`BLOB_NOT_FOUND` when missing). */
  openRead(digest: string, start?: number, end?: number): Promise<Readable>;
  /** Reads a small blob whole, refusing one above `maxBytes`. */
  readBytes(digest: string, maxBytes: number): Promise<Buffer>;
  list(): Promise<BlobInfo[]>;
}

// ─── Images: snapshots ───────────────────────────────────────────────────────────────────────────

/** A committed snapshot: one unpacked layer under `snapshots/<id>/`, named by its chainID. */
export interface SnapshotInfo {
  readonly chainId: string;
  readonly parent: string | null;
  readonly diffId: string;
  readonly id: number;
  readonly path: string;
  /** Bytes of the uncompressed layer tar. */
  readonly size: number;
  readonly created: string;
}

/**
 * Committed layers, shared between images. A container's root filesystem is an overlay of an
 * image's chain (lowerdirs, topmost first) under the container's own upper/work directories.
 */
export interface SnapshotStore {
  get(chainId: string): Promise<SnapshotInfo | undefined>;
  list(): Promise<SnapshotInfo[]>;
  /** Layer directories of the chain ending at `chainId`, topmost first. */
  lowerDirs(chainId: string): Promise<string[]>;
  /** A read-only view: a bind mount for one layer, else an overlay of all. */
  view(chainId: string): Promise<Mount[]>;
  /** A writable overlay over the chain (null = empty rootfs) with the caller's upper/work dirs. */
  writable(chainId: string | null, upperDir: string, workDir: string): Promise<Mount[]>;
}

// ─── Images: image store and service ─────────────────────────────────────────────────────────────

/** The runtime defaults an image gives a container (image config `config`, Docker's names). */
export interface ImageRuntimeConfig {
  readonly User?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>>;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly Volumes?: Readonly<Record<string, object>>;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>>;
  readonly StopSignal?: string;
  readonly Shell?: readonly string[];
  readonly Healthcheck?: {
    readonly Test?: readonly string[];
    readonly Interval?: number;
    readonly Timeout?: number;
    readonly StartPeriod?: number;
    readonly StartInterval?: number;
    readonly Retries?: number;
  };
}

export interface LayerInfo {
  /** Digest of the layer blob as stored (compressed). */
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly diffId: string;
  /** Snapshot key of the chain up to this layer. */
  readonly chainId: string;
  readonly uncompressedSize?: number;
}

/** An image as the engine observes it (what `image inspect` shows, and what containers need). */
export interface ImageInfo {
  /** Image id: the config digest (`sha256:…`), as Docker shows it. */
  readonly id: string;
  /** Digest of the platform-specific manifest. The reconciler's "image digest" for recreate decisions. */
  readonly digest: string;
  readonly manifest: DescriptorInfo;
  /** Canonical references (`docker.io/library/redis:7`). */
  readonly references: readonly string[];
  /** As Docker prints them (`redis:7`). */
  readonly repoTags: readonly string[];
  /** `repo@sha256:…` the references were pulled from or pushed to. */
  readonly repoDigests: readonly string[];
  readonly platform: Platform;
  readonly created?: string;
  readonly author?: string;
  readonly config: ImageRuntimeConfig;
  readonly layers: readonly LayerInfo[];
  /** chainID of the top layer: the root filesystem to mount (null: an image without layers). */
  readonly topChainId: string | null;
  /** Sum of uncompressed layer sizes when known, else of the blobs. */
  readonly size: number;
  readonly lastUpdated: string;
}

/** One row of `image ls`: a reference (or none, for an untagged image) and its image. */
export interface ImageSummary {
  /** `redis`, `localhost:5000/app`; `<none>` for an untagged image. */
  readonly repository: string;
  /** `7`; `<none>` when untagged or named by digest only. */
  readonly tag: string;
  /** The manifest digest the row's repository knows it by, if any. */
  readonly digest?: string;
  readonly id: string;
  readonly created?: string;
  readonly size: number;
  readonly platform: Platform;
}

export interface HistoryItem {
  /** The image id for the newest entry, `<missing>` for the others (as Docker). */
  readonly id: string;
  readonly created?: string;
  readonly createdBy: string;
  /** Uncompressed size of the layer the step made (0 for metadata-only steps). */
  readonly size: number;
  readonly comment: string;
  readonly emptyLayer: boolean;
}

export interface PullSpec extends OpOptions {
  /** Select this platform from an index (default: the host's). */
  readonly platform?: Platform;
  /** Unpack layers while pulling (default true). */
  readonly unpack?: boolean;
}

export interface PullInfo {
  readonly reference: string;
  readonly digest: string;
  readonly id: string;
  readonly repoDigest: string;
  readonly status: 'downloaded' | 'up to date';
}

export interface PushInfo {
  readonly reference: string;
  readonly digest: string;
  readonly size: number;
}

export interface RemoveSpec {
  /** Remove even when in use by a container or named by several references (`rm -f`). */
  readonly force?: boolean;
}

/** What `rm` did, one line each (`Untagged: redis:7`, `Deleted: sha256:…`). */
export interface RemoveInfo {
  readonly untagged: readonly string[];
  readonly deleted: readonly string[];
}

export interface PruneSpec extends OpOptions {
  /** Also remove tagged images no container uses (`prune -a`). */
  readonly all?: boolean;
}

export interface PruneInfo {
  /** Image ids removed. */
  readonly imagesDeleted: readonly string[];
  readonly referencesRemoved: readonly string[];
  readonly blobsDeleted: number;
  readonly snapshotsDeleted: number;
  /** Bytes freed (blobs plus unpacked layer tar sizes). */
  readonly spaceReclaimed: number;
}

export interface SaveSpec extends OpOptions {
  /** `docker` (docker save layout, default) or `oci` (OCI image layout, blobs as stored). */
  readonly format?: 'docker' | 'oci';
}

export interface LoadSpec extends OpOptions {
  /** Unpack the loaded images' layers (default true). */
  readonly unpack?: boolean;
}

export interface LoadInfo {
  readonly images: readonly {
    readonly id: string;
    readonly digest: string;
    readonly references: readonly string[];
  }[];
}

export interface ImportSpec extends OpOptions {
  readonly changes?: readonly string[];
  readonly message?: string;
  readonly reference?: string;
  readonly platform?: Platform;
  readonly source?: string;
  /** Unpack the new layer (default true). */
  readonly unpack?: boolean;
}

export interface LoginSpec extends OpOptions {
  readonly username: string;
  readonly password: string;
}

/**
 * What containers use; registered by the container store (`Engine.addUsageProvider`). Prune keeps
 * these, `rm` refuses to delete them without force.
 */
export interface ImageUsageProvider {
  /** Image ids (config digests) or manifest digests containers were created from. */
  imagesInUse(): Promise<Iterable<string>>;
  /** Snapshot chainIDs under mounted root filesystems. */
  snapshotsInUse(): Promise<Iterable<string>>;
}

/** Every image operation. Mutations take the engine lock; reads do not. */
export interface ImageService {
  pull(reference: string, spec?: PullSpec): Promise<PullInfo>;
  push(reference: string, o?: OpOptions): Promise<PushInfo>;
  list(): Promise<ImageSummary[]>;
  /** By reference (`redis`, `redis:7`, `redis@sha256:…`) or id prefix; IMAGE_NOT_FOUND otherwise. */
  inspect(refOrId: string): Promise<ImageInfo>;
  /** Like inspect, but undefined when absent. */
  find(refOrId: string): Promise<ImageInfo | undefined>;
  tag(source: string, target: string): Promise<void>;
  remove(refsOrIds: readonly string[], spec?: RemoveSpec): Promise<RemoveInfo>;
  history(refOrId: string): Promise<HistoryItem[]>;
  save(refsOrIds: readonly string[], out: Writable | { directory: string }, spec?: SaveSpec): Promise<void>;
  load(input: Readable, spec?: LoadSpec): Promise<LoadInfo>;
  import(input: Readable, spec?: ImportSpec): Promise<ImageInfo>;
  prune(spec?: PruneSpec): Promise<PruneInfo>;
  /**
   * Makes sure the image's layers are unpacked (a pull with `unpack: false`, a load) and returns
   * its snapshot chain's top chainID (null for an image without layers).
   */
  prepareRootfs(refOrId: string, o?: OpOptions): Promise<string | null>;
  /** Checks credentials against a registry (for `login`); throws REGISTRY_UNAUTHORIZED. */
  login(server: string, spec: LoginSpec): Promise<void>;
}
