import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { loadEngineConfig, type EngineConfig } from './engine-config.js';
import { LocalContentStore } from './image/content-store.js';
import type { ImageDeps } from './image/image-deps.js';
import { LocalImageService } from './image/image-service.js';
import { LocalImageStore } from './image/image-store.js';
import { noCredentials, type CredentialStore } from './image/registry/credentials.js';
import { RegistryClient } from './image/registry/registry-client.js';
import type { RetryPolicy } from './image/registry/retry.js';
import { LocalSnapshotStore } from './image/snapshot-store.js';
import { findNativeBinary } from './native-binary.js';
import { Runtime } from './runtime.js';
import { EngineLock, type LockHolder } from './store/engine-lock.js';
import { enginePaths, type EnginePaths } from './store/engine-paths.js';
import { ensureEngineRoot } from './store/engine-root.js';
import { RwLock } from './store/rw-lock.js';
import type { ContentStore, ImageService, ImageUsageProvider, SnapshotStore } from './types.js';
// Containers, volumes and networks (container engine section below).
import { ContainerService, type ContainerHooks } from './container/container-service.js';
import { ContainerStore } from './container/container-store.js';
import { NetworkManager } from './network/index.js';
import { VolumeService } from './volume/volume-service.js';

/** Everything the engine needs from outside; the CLI builds it (`src/cli/engine-factory.ts`). */
export interface EngineOptions {
  /** Engine root (BLUEPRINT §4); created 0700 if missing. */
  readonly root: string;
  /** Runtime state directory (default `/run/tscompose` for the default root, else `<root>/run`). */
  readonly runDir?: string;
  /** `tscompose-native` to use instead of the one built in this package. */
  readonly nativeBinary?: string;
  readonly logger?: Logger;
  /** Registry credentials (the CLI passes Docker's config.json). */
  readonly credentials?: CredentialStore;
  /** Overrides `<root>/engine.json`. */
  readonly config?: EngineConfig;
  /** Registry client tuning (tests shorten retries; benchmarks change chunking). */
  readonly registry?: {
    readonly retry?: RetryPolicy;
    readonly idleTimeoutMs?: number;
    readonly chunkThresholdBytes?: number;
    readonly chunkSizeBytes?: number;
  };
  /** Told once when an operation waits for another process holding the engine lock. */
  readonly onLockWait?: (holder: LockHolder | undefined) => void;
}

/**
 * The engine facade: one per engine root and process. Subsystems hang off it (`images` now;
 * containers, networks and volumes join later), sharing the stores, the native runtime, the
 * registry client and the engine lock. `close()` releases pooled connections.
 */
export class Engine {
  readonly images: ImageService;
  private readonly usage: ImageUsageProvider[] = [];

  private constructor(
    readonly paths: EnginePaths,
    readonly config: EngineConfig,
    readonly content: ContentStore & LocalContentStore,
    readonly snapshots: SnapshotStore & LocalSnapshotStore,
    readonly runtime: Runtime,
    readonly lock: EngineLock,
    readonly registry: RegistryClient,
    readonly logger: Logger,
    readonly imageStore: LocalImageStore,
  ) {
    const deps: ImageDeps = {
      content,
      snapshots,
      images: imageStore,
      runtime,
      registry,
      logger: logger.child('image'),
      maxConcurrentDownloads: config.maxConcurrentDownloads ?? 3,
      maxConcurrentUploads: config.maxConcurrentUploads ?? 5,
      usage: this.usage,
    };
    this.images = new LocalImageService(deps, lock, new RwLock());
    // Containers (see the section below): prune and rm keep what containers use.
    this.containerStore = new ContainerStore(paths);
    this.usage.push(this.containerStore);
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const paths = enginePaths(options.root, options.runDir);
    await ensureEngineRoot(paths);
    const config = options.config ?? (await loadEngineConfig(paths.configFile));
    const logger = options.logger ?? silentLogger;
    const content = new LocalContentStore(paths.blobs, paths.ingest);
    await content.init();
    const snapshots = new LocalSnapshotStore(paths.snapshots);
    await snapshots.init();
    const runtime = new Runtime({
      binary: options.nativeBinary ?? (() => findNativeBinary()),
      logger: logger.child('runtime'),
    });
    const registry = new RegistryClient({
      credentials: options.credentials ?? noCredentials,
      config,
      logger: logger.child('registry'),
      ...options.registry,
    });
    const lock = new EngineLock(paths.root, { onWait: options.onLockWait });
    return new Engine(
      paths,
      config,
      content,
      snapshots,
      runtime,
      lock,
      registry,
      logger,
      new LocalImageStore(paths.images),
    );
  }

