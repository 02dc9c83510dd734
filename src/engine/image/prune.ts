import type { PruneInfo } from '../types.js';
import type { ImageDeps } from './image-deps.js';

async function collect(deps: ImageDeps): Promise<{ images: Set<string>; snapshots: Set<string> }> {
  const images = new Set<string>();
  const snapshots = new Set<string>();
  for (const p of deps.usage) {
    for (const i of await p.imagesInUse()) images.add(i);
    for (const s of await p.snapshotsInUse()) snapshots.add(s);
  }
  return { images, snapshots };
}

/**
 * Removes unused images, then every blob and snapshot no remaining image reaches (a mark and
 * sweep: roots are the image records plus what containers report in use). Without `all`, only
 * untagged ("dangling") images go; with it, every image no container uses. The caller holds the
 * engine lock exclusively: no pull is writing blobs meanwhile, so abandoned ingest files and
 * snapshot drafts are swept too.
 */
export async function pruneImages(deps: ImageDeps, all: boolean): Promise<PruneInfo> {
  const inUse = await collect(deps);
  const imagesDeleted: string[] = [];
  const referencesRemoved: string[] = [];
  for (const { record, refs } of await deps.images.list()) {
    const used = inUse.images.has(record.config.digest) || inUse.images.has(record.digest);
    if (used || (!all && refs.length > 0)) continue;
    referencesRemoved.push(...(await deps.images.delete(record.digest)));
    imagesDeleted.push(record.config.digest);
  }
  // Mark.
  const liveBlobs = new Set<string>();
  const liveSnapshots = new Set<string>(inUse.snapshots);
  for (const { record } of await deps.images.list()) {
    liveBlobs.add(record.digest);
    liveBlobs.add(record.config.digest);
    for (const l of record.layers) {
      liveBlobs.add(l.digest);
      liveSnapshots.add(l.chainId);
    }
    // The index a multi-platform image was selected from.
    for (const rd of record.repoDigests) liveBlobs.add(rd.slice(rd.indexOf('@') + 1));
  }
  const snapshots = await deps.snapshots.list();
  const byChain = new Map(snapshots.map((s) => [s.chainId, s]));
  // A live snapshot keeps its parents.
  for (const chainId of [...liveSnapshots]) {
    let parent = byChain.get(chainId)?.parent ?? null;
    while (parent !== null && !liveSnapshots.has(parent)) {
      liveSnapshots.add(parent);
      parent = byChain.get(parent)?.parent ?? null;
    }
  }
  // Sweep.
  let spaceReclaimed = 0;
  let blobsDeleted = 0;
  for (const blob of await deps.content.list()) {
    if (liveBlobs.has(blob.digest)) continue;
    if (await deps.content.delete(blob.digest)) {
      blobsDeleted += 1;
      spaceReclaimed += blob.size;
    }
  }
  const dead = snapshots.filter((s) => !liveSnapshots.has(s.chainId));
  const removed = await deps.snapshots.remove(dead.map((s) => s.chainId));
  for (const s of removed) spaceReclaimed += s.size;
  await deps.snapshots.cleanLeftovers();
  await deps.content.cleanIngest(0);
  return { imagesDeleted, referencesRemoved, blobsDeleted, snapshotsDeleted: removed.length, spaceReclaimed };
}
