import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ProgressSink } from '../../common/progress.js';
import { discardProgress } from '../../common/progress.js';
import { EngineError } from '../errors.js';
import { mapBounded } from './bounded-parallel.js';
import { counting } from './byte-counter.js';
import { createDecompressor, hasZstd } from './decompress.js';
import { chainIds } from './digest.js';
import { parseImageConfig, type ImageConfig } from './image-config.js';
import type { ImageDeps } from './image-deps.js';
import type { ImageRecord, LayerRecord } from './image-store.js';
import { LayerProgress } from './layer-progress.js';
import { unpackLayer } from './layer-unpack.js';
import { MAX_CONFIG_BYTES, type Descriptor, type ImageManifest } from './manifest.js';
import { isForeignLayer, layerCompression } from './media-types.js';
import {
  formatPlatform,
  hostPlatform,
  normalizePlatform,
  platformRank,
  selectPlatform,
  type Platform,
} from './platform.js';
import {
  familiarReference,
  formatReference,
  parseReference,
  repositoryName,
  type ImageReference,
} from './reference.js';
import { inOperation } from './registry/registry-errors.js';
import type { FetchedManifest, RepositoryClient } from './registry/repository-client.js';
import { isTransientNetworkError, withRetry } from './registry/retry.js';
import { TeeStream } from './tee-stream.js';

export interface PullOptions {
  /** Platform to select from an index (default: this host's, linux/amd64 here). */
  readonly platform?: Platform;
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
  /** Unpack layers into snapshots while downloading (default true). */
  readonly unpack?: boolean;
}

export interface PullResult {
  readonly reference: string;
  /** Manifest digest of the selected platform's image. */
  readonly digest: string;
  /** Image id: the config digest. */
  readonly id: string;
  /** `repo@digest` of what the reference pointed at (the index digest for multi-platform images). */
  readonly repoDigest: string;
  /** `downloaded`: something new was fetched; `up to date`: the image was already complete. */
  readonly status: 'downloaded' | 'up to date';
  readonly record: ImageRecord;
}

/**
 * Pulls an image: resolve the reference, select the platform from an index, fetch and verify the
 * manifest and config, then the layers (3 at a time), each streamed once into both the content
 * store (compressed, digest-checked) and the unpacker (diffID-checked). Only then the reference
 * points at the image. Errors read `pull <ref>: <registry>: …`.
 */
export async function pullImage(deps: ImageDeps, refText: string, o: PullOptions = {}): Promise<PullResult> {
  const ref = parseReference(refText);
  try {
    return await pull(deps, ref, o);
  } catch (err) {
    throw inOperation(`pull ${familiarReference(ref)}`, err);
  }
}

async function pull(deps: ImageDeps, ref: ImageReference, o: PullOptions): Promise<PullResult> {
  const sink = o.progress ?? discardProgress;
  const imageId = `image:${familiarReference(ref)}`;
  const wanted = normalizePlatform(o.platform ?? hostPlatform());
  const explicitPlatform = o.platform !== undefined;
  sink.emit({ id: imageId, status: 'working', text: 'Pulling' });
  const repo = deps.registry.repository(ref, 'pull');
  const current = await upToDate(deps, repo, ref, wanted, o);
  if (current) {
    sink.emit({ id: imageId, status: 'done', text: 'Up to date' });
    return current;
  }
  const top = await repo.getManifest(ref.digest ?? ref.tag ?? 'latest', o.signal);
  const { manifest, fetched } = await resolvePlatformManifest(repo, top, wanted, o.signal);
  for (const m of new Set([top, fetched]))
    await deps.content.putBytes(m.bytes, m.digest, `manifest ${m.digest}`);
  const config = await fetchConfig(deps, repo, manifest.config, manifest.layers.length, o.signal);
  const configPlatform = normalizePlatform({
    os: config.os,
    architecture: config.architecture,
    ...(config.variant ? { variant: config.variant } : {}),
  });
  if (explicitPlatform && platformRank(wanted, configPlatform) === undefined) {
    throw new EngineError(
      'IMAGE_PLATFORM_NOT_FOUND',
      `${repo.host}: the image is ${formatPlatform(configPlatform)}, not the requested ${formatPlatform(wanted)}`,
    );
  }
  for (const layer of manifest.layers) {
    // Refuse before downloading what this Node cannot unpack.
    if (layerCompression(layer.mediaType) === 'zstd' && (o.unpack ?? true) && !hasZstd()) {
      createDecompressor('zstd', layer.mediaType, `${repo.host}: layer ${layer.digest}`);
    }
    if (layerCompression(layer.mediaType) === undefined && !isForeignLayer(layer.mediaType)) {
      throw new EngineError(
        'IMAGE_LAYER_UNSUPPORTED',
        `${repo.host}: layer ${layer.digest} has unknown media type ${layer.mediaType}`,
      );
    }
  }
  const diffIds = config.rootfs.diff_ids;
  const chains = chainIds(diffIds);
  let fetchedAnything = false;
  const unpack = o.unpack ?? true;
  const sizes = await mapBounded(
    manifest.layers,
    deps.maxConcurrentDownloads,
    async (layer, i, signal) => {
      const progress = new LayerProgress(sink, layer.digest, imageId, layer.size);
      const result = await ensureLayer(deps, repo, layer, {
        diffId: diffIds[i]!,
        chainId: chains[i]!,
        parent: i === 0 ? null : chains[i - 1]!,
        unpack,
        progress,
        signal,
      });
      if (result.fetched) fetchedAnything = true;
      return result.uncompressedSize;
    },
    o.signal,
  );
  const layers: LayerRecord[] = manifest.layers.map((l, i) => ({
    digest: l.digest,
    mediaType: l.mediaType,
    size: l.size,
    diffId: diffIds[i]!,
    chainId: chains[i]!,
    ...(sizes[i] !== undefined ? { uncompressedSize: sizes[i] } : {}),
  }));
  const repoDigest = `${repositoryName(ref)}@${top.digest}`;
  const record: ImageRecord = {
    digest: fetched.digest,
    mediaType: fetched.mediaType,
    size: fetched.bytes.length,
    config: manifest.config,
    layers,
    platform: configPlatform,
    ...(config.created ? { created: config.created } : {}),
    repoDigests: [repoDigest],
    sources: [repositoryName(ref)],
    lastUpdated: new Date().toISOString(),
  };
  const before = await deps.images.resolveRef(ref);
  await deps.images.put(record, [ref]);
  const status = fetchedAnything || before !== record.digest ? 'downloaded' : 'up to date';
  sink.emit({ id: imageId, status: 'done', text: status === 'downloaded' ? 'Pulled' : 'Up to date' });
  return {
    reference: formatReference(ref),
    digest: record.digest,
    id: record.config.digest,
    repoDigest,
    status,
    record,
  };
}

