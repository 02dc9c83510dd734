import type { ProgressSink } from '../../common/progress.js';
import { discardProgress } from '../../common/progress.js';
import { EngineError } from '../errors.js';
import { mapBounded } from './bounded-parallel.js';
import type { ImageDeps } from './image-deps.js';
import { LayerProgress } from './layer-progress.js';
import { MAX_MANIFEST_BYTES, type Descriptor } from './manifest.js';
import { isForeignLayer } from './media-types.js';
import { familiarReference, formatReference, parseReference, repositoryName } from './reference.js';
import { inOperation } from './registry/registry-errors.js';

export interface PushOptions {
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
}

export interface PushResult {
  readonly reference: string;
  /** The manifest digest the registry confirmed. */
  readonly digest: string;
  readonly size: number;
}

/**
 * Pushes a stored image to the registry its reference names: blobs first (config and layers,
 * 5 at a time; each skipped when present, mounted from another repository of the same registry
 * when the image came from one, else uploaded), the manifest last (its exact stored bytes, so the
 * digest is unchanged), under the reference's tag. Errors read `push <ref>: <registry>: …`.
 */
export async function pushImage(deps: ImageDeps, refText: string, o: PushOptions = {}): Promise<PushResult> {
  const ref = parseReference(refText);
  const name = familiarReference(ref);
  try {
    const stored = await deps.images.find(formatReference(ref));
    if (!stored || !stored.refs.includes(formatReference(ref))) {
      throw new EngineError(
        'IMAGE_NOT_FOUND',
        `no local image named ${name}`,
        `tag an image with that name first: tscompose image tag IMAGE ${name}`,
      );
    }
    const { record } = stored;
    const sink = o.progress ?? discardProgress;
    const imageId = `image:${name}`;
    sink.emit({ id: imageId, status: 'working', text: 'Pushing' });
    const repo = deps.registry.repository(ref, 'push');
    const target = repositoryName(ref);
    // Mount candidates: repositories of the same registry the blobs are known to be in.
    const mountFrom = record.sources
      .filter((s) => s.startsWith(`${ref.domain}/`) && s !== target)
      .map((s) => s.slice(ref.domain.length + 1));
    const blobs: Descriptor[] = [record.config, ...record.layers];
    await mapBounded(
      blobs,
      deps.maxConcurrentUploads,
      async (desc, _i, signal) => {
        const progress = new LayerProgress(sink, desc.digest, imageId, desc.size);
        if (isForeignLayer(desc.mediaType)) {
          progress.status('done', 'Skipped foreign layer');
          return;
        }
        if (!(await deps.content.has(desc.digest))) {
          throw new EngineError(
            'BLOB_NOT_FOUND',
            `blob ${desc.digest} of ${name} is not in the content store`,
            `pull ${name} again`,
          );
        }
        progress.status('working', 'Preparing');
        const how = await repo.pushBlob(
          desc,
          (start, end) => deps.content.openRead(desc.digest, start, end),
          {
            mountFrom,
            signal,
            onBytes: (n) => progress.bytes('Pushing', n),
          },
        );
        progress.status(
          'done',
          how === 'exists' ? 'Layer already exists' : how === 'mounted' ? 'Mounted' : 'Pushed',
          desc.size,
        );
      },
      o.signal,
    );
    const bytes = await deps.content.readBytes(record.digest, MAX_MANIFEST_BYTES);
    const digest = await repo.putManifest(
      ref.digest ?? ref.tag ?? 'latest',
      bytes,
      record.mediaType,
      o.signal,
    );
    await deps.images.amend(record.digest, { repoDigests: [`${target}@${digest}`], sources: [target] });
    sink.emit({ id: imageId, status: 'done', text: 'Pushed' });
    return { reference: formatReference(ref), digest, size: bytes.length };
  } catch (err) {
    throw inOperation(`push ${name}`, err);
  }
}
