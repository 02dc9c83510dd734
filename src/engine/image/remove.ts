import { EngineError } from '../errors.js';
import type { RemoveInfo, RemoveSpec } from '../types.js';
import type { ImageDeps } from './image-deps.js';
import { requireImage } from './image-view.js';
import { familiarReference, formatReference, parseReference } from './reference.js';

async function inUse(deps: ImageDeps, id: string, digest: string): Promise<boolean> {
  for (const p of deps.usage)
    for (const i of await p.imagesInUse()) if (i === id || i === digest) return true;
  return false;
}

/**
 * `image rm`, as Docker: a reference is untagged, and the image deleted with its last reference;
 * an id deletes the image with all its references, which needs `force` when several repositories
 * name it or a container uses it. Blobs and snapshots stay until `prune` (they may be shared).
 */
export async function removeImages(
  deps: ImageDeps,
  args: readonly string[],
  spec: RemoveSpec = {},
): Promise<RemoveInfo> {
  const untagged: string[] = [];
  const deleted: string[] = [];
  for (const arg of args) {
    const stored = await requireImage(deps, arg);
    const { record } = stored;
    let canonical: string | undefined;
    try {
      canonical = formatReference(parseReference(arg));
    } catch {
      canonical = undefined;
    }
    const used = await inUse(deps, record.config.digest, record.digest);
    if (canonical !== undefined && stored.refs.includes(canonical)) {
      if (stored.refs.length === 1 && used && !spec.force) {
        throw new EngineError(
          'IMAGE_IN_USE',
          `image ${arg} (${record.config.digest.slice(7, 19)}) is used by a container`,
          'remove the container first, or force with -f',
        );
      }
      await deps.images.untag(canonical);
      untagged.push(familiarReference(parseReference(canonical)));
      if (stored.refs.length === 1) {
        await deps.images.delete(record.digest);
        deleted.push(record.config.digest);
      }
      continue;
    }
    const repos = new Set(
      stored.refs.map((r) => familiarReference({ ...parseReference(r), tag: undefined, digest: undefined })),
    );
    if (!spec.force && repos.size > 1) {
      throw new EngineError(
        'IMAGE_CONFLICT',
        `image ${arg} is referenced in multiple repositories (${[...repos].join(', ')})`,
        'remove it by name, or force with -f',
      );
    }
    if (used && !spec.force) {
      throw new EngineError(
        'IMAGE_IN_USE',
        `image ${arg} is used by a container`,
        'remove the container first, or force with -f',
      );
    }
    for (const r of await deps.images.delete(record.digest))
      untagged.push(familiarReference(parseReference(r)));
    deleted.push(record.config.digest);
  }
  return { untagged, deleted };
}