  /** Registers what containers use (prune keeps it; rm refuses it without force). */
  addUsageProvider(provider: ImageUsageProvider): void {
    this.usage.push(provider);
  }

  // ─── Containers, volumes and networks (src/engine/container, src/engine/volume, src/engine/network)
  // Added by the container engine. Each part is opened on first use, sharing this engine's lock,
  // runtime and stores; the container store is registered as an image usage provider above.

  private containerStore: ContainerStore;
  private containerService?: ContainerService;
  private volumeService?: VolumeService;
  private networkManager?: Promise<NetworkManager>;
  private containerHooks: ContainerHooks = {};

  /** Warnings and (tests) failpoints for containers and networks; call before their first use. */
  configureContainers(hooks: ContainerHooks): void {
    this.containerHooks = hooks;
  }

  /** This root's networks: bridges, the containers' netns and endpoints, published ports, DNS. */
  networks(): Promise<NetworkManager> {
    this.networkManager ??= NetworkManager.open({
      paths: this.paths,
      lock: this.lock,
      runtime: this.runtime,
      logger: this.logger,
      ...(this.containerHooks.onWarning ? { onWarning: this.containerHooks.onWarning } : {}),
      ...(this.containerHooks.onStep ? { onStep: this.containerHooks.onStep } : {}),
    });
    return this.networkManager;
  }

  /** Named volumes (`<root>/volumes/<name>/_data`). */
  get volumes(): VolumeService {
    this.volumeService ??= new VolumeService({
      dir: this.paths.volumes,
      lock: this.lock,
      usage: () => this.containers.volumeUsage(),
    });
    return this.volumeService;
  }

  /** Containers: create, start, stop, rm, logs, exec, … (see ContainerService). */
  get containers(): ContainerService {
    this.containerService ??= new ContainerService({
      paths: this.paths,
      lock: this.lock,
      runtime: this.runtime,
      images: this.images,
      snapshots: this.snapshots,
      content: this.content,
      imageStore: this.imageStore,
      volumes: this.volumes,
      store: this.containerStore,
      networks: () => this.networks(),
      logger: this.logger,
      ...this.containerHooks,
    });
    return this.containerService;
  }

  /** Releases pooled registry connections; the engine is not used afterwards. */
  close(): void {
    this.registry.close();
  }
}

export type * from './types.js';
export { EngineError } from './errors.js';
export { RuntimeError } from './runtime.js';
export type { EngineConfig, RegistryConfig } from './engine-config.js';
export type { EnginePaths } from './store/engine-paths.js';
export { DEFAULT_ENGINE_ROOT } from './store/engine-paths.js';
export type { LockHolder } from './store/engine-lock.js';
export {
  DockerConfigCredentials,
  authKeyFor,
  authKeyHost,
  type CredentialStore,
  type RegistryCredentials,
} from './image/registry/credentials.js';
export {
  parseReference,
  formatReference,
  familiarReference,
  familiarRepository,
  type ImageReference,
} from './image/reference.js';
export { parsePlatform, formatPlatform, hostPlatform } from './image/platform.js';
export { shortDigest } from './image/digest.js';
// Containers, volumes and networks.
export { ContainerService, type ContainerHooks } from './container/container-service.js';
export type * from './container/types.js';
export { VolumeService } from './volume/volume-service.js';
export type { VolumeInfo, VolumeSpec } from './volume/types.js';
export { NetworkManager } from './network/index.js';