/**
 * A tag we already have, still pointing at the same digest (a HEAD, which Docker Hub does not
 * count as a pull), with every blob and snapshot present: nothing to fetch.
 */
async function upToDate(
  deps: ImageDeps,
  repo: RepositoryClient,
  ref: ImageReference,
  wanted: Platform,
  o: PullOptions,
): Promise<PullResult | undefined> {
  if (ref.digest !== undefined || ref.tag === undefined) return undefined;
  const localDigest = await deps.images.resolveRef(ref);
  const stored = localDigest ? await deps.images.get(localDigest) : undefined;
  if (!stored || platformRank(wanted, stored.record.platform) === undefined) return undefined;
  const head = await repo.headManifest(ref.tag, o.signal).catch(() => undefined);
  const repoDigest = head ? `${repositoryName(ref)}@${head.digest}` : undefined;
  if (!repoDigest || !stored.record.repoDigests.includes(repoDigest)) return undefined;
  const { record } = stored;
  for (const digest of [record.digest, record.config.digest, ...record.layers.map((l) => l.digest)]) {
    if (!(await deps.content.has(digest))) return undefined;
  }
  if (o.unpack ?? true) {
    for (const l of record.layers) if (!(await deps.snapshots.get(l.chainId))) return undefined;
  }
  return {
    reference: formatReference(ref),
    digest: record.digest,
    id: record.config.digest,
    repoDigest,
    status: 'up to date',
    record,
  };
}

/** Walks an index (nested at most twice) to the image manifest for `wanted`. */
async function resolvePlatformManifest(
  repo: RepositoryClient,
  top: FetchedManifest,
  wanted: Platform,
  signal?: AbortSignal,
): Promise<{ manifest: ImageManifest; fetched: FetchedManifest }> {
  let current = top;
  for (let depth = 0; depth < 3; depth++) {
    const parsed = current.parsed;
    if (parsed.kind === 'manifest') return { manifest: parsed.manifest, fetched: current };
    const choice = selectPlatform(parsed.index.manifests, wanted);
    if (!choice) {
      const offered = parsed.index.manifests
        .filter((m) => m.platform && !(m.platform.os === 'unknown' && m.platform.architecture === 'unknown'))
        .map((m) => formatPlatform(m.platform!));
      throw new EngineError(
        'IMAGE_PLATFORM_NOT_FOUND',
        `${repo.host}: no image for ${formatPlatform(wanted)} (the index offers ${offered.join(', ') || 'no platforms'})`,
        'choose one of those with --platform',
      );
    }
    const next = await repo.getManifest(choice.digest, signal);
    if (next.bytes.length !== choice.size) {
      throw new EngineError(
        'BLOB_SIZE_MISMATCH',
        `${repo.host}: manifest ${choice.digest} is ${next.bytes.length} bytes, the index says ${choice.size}`,
      );
    }
    current = next;
  }
  throw new EngineError('IMAGE_MANIFEST_INVALID', `${repo.host}: indexes nested too deeply`);
}

