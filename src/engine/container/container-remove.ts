import { EngineError } from '../errors.js';
import type { ContainerContext } from './container-context.js';
import { assertContainerName } from './container-id.js';
import { currentRunState } from './container-lifecycle.js';
import type { ContainerRecord } from './container-record.js';
import { renameEndpoints } from './container-connect.js';
import { teardownContainer } from './container-teardown.js';
import { selfIdentity } from './process-identity.js';

/**
 * Removes a container (the caller holds the engine lock). A running one needs `force` (it is
 * killed). The record turns `removing` first, so a removal killed half way is finished by the
 * next command; anonymous volumes go too with `volumes` (`rm -v`).
 */
export async function removeContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  o: { readonly force?: boolean; readonly volumes?: boolean; readonly signal?: AbortSignal } = {},
): Promise<void> {
  if (r.phase === 'ready') {
    const run = await currentRunState(ctx, r);
    if (!o.force && (run.state === 'running' || run.state === 'paused' || run.state === 'restarting')) {
      throw new EngineError(
        'CONTAINER_RUNNING',
        `container ${r.name} is ${run.state}: stop it before removing it`,
        `stop it first (tscompose container stop ${r.name}) or remove it with -f`,
      );
    }
  }
  ctx.inFlight.add(r.id);
  try {
    const removing: ContainerRecord = {
      ...r,
      phase: 'removing',
      owner: selfIdentity(),
      removeVolumes: o.volumes ?? false,
    };
    await ctx.store.write(removing);
    await ctx.step('container-remove:recorded');
    await teardownContainer(ctx, removing, o.signal ? { signal: o.signal } : {});
  } finally {
    ctx.inFlight.delete(r.id);
  }
}

/** Renames a container: its record, and its DNS name on every network it is attached to. */
export async function renameContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  name: string,
): Promise<ContainerRecord> {
  assertContainerName(name);
  if (r.name === name) return r;
  const clash = (await ctx.store.list()).find((c) => c.name === name && c.id !== r.id);
  if (clash) {
    throw new EngineError(
      'CONTAINER_NAME_IN_USE',
      `container name ${name} is already in use by container ${clash.id.slice(0, 12)}`,
      'remove that container or choose another name',
    );
  }
  const next: ContainerRecord = { ...r, name, spec: { ...r.spec, name } };
  await ctx.store.write(next);
  await renameEndpoints(ctx, next);
  return next;
}
