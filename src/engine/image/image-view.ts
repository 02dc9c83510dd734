import { EngineError } from '../errors.js';
import { parseImageConfig, type ImageConfig } from './image-config.js';
import type { ImageDeps } from './image-deps.js';
import type { ImageRecord, StoredImage } from './image-store.js';
import { MAX_CONFIG_BYTES } from './manifest.js';

/** Finds an image by reference or id prefix, or throws IMAGE_NOT_FOUND naming it. */
export async function requireImage(deps: ImageDeps, refOrId: string): Promise<StoredImage> {
  const found = await deps.images.find(refOrId);
  if (!found) {
    throw new EngineError(
      'IMAGE_NOT_FOUND',
      `image ${refOrId} not found`,
      `pull it first: tscompose image pull ${refOrId}`,
    );
  }
  return found;
}

/** The stored config of an image. */
export async function readImageConfig(deps: ImageDeps, record: ImageRecord): Promise<ImageConfig> {
  const bytes = await deps.content.readBytes(record.config.digest, MAX_CONFIG_BYTES);
  return parseImageConfig(bytes, `config ${record.config.digest}`, record.layers.length);
}
