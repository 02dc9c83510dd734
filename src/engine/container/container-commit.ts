import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { EngineError } from '../errors.js';
import { sha256Digest } from '../image/digest.js';
import { DigestStream } from '../image/digest-stream.js';
import { applyChanges } from '../image/dockerfile-change.js';
import type { ContainerConfig, ImageConfig } from '../image/image-config.js';
import { parseImageConfig } from '../image/image-config.js';
import type { ImageRecord, LayerRecord } from '../image/image-store.js';
import { MAX_CONFIG_BYTES } from '../image/manifest.js';
import { MediaType } from '../image/media-types.js';
import { parseReference } from '../image/reference.js';
import type { ImageInfo } from '../types.js';
import type { ContainerContext } from './container-context.js';
import { currentRunState } from './container-lifecycle.js';
import type { ContainerRecord } from './container-record.js';
import { opaqueDirectories } from './overlay-opaque.js';
import { writeTreeTar } from './tree-tar.js';

export interface CommitSpec {
  /** `repo[:tag]` for the new image; none = untagged. */
  readonly reference?: string;
  readonly message?: string;
  readonly author?: string;
  /** Dockerfile instructions applied to the config (`--change 'CMD ["x"]'`). */
  readonly changes?: readonly string[];
  /** Freeze the container while its layer is read (default true, as Docker). */
  readonly pause?: boolean;
  readonly signal?: AbortSignal;
}

/** The container's configuration as an image config (Docker's commit keeps the container's Config). */
function containerConfigOf(r: ContainerRecord, base: ContainerConfig | undefined): ContainerConfig {
  const cfg = r.config!;
  const env = cfg.env.filter((e) => !e.startsWith('HOSTNAME='));
  return {
    ...base,
    ...(cfg.user !== undefined ? { User: cfg.user } : {}),
    Env: env,
    Entrypoint: cfg.entrypoint.length > 0 ? [...cfg.entrypoint] : null,
    Cmd: cfg.cmd.length > 0 ? [...cfg.cmd] : null,
    WorkingDir: cfg.cwd === '/' ? (base?.WorkingDir ?? '') : cfg.cwd,
    ...(cfg.exposedPorts.length > 0
      ? { ExposedPorts: Object.fromEntries(cfg.exposedPorts.map((p) => [p, {}])) }
      : {}),
    ...(Object.keys(cfg.labels).length > 0 ? { Labels: { ...cfg.labels } } : {}),
    ...(cfg.stopSignal !== 'SIGTERM' ? { StopSignal: cfg.stopSignal } : {}),
  };
}

/**
 * `commit`: the container's writable layer (the overlay's upper directory) as a new image layer
 * on top of its image. Overlay whiteouts (character devices 0:0) become `.wh.<name>` entries and
 * opaque directories `.wh..wh..opq` (image-spec layer.md); the tar is hashed (its diffID) and
 * stored gzip-compressed; the config is the container's, with `changes` applied.
 */
export async function commitContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  spec: CommitSpec = {},
): Promise<ImageInfo> {
  if (!r.config)
    throw new EngineError('CONTAINER_STATE_INVALID', `container ${r.name} was not fully created`);
  const stored = await ctx.imageStore.get(r.image.digest);
  if (!stored) {
    throw new EngineError(
      'IMAGE_NOT_FOUND',
      `container ${r.name}: its image ${r.image.reference} (${r.image.id}) is no longer in the store`,
    );
  }
  const ref = spec.reference !== undefined ? parseReference(spec.reference) : undefined;
  if (ref?.digest !== undefined)
    throw new EngineError(
      'IMAGE_REFERENCE_INVALID',
      `commit: "${spec.reference}": name the image with a tag, not a digest`,
    );
  const p = ctx.store.pathsOf(r.id);
  const run = await currentRunState(ctx, r);
  const freeze = (spec.pause ?? true) && run.state === 'running';
  if (freeze) await ctx.runtime.runtimeVerb(ctx.runtimeRoot, ['pause', r.id], { signal: spec.signal });
  let diffId: string;
  let layerSize: number;
  let uncompressed: number;
  try {
    const opaque = await opaqueDirectories(p.upper, spec.signal);
    const tar = new PassThrough();
    const hasher = new DigestStream();
    const writer = ctx.content.writer({}, `layer of container ${r.name}`);
    const piping = pipeline(
      tar,
      hasher,
      createGzip({ level: 6 }),
      writer,
      spec.signal ? { signal: spec.signal } : {},
    );
    try {
      await writeTreeTar(tar, p.upper, {
        name: '',
        whiteouts: { opaqueDirs: opaque },
        ...(spec.signal ? { signal: spec.signal } : {}),
      });
      tar.end();
      await piping;
    } catch (err) {
      tar.destroy();
      await piping.catch(() => undefined);
      await writer.abort();
      throw err;
    }
    const blob = await writer.commit();
    diffId = hasher.digest();
    layerSize = blob.size;
    uncompressed = hasher.bytes;
    const base = parseImageConfig(
      await ctx.content.readBytes(stored.record.config.digest, MAX_CONFIG_BYTES),
      `config ${stored.record.config.digest}`,
    );
    const created = new Date().toISOString();
    const container = applyChanges(containerConfigOf(r, base.config), spec.changes ?? []);
    const config: ImageConfig = {
      ...base,
      created,
      ...(spec.author ? { author: spec.author } : {}),
      config: container,
      rootfs: { type: 'layers', diff_ids: [...base.rootfs.diff_ids, diffId] },
      history: [
        ...(base.history ?? []),
        {
          created,
          created_by: `tscompose container commit ${r.name}`,
          ...(spec.author ? { author: spec.author } : {}),
          ...(spec.message ? { comment: spec.message } : {}),
        },
      ],
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const configInfo = await ctx.content.putBytes(configBytes, undefined, 'committed config');
    const parentChain = stored.record.layers[stored.record.layers.length - 1]?.chainId;
    const layer: LayerRecord = {
      digest: blob.digest,
      mediaType: MediaType.ociLayerGzip,
      size: layerSize,
      diffId,
      chainId: parentChain ? sha256Digest(`${parentChain} ${diffId}`) : diffId,
      uncompressedSize: uncompressed,
    };
    const layers = [...stored.record.layers, layer];
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configInfo.digest, size: configInfo.size },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const manifestInfo = await ctx.content.putBytes(manifestBytes, undefined, 'committed manifest');
    const record: ImageRecord = {
      digest: manifestInfo.digest,
      mediaType: MediaType.ociManifest,
      size: manifestInfo.size,
      config: manifest.config,
      layers,
      platform: stored.record.platform,
      created,
      repoDigests: [],
      sources: [],
      lastUpdated: created,
    };
    await ctx.imageStore.put(record, ref ? [ref] : []);
    return await ctx.images.inspect(configInfo.digest);
  } finally {
    if (freeze) await ctx.runtime.runtimeVerb(ctx.runtimeRoot, ['resume', r.id]).catch(() => undefined);
  }
}
