import type { Logger } from '../../common/logger.js';
import type { ImageUsageProvider } from '../types.js';
import type { Runtime } from '../runtime.js';
import type { LocalContentStore } from './content-store.js';
import type { LocalImageStore } from './image-store.js';
import type { RegistryClient } from './registry/registry-client.js';
import type { LocalSnapshotStore } from './snapshot-store.js';

/** The parts every image operation works with; built once by the engine facade. */
export interface ImageDeps {
  readonly content: LocalContentStore;
  readonly snapshots: LocalSnapshotStore;
  readonly images: LocalImageStore;
  readonly runtime: Runtime;
  readonly registry: RegistryClient;
  readonly logger: Logger;
  readonly maxConcurrentDownloads: number;
  readonly maxConcurrentUploads: number;
  readonly usage: readonly ImageUsageProvider[];
}

export type { ImageUsageProvider };
