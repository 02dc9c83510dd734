/**
 * The image subsystem: references, the registry client, the content, image and snapshot stores,
 * pull/push, archives. Other layers use it through `Engine.images` (`ImageService` in
 * `../types.ts`); these exports are for the engine facade, tests and benchmarks.
 */
export { LocalContentStore, BlobWriter, type ExpectedBlob } from './content-store.js';
export { LocalImageStore, type ImageRecord, type LayerRecord, type StoredImage } from './image-store.js';
export { LocalSnapshotStore } from './snapshot-store.js';
export { LocalImageService } from './image-service.js';
export type { ImageDeps } from './image-deps.js';
export { MediaType, MANIFEST_ACCEPT } from './media-types.js';
export {
  parseManifest,
  MAX_MANIFEST_BYTES,
  MAX_CONFIG_BYTES,
  type Descriptor,
  type ImageManifest,
  type ImageIndex,
} from './manifest.js';
export { parseImageConfig, type ImageConfig, type ContainerConfig } from './image-config.js';
export { chainIds, sha256Digest, shortDigest } from './digest.js';
export {
  parseReference,
  formatReference,
  familiarReference,
  familiarRepository,
  repositoryName,
  type ImageReference,
} from './reference.js';
export {
  parsePlatform,
  formatPlatform,
  hostPlatform,
  normalizePlatform,
  selectPlatform,
} from './platform.js';
export { RegistryClient, type RegistryClientOptions } from './registry/registry-client.js';
export {
  DockerConfigCredentials,
  noCredentials,
  type CredentialStore,
  type RegistryCredentials,
} from './registry/credentials.js';
