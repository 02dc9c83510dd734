import type { HistoryItem, ImageInfo, ImageSummary } from '../types.js';
import type { ImageConfig } from './image-config.js';
import type { ImageRecord, StoredImage } from './image-store.js';
import { familiarReference, familiarRepository, parseReference } from './reference.js';

function sizeOf(record: ImageRecord): number {
  return record.layers.reduce((n, l) => n + (l.uncompressedSize ?? l.size), 0);
}

function familiarRepoDigest(repoDigest: string): string {
  try {
    return familiarReference(parseReference(repoDigest));
  } catch {
    return repoDigest;
  }
}

/** The engine's view of a stored image (plain data for the seam). */
export function toImageInfo(stored: StoredImage, config: ImageConfig): ImageInfo {
  const { record, refs } = stored;
  const tagged = refs.map((r) => parseReference(r)).filter((r) => r.digest === undefined);
  return {
    id: record.config.digest,
    digest: record.digest,
    manifest: { mediaType: record.mediaType, digest: record.digest, size: record.size },
    references: refs,
    repoTags: tagged.map(familiarReference),
    repoDigests: record.repoDigests.map(familiarRepoDigest),
    platform: record.platform,
    ...(record.created ? { created: record.created } : {}),
    ...(config.author ? { author: config.author } : {}),
    config: config.config ?? {},
    layers: record.layers,
    topChainId: record.layers.length > 0 ? record.layers[record.layers.length - 1]!.chainId : null,
    size: sizeOf(record),
    lastUpdated: record.lastUpdated,
  };
}

/** Rows of `image ls`: one per reference, one `<none>` row for an untagged image. */
export function toSummaries(images: readonly StoredImage[]): ImageSummary[] {
  const rows: ImageSummary[] = [];
  for (const { record, refs } of images) {
    const base = {
      id: record.config.digest,
      ...(record.created ? { created: record.created } : {}),
      size: sizeOf(record),
      platform: record.platform,
    };
    if (refs.length === 0) rows.push({ repository: '<none>', tag: '<none>', ...base });
    for (const r of refs) {
      const ref = parseReference(r);
      const repoDigest = record.repoDigests.find((d) => d.startsWith(`${ref.domain}/${ref.path}@`));
      rows.push({
        repository: familiarRepository(ref),
        tag: ref.tag !== undefined && ref.digest === undefined ? ref.tag : '<none>',
        ...(ref.digest
          ? { digest: ref.digest }
          : repoDigest
            ? { digest: repoDigest.slice(repoDigest.indexOf('@') + 1) }
            : {}),
        ...base,
      });
    }
  }
  return rows.sort(
    (a, b) => (b.created ?? '').localeCompare(a.created ?? '') || a.repository.localeCompare(b.repository),
  );
}

/**
 * `image history`, newest first, as Docker lists it: config history entries matched in order to
 * the layers (entries with `empty_layer` made none); without history, one row per layer.
 */
export function toHistory(record: ImageRecord, config: ImageConfig): HistoryItem[] {
  const items: HistoryItem[] = [];
  const history = config.history ?? [];
  let layer = 0;
  if (history.length === 0) {
    for (const l of record.layers) {
      items.push({
        id: '<missing>',
        createdBy: '',
        size: l.uncompressedSize ?? l.size,
        comment: '',
        emptyLayer: false,
      });
    }
  } else {
    for (const h of history) {
      const empty = h.empty_layer === true;
      const l = empty ? undefined : record.layers[layer++];
      items.push({
        id: '<missing>',
        ...(h.created ? { created: h.created } : {}),
        createdBy: h.created_by ?? '',
        size: l ? (l.uncompressedSize ?? l.size) : 0,
        comment: h.comment ?? '',
        emptyLayer: empty,
      });
    }
  }
  items.reverse();
  if (items.length > 0) items[0] = { ...items[0]!, id: record.config.digest };
  return items;
}
