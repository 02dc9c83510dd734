import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerContext } from './container-context.js';
import { releaseNetworks } from './container-network.js';
import type { ContainerRecord } from './container-record.js';
import { volumesOf } from './container-mounts.js';
import { mountsUnder } from './host-mount.js';
import { unmount } from './host-mount.js';
import { isShimAlive, readShimState } from './shim-state.js';
import { shimRequest } from './shim-client.js';
import { ANONYMOUS_LABEL } from '../volume/volume-service.js';

/** Whether the runtime still has state for this container (a `create` it did, not yet deleted). */
export async function runtimeHasContainer(ctx: ContainerContext, id: string): Promise<boolean> {
  try {
    await stat(join(ctx.runtimeRoot, id));
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops whatever runs of the container at once: through its shim (`stop 0`: SIGKILL, restarts
 * off, reply when gone) or, when the shim is dead, through the runtime directly; then removes
 * the runtime's state. A paused container is thawed first (frozen tasks do not die on cgroup v1).
 */
export async function killNow(
  ctx: ContainerContext,
  r: ContainerRecord,
  signal?: AbortSignal,
): Promise<void> {
  const p = ctx.store.pathsOf(r.id);
  if (r.paused && (await runtimeHasContainer(ctx, r.id))) {
    await ctx.runtime.runtimeVerb(ctx.runtimeRoot, ['resume', r.id], { signal }).catch(() => undefined);
  }
  const shim = await readShimState(p.shim);
  if (shim && (await isShimAlive(shim))) {
    await shimRequest(p.shim, 'stop 0', signal).catch(() => undefined);
  }
  if (await runtimeHasContainer(ctx, r.id)) {
    await ctx.runtime.runtimeVerb(ctx.runtimeRoot, ['delete', '--force', r.id], { signal });
  }
}

/**
 * Takes a container down completely, whatever state it is in (idempotent: every step checks what
 * is there): its processes, the runtime's state, its network (endpoints, ports, DNS names, netns),
 * its mounts, its anonymous volumes when `removeVolumes` (those no other container uses), its shim
 * directory, and last its directory with the record. Used by `rm`, by a failed create, and by
 * repair of interrupted creates and removals.
 */
export async function teardownContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  o: { readonly signal?: AbortSignal },
): Promise<void> {
  const p = ctx.store.pathsOf(r.id);
  await killNow(ctx, r, o.signal);
  await ctx.step('container-remove:stopped');
  await releaseNetworks(ctx, r, o.signal);
  await ctx.step('container-remove:network');
  for (const m of await mountsUnder(p.dir)) await unmount(m, o.signal);
  const others = (await ctx.store.list()).filter((c) => c.id !== r.id);
  const usedByOthers = new Set(others.flatMap(volumesOf));
  if (r.removeVolumes) {
    // Anonymous volumes are found by their label too: a create killed before recording one made it.
    const mine = new Set([
      ...r.anonymousVolumes,
      ...(await ctx.volumes.list({ labels: { [ANONYMOUS_LABEL]: r.id } })).map((v) => v.name),
    ]);
    for (const name of mine) {
      const v = await ctx.volumes.find(name);
      if (!v || usedByOthers.has(name) || v.labels[ANONYMOUS_LABEL] !== r.id) continue;
      await ctx.volumes.removeUnlocked(name, o);
    }
  }
  // A volume with driver options stays mounted while a container uses it.
  for (const name of volumesOf(r)) {
    if (usedByOthers.has(name)) continue;
    const v = await ctx.volumes.find(name);
    if (v && v.driverOpts['type'] !== undefined) await unmount(v.mountpoint, o.signal);
  }
  await rm(p.shim, { recursive: true, force: true });
  await ctx.store.removeDir(r.id);
}
