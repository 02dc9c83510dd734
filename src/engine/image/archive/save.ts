import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { EngineError } from '../../errors.js';
import { createDecompressor, sniffCompression } from '../decompress.js';
import { digestHex, sha256Digest } from '../digest.js';
import { DigestStream } from '../digest-stream.js';
import type { ImageDeps } from '../image-deps.js';
import type { ImageRecord, LayerRecord } from '../image-store.js';
import { requireImage } from '../image-view.js';
import { MediaType } from '../media-types.js';
import { familiarReference, formatReference, parseReference, type ImageReference } from '../reference.js';
import type { LayoutSink } from './layout-sink.js';

export type ArchiveFormat = 'docker' | 'oci';

export interface SaveOptions {
  /** `docker` (default): what `docker save` writes; `oci`: an OCI image layout with the stored blobs. */
  readonly format?: ArchiveFormat;
  readonly signal?: AbortSignal;
}

interface Selected {
  readonly record: ImageRecord;
  readonly refs: ImageReference[];
}

const OCI_LAYOUT = Buffer.from(`${JSON.stringify({ imageLayoutVersion: '1.0.0' })}`);

/** Resolves the arguments to images; a reference names the image with that tag, an id names it untagged. */
async function select(deps: ImageDeps, args: readonly string[]): Promise<Selected[]> {
  const byDigest = new Map<string, Selected>();
  for (const arg of args) {
    const found = await requireImage(deps, arg);
    let ref: ImageReference | undefined;
    try {
      ref = parseReference(arg);
    } catch {
      ref = undefined;
    }
    const entry = byDigest.get(found.record.digest) ?? { record: found.record, refs: [] };
    if (
      ref &&
      found.refs.includes(formatReference(ref)) &&
      ref.tag !== undefined &&
      ref.digest === undefined
    ) {
      if (!entry.refs.some((r) => formatReference(r) === formatReference(ref!))) entry.refs.push(ref);
    }
    byDigest.set(found.record.digest, entry);
  }
  return [...byDigest.values()];
}

/**
 * Writes images as an archive. `docker`: Docker's current `save` layout — an OCI image layout
 * whose layers are uncompressed tars named by diffID, plus `manifest.json`
 * (`[{Config, RepoTags, Layers}]`) that `docker load` and `skopeo copy docker-archive:` read.
 * `oci`: an OCI image layout holding the stored manifest, config and (compressed) layers byte for
 * byte, so digests are kept; `index.json` names each image (`io.containerd.image.name` and the tag
 * as `org.opencontainers.image.ref.name`).
 */
export async function saveImages(
  deps: ImageDeps,
  args: readonly string[],
  sink: LayoutSink,
  o: SaveOptions = {},
): Promise<void> {
  if (args.length === 0) throw new EngineError('IMAGE_REFERENCE_INVALID', 'save: name at least one image');
  const selected = await select(deps, args);
  await sink.directory('blobs');
  await sink.directory('blobs/sha256');
  if ((o.format ?? 'docker') === 'oci') await saveOci(deps, selected, sink, o.signal);
  else await saveDocker(deps, selected, sink, o.signal);
  await sink.finish();
}

async function writeBlobFromStore(
  deps: ImageDeps,
  sink: LayoutSink,
  digest: string,
  written: Set<string>,
): Promise<void> {
  if (written.has(digest)) return;
  const info = await deps.content.info(digest);
  if (!info)
    throw new EngineError(
      'BLOB_NOT_FOUND',
      `blob ${digest} is not in the content store`,
      'pull the image again',
    );
  await sink.file(`blobs/sha256/${digestHex(digest)}`, await deps.content.openRead(digest), info.size);
  written.add(digest);
}

function annotations(ref: ImageReference): Record<string, string> {
  return {
    'io.containerd.image.name': formatReference(ref),
    'org.opencontainers.image.ref.name': ref.tag ?? 'latest',
  };
}

