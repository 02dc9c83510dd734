import type { ContainerContext } from './container-context.js';
import { teardownContainer } from './container-teardown.js';
import { mountsUnder, unmount } from './host-mount.js';

/** What repair found and did, for messages (and tests). */
export interface ContainerRepairReport {
  /** Names of containers whose interrupted create was rolled back. */
  readonly rolledBack: readonly string[];
  /** Names of containers whose interrupted removal was finished. */
  readonly removed: readonly string[];
}

/**
 * Repairs what interrupted commands left (the caller holds the engine lock, so no other process
 * is in the middle of a create or rm; this process's own are skipped): a `creating` record is
 * rolled back — its caller never got the id, and everything it made is found from the record and
 * the anonymous-volume label — and a `removing` one is finished. Directories without a record and
 * trash are deleted.
 */
export async function repairContainers(
  ctx: ContainerContext,
  o: { readonly signal?: AbortSignal } = {},
): Promise<ContainerRepairReport> {
  const rolledBack: string[] = [];
  const removed: string[] = [];
  for (const listed of await ctx.store.list()) {
    if (listed.phase === 'ready') continue;
    // The listing is a moment old: a create of this process may have finished since. Read the
    // record again and decide on that, checking this process's in-flight set after the read.
    const r = await ctx.store.get(listed.id);
    if (!r || r.phase === 'ready' || ctx.inFlight.has(r.id)) continue;
    ctx.inFlight.add(r.id);
    try {
      await teardownContainer(
        ctx,
        { ...r, removeVolumes: r.phase === 'creating' ? true : (r.removeVolumes ?? false) },
        o,
      );
    } finally {
      ctx.inFlight.delete(r.id);
    }
    (r.phase === 'creating' ? rolledBack : removed).push(r.name);
    ctx.warn(
      r.phase === 'creating'
        ? `container ${r.name}: its creation was interrupted; rolled back`
        : `container ${r.name}: its removal was interrupted; finished removing it`,
    );
  }
  for (const id of await ctx.store.orphanDirs()) {
    // Again against the moment: a create that made its directory may have written its record.
    if ((await ctx.store.get(id).catch(() => true)) || ctx.inFlight.has(id)) continue;
    // Never delete through a mount: a rootfs still mounted would lose the container's files.
    for (const m of await mountsUnder(ctx.store.pathsOf(id).dir)) await unmount(m, o.signal);
    await ctx.store.removeDir(id);
  }
  await ctx.store.sweepTrash();
  return { rolledBack, removed };
}
