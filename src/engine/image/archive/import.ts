import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { EngineError } from '../../errors.js';
import { createDecompressor, sniffCompression } from '../decompress.js';
import { DigestStream } from '../digest-stream.js';
import { applyChanges } from '../dockerfile-change.js';
import type { ContainerConfig, ImageConfig } from '../image-config.js';
import type { ImageDeps } from '../image-deps.js';
import type { ImageRecord } from '../image-store.js';
import { MediaType } from '../media-types.js';
import { hostPlatform, type Platform } from '../platform.js';
import { formatReference, parseReference } from '../reference.js';

export interface ImportOptions {
  /** `--change` lines in Dockerfile syntax. */
  readonly changes?: readonly string[];
  /** `-m`: the history comment. */
  readonly message?: string;
  /** Name for the new image (`repo[:tag]`); none = untagged. */
  readonly reference?: string;
  /** Default: this host's platform. */
  readonly platform?: Platform;
  /** What the input was (`-`, a file name), for the history entry. */
  readonly source?: string;
  readonly signal?: AbortSignal;
}

/** The environment Docker gives imported images that set none. */
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Makes a one-layer image from a root filesystem tarball (plain, gzip or zstd): the tar is hashed
 * (its diffID) and stored gzip-compressed as the layer; the config gets `--change` applied and one
 * history entry; an OCI manifest ties them. Returns the stored record (snapshots are made by the
 * caller).
 */
export async function importRootfs(
  deps: ImageDeps,
  input: Readable,
  o: ImportOptions = {},
): Promise<{ record: ImageRecord; refs: string[] }> {
  const ref = o.reference !== undefined ? parseReference(o.reference) : undefined;
  if (ref?.digest !== undefined)
    throw new EngineError(
      'IMAGE_REFERENCE_INVALID',
      `import: "${o.reference}": name the image with a tag, not a digest`,
    );
  const container: ContainerConfig = applyChanges({ Env: [DEFAULT_PATH] }, o.changes ?? []);
  const { compression, stream } = await sniffCompression(input);
  const hasher = new DigestStream();
  const writer = deps.content.writer({}, 'imported layer');
  try {
    await pipeline(
      stream,
      createDecompressor(compression, 'import', 'import'),
      hasher,
      createGzip({ level: 6 }),
      writer,
      { signal: o.signal },
    );
  } catch (err) {
    await writer.abort();
    if (err instanceof EngineError) throw err;
    throw new EngineError(
      'IMAGE_IMPORT_FAILED',
      `import: reading the tarball failed: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
  const layer = await writer.commit();
  const diffId = hasher.digest();
  const platform = o.platform ?? hostPlatform();
  const created = new Date().toISOString();
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: container,
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [
      {
        created,
        created_by: `tscompose image import ${o.source ?? '-'}`,
        comment: o.message ?? `Imported from ${o.source ?? '-'}`,
      },
    ],
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configInfo = await deps.content.putBytes(configBytes, undefined, 'imported config');
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: configInfo.digest, size: configInfo.size },
    layers: [{ mediaType: MediaType.ociLayerGzip, digest: layer.digest, size: layer.size }],
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestInfo = await deps.content.putBytes(manifestBytes, undefined, 'imported manifest');
  const record: ImageRecord = {
    digest: manifestInfo.digest,
    mediaType: MediaType.ociManifest,
    size: manifestInfo.size,
    config: manifest.config,
    layers: [
      {
        digest: layer.digest,
        mediaType: MediaType.ociLayerGzip,
        size: layer.size,
        diffId,
        chainId: diffId,
        uncompressedSize: hasher.bytes,
      },
    ],
    platform,
    created,
    repoDigests: [],
    sources: [],
    lastUpdated: created,
  };
  await deps.images.put(record, ref ? [ref] : []);
  return { record, refs: ref ? [formatReference(ref)] : [] };
}
