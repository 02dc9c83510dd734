import type { ProgressSink } from '../../common/progress.js';
import { discardProgress } from '../../common/progress.js';
import { mapBounded } from './bounded-parallel.js';
import { counting } from './byte-counter.js';
import type { ImageDeps } from './image-deps.js';
import type { ImageRecord } from './image-store.js';
import { LayerProgress } from './layer-progress.js';
import { unpackLayer } from './layer-unpack.js';
import type { SnapshotInfo } from './snapshot-store.js';

/**
 * Makes sure every layer of a stored image has its snapshot, unpacking missing ones from the
 * content store (in parallel: each layer goes into its own directory). Returns the snapshots
 * bottom first; the last one's chainID is the image's root filesystem.
 */
export async function ensureSnapshots(
  deps: ImageDeps,
  record: ImageRecord,
  o: { signal?: AbortSignal; progress?: ProgressSink; progressParent?: string } = {},
): Promise<SnapshotInfo[]> {
  const sink = o.progress ?? discardProgress;
  const parent = o.progressParent ?? `image:${record.config.digest}`;
  const snaps = await mapBounded(
    record.layers,
    deps.maxConcurrentDownloads,
    async (layer, i, signal) => {
      const existing = await deps.snapshots.get(layer.chainId);
      if (existing) return existing;
      const progress = new LayerProgress(sink, layer.digest, parent, layer.size);
      progress.status('working', 'Extracting', 0);
      const source = counting(await deps.content.openRead(layer.digest), (n) =>
        progress.bytes('Extracting', n),
      );
      const snap = await unpackLayer(
        {
          source,
          mediaType: layer.mediaType,
          chainId: layer.chainId,
          parent: i === 0 ? null : record.layers[i - 1]!.chainId,
          diffId: layer.diffId,
          what: `layer ${layer.digest}`,
          signal,
        },
        deps.snapshots,
        deps.runtime,
      );
      progress.status('done', 'Extracted', layer.size);
      return snap;
    },
    o.signal,
  );
  if (record.layers.some((l, i) => l.uncompressedSize !== snaps[i]!.size)) {
    await deps.images.amend(record.digest, { uncompressedSizes: snaps.map((s) => s.size) });
  }
  return snaps;
}