async function saveOci(
  deps: ImageDeps,
  selected: Selected[],
  sink: LayoutSink,
  signal?: AbortSignal,
): Promise<void> {
  const written = new Set<string>();
  const manifests: object[] = [];
  for (const { record, refs } of selected) {
    signal?.throwIfAborted();
    await writeBlobFromStore(deps, sink, record.config.digest, written);
    for (const layer of record.layers) await writeBlobFromStore(deps, sink, layer.digest, written);
    await writeBlobFromStore(deps, sink, record.digest, written);
    const desc = {
      mediaType: record.mediaType,
      digest: record.digest,
      size: record.size,
      platform: record.platform,
    };
    if (refs.length === 0) manifests.push(desc);
    for (const ref of refs) manifests.push({ ...desc, annotations: annotations(ref) });
  }
  const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests };
  await sink.file('index.json', Buffer.from(JSON.stringify(index)));
  await sink.file('oci-layout', OCI_LAYOUT);
}

/** Streams a layer uncompressed (`size` bytes), checking it against its diffID on the way. */
async function writeUncompressedLayer(
  deps: ImageDeps,
  sink: LayoutSink,
  layer: LayerRecord,
  size: number,
): Promise<void> {
  const { compression, stream: source } = await sniffCompression(await deps.content.openRead(layer.digest));
  const hasher = new DigestStream();
  const decompress = createDecompressor(compression, layer.mediaType, `layer ${layer.digest}`);
  source.on('error', (err) => decompress.destroy(err));
  decompress.on('error', (err) => hasher.destroy(err));
  const stream = source.pipe(decompress).pipe(hasher);
  await sink.file(`blobs/sha256/${digestHex(layer.diffId)}`, stream, size);
  if (hasher.digest() !== layer.diffId) {
    throw new EngineError(
      'LAYER_DIFFID_MISMATCH',
      `layer ${layer.digest}: uncompressed content does not match its diffID ${layer.diffId}`,
    );
  }
}

async function saveDocker(
  deps: ImageDeps,
  selected: Selected[],
  sink: LayoutSink,
  signal?: AbortSignal,
): Promise<void> {
  const written = new Set<string>();
  const index: object[] = [];
  const manifestJson: object[] = [];
  for (const { record, refs } of selected) {
    signal?.throwIfAborted();
    await writeBlobFromStore(deps, sink, record.config.digest, written);
    const sizes: number[] = [];
    for (const layer of record.layers) {
      // Tar headers need the size first: known once unpacked, else one counting pass.
      const size = layer.uncompressedSize ?? (await uncompressedSizeOf(deps, layer, signal));
      sizes.push(size);
      if (!written.has(layer.diffId)) {
        await writeUncompressedLayer(deps, sink, layer, size);
        written.add(layer.diffId);
      }
    }
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: record.config.digest, size: record.config.size },
      layers: record.layers.map((l, i) => ({
        mediaType: MediaType.ociLayer,
        digest: l.diffId,
        size: sizes[i]!,
      })),
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = sha256Digest(bytes);
    if (!written.has(digest)) {
      await sink.file(`blobs/sha256/${digestHex(digest)}`, bytes);
      written.add(digest);
    }
    const desc = { mediaType: MediaType.ociManifest, digest, size: bytes.length };
    if (refs.length === 0) index.push(desc);
    for (const ref of refs) index.push({ ...desc, annotations: annotations(ref) });
    manifestJson.push({
      Config: `blobs/sha256/${digestHex(record.config.digest)}`,
      RepoTags: refs.length > 0 ? refs.map(familiarReference) : null,
      Layers: record.layers.map((l) => `blobs/sha256/${digestHex(l.diffId)}`),
    });
  }
  await sink.file(
    'index.json',
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index })),
  );
  await sink.file('manifest.json', Buffer.from(JSON.stringify(manifestJson)));
  await sink.file('oci-layout', OCI_LAYOUT);
}

async function uncompressedSizeOf(
  deps: ImageDeps,
  layer: LayerRecord,
  signal?: AbortSignal,
): Promise<number> {
  const { compression, stream: probe } = await sniffCompression(await deps.content.openRead(layer.digest));
  const counter = new DigestStream();
  await pipeline(
    probe,
    createDecompressor(compression, layer.mediaType, `layer ${layer.digest}`),
    counter,
    new Writable({ write: (_c, _e, cb) => cb() }),
    {
      signal,
    },
  );
  return counter.bytes;
}