async function fetchConfig(
  deps: ImageDeps,
  repo: RepositoryClient,
  desc: Descriptor,
  layerCount: number,
  signal?: AbortSignal,
): Promise<ImageConfig> {
  if (desc.size > MAX_CONFIG_BYTES) {
    throw new EngineError(
      'BLOB_TOO_LARGE',
      `${repo.host}: config ${desc.digest} is ${desc.size} bytes, more than the limit of ${MAX_CONFIG_BYTES}`,
    );
  }
  if (!(await deps.content.has(desc.digest))) {
    await withRetry(
      async () =>
        deps.content.ingest(
          await repo.openBlob(desc, signal),
          { digest: desc.digest, size: desc.size },
          `config ${desc.digest}`,
          signal,
        ),
      { policy: deps.registry.retryPolicy, signal, isRetryable: isTransientNetworkError },
    );
  }
  const bytes = await deps.content.readBytes(desc.digest, MAX_CONFIG_BYTES);
  return parseImageConfig(bytes, `config ${desc.digest}`, layerCount);
}

interface EnsureLayerSpec {
  readonly diffId: string;
  readonly chainId: string;
  readonly parent: string | null;
  readonly unpack: boolean;
  readonly progress: LayerProgress;
  readonly signal: AbortSignal;
}

/**
 * Gets one layer into the stores. Already there → nothing. Blob stored but not unpacked → unpack
 * from disk. Otherwise download once, teeing into the content store and (if the snapshot is
 * missing) the unpacker; the snapshot is committed only after the blob's digest checked out. A
 * dropped connection restarts the layer (with backoff); corrupt content does not retry.
 */
async function ensureLayer(
  deps: ImageDeps,
  repo: RepositoryClient,
  layer: Descriptor,
  spec: EnsureLayerSpec,
): Promise<{ fetched: boolean; uncompressedSize?: number }> {
  const { progress } = spec;
  const snapshot = spec.unpack ? await deps.snapshots.get(spec.chainId) : undefined;
  const hasBlob = await deps.content.has(layer.digest);
  const what = `layer ${layer.digest}`;
  if (hasBlob && (snapshot || !spec.unpack)) {
    progress.status('done', 'Already exists');
    return { fetched: false, ...(snapshot ? { uncompressedSize: snapshot.size } : {}) };
  }
  const unpackSpec = (source: Readable, beforeCommit?: () => Promise<unknown>) =>
    unpackLayer(
      {
        source,
        mediaType: layer.mediaType,
        chainId: spec.chainId,
        parent: spec.parent,
        diffId: spec.diffId,
        what,
        signal: spec.signal,
        beforeCommit,
      },
      deps.snapshots,
      deps.runtime,
    );
  if (hasBlob) {
    progress.status('working', 'Extracting', 0);
    const snap = await unpackSpec(
      counting(await deps.content.openRead(layer.digest), (n) => progress.bytes('Extracting', n)),
    );
    progress.status('done', 'Pull complete', layer.size);
    return { fetched: false, uncompressedSize: snap.size };
  }
  progress.status('waiting', 'Waiting');
  const size = await withRetry(
    async (attempt) => {
      if (attempt > 1) progress.status('working', `Retrying (attempt ${attempt})`, 0);
      const body = counting(await repo.openBlob(layer, spec.signal), (n) => progress.bytes('Downloading', n));
      progress.status('working', 'Downloading', 0);
      const writer = deps.content.writer(
        { digest: layer.digest, size: layer.size },
        `${repo.host}: ${what} of ${repo.name}`,
      );
      try {
        if (!spec.unpack || snapshot) {
          await pipeline(body, writer, { signal: spec.signal });
          await writer.commit();
          return snapshot?.size;
        }
        // Main path: download → content store. Side: the unpacker. The download always runs to
        // its end, so when unpacking fails the blob's own digest check says whether the
        // registry sent corrupt bytes (the story) or the layer is bad in another way.
        const unpackInput = new PassThrough({ highWaterMark: 1 << 20 });
        let mainError: unknown;
        const main = pipeline(body, new TeeStream(unpackInput), writer, { signal: spec.signal }).then(
          () => undefined,
          (err: unknown) => void (mainError = err),
        );
        const blobChecked = async (): Promise<void> => {
          await main;
          if (mainError !== undefined) throw mainError;
          await writer.commit();
        };
        let snap;
        try {
          snap = await unpackSpec(unpackInput, blobChecked);
        } catch (err) {
          await blobChecked();
          throw err;
        }
        return snap.size;
      } catch (err) {
        await writer.abort();
        throw err;
      }
    },
    {
      policy: deps.registry.retryPolicy,
      signal: spec.signal,
      isRetryable: (err) => !(err instanceof EngineError) && isTransientNetworkError(err),
    },
  );
  progress.status('done', 'Pull complete', layer.size);
  return { fetched: true, ...(size !== undefined ? { uncompressedSize: size } : {}) };
}
