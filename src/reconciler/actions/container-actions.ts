import type { ContainerInfo, ContainerState } from '../../engine/container/types.js';
import { temporaryName } from '../../planner/container-name.js';
import type { Action, WaitCondition } from '../../planner/types.js';
import type { ActionContext } from '../action-context.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

/** States in which a container's process exists (a stop is needed before removal). */
const LIVE_STATES: ReadonlySet<ContainerState> = new Set(['running', 'restarting', 'paused']);

export function isLive(info: Pick<ContainerInfo, 'state'>): boolean {
  return LIVE_STATES.has(info.state);
}

/** Waits for the `depends_on` conditions (reported as `Waiting`), then starts the container. */
async function waitAndStart(
  ctx: ActionContext,
  id: string,
  waitFor: readonly WaitCondition[],
  resource: string,
): Promise<void> {
  if (waitFor.length > 0) {
    ctx.report('waiting', 'Waiting');
    await ctx.waitFor(waitFor, resource);
  }
  ctx.report('working', 'Starting');
  await ctx.port.startContainer(id, { signal: ctx.signal });
  ctx.report('done', 'Started');
}

/** `create-container`: a missing replica. Created first, then its dependencies awaited, then started. */
export async function createContainer(action: Of<'create-container'>, ctx: ActionContext): Promise<void> {
  ctx.report('working', 'Creating');
  const info = await ctx.port.createContainer(action.spec, { signal: ctx.signal });
  if (!action.start) {
    ctx.report('done', 'Created');
    return;
  }
  await waitAndStart(ctx, info.id, action.waitFor, action.resource);
}

/**
 * `recreate-container`, Compose's sequence (docs/planner.md): create the new container under a
 * temporary name (so the old one keeps running while the new one is prepared; a failed create
 * leaves it untouched), stop and remove the old one (its anonymous volumes stay: the new one
 * inherits them unless `-V`), rename the new one, then wait and start it. A container the user
 * stopped with `tscompose stop` that the watch loop recreates without starting keeps that intent.
 */
export async function recreateContainer(action: Of<'recreate-container'>, ctx: ActionContext): Promise<void> {
  const o = { signal: ctx.signal };
  ctx.report('working', 'Recreating');
  const old = await ctx.port.inspectContainer(action.replaces.containerId, o);
  const oldId = old?.id ?? action.replaces.containerId;
  const wasLive = old !== undefined && isLive(old);
  // The engine publishes ports at create: a replacement asking for the same fixed host ports
  // would clash with the old container. So the old one is stopped and its ports withdrawn first
  // (and both undone if the create fails). Without fixed ports the old one runs until replaced.
  const handOverPorts =
    old !== undefined && old.ports.length > 0 && action.spec.ports.some((p) => p.hostPort !== undefined);
  if (handOverPorts) {
    if (wasLive) await stopOld(ctx, old.id);
    await ctx.port.releasePorts(old.id, o);
  }
  let created: ContainerInfo;
  if (handOverPorts) ctx.report('working', 'Recreating');
  try {
    // Intent is part of the create, not set afterwards: in between, a drift-repair pass could
    // take the replacement for a stopped container that should be running.
    const keepStopped = !action.start && old?.desiredState === 'stopped';
    created = await ctx.port.createContainer(
      {
        ...action.spec,
        name: temporaryName(oldId, action.spec.name),
        ...(keepStopped ? { desiredState: 'stopped' as const } : {}),
      },
      o,
    );
  } catch (err) {
    if (handOverPorts) {
      await ctx.port.publishPorts(old.id).catch(() => undefined);
      if (wasLive) await ctx.port.startContainer(old.id).catch(() => undefined);
    }
    throw err;
  }
  if (old) {
    // The old container may vanish meanwhile (removed by hand while a drift pass replaces it):
    // gone is what this step wants, so that is not a failure.
    await ignoreGone(async () => {
      if (wasLive && !handOverPorts) await stopOld(ctx, old.id);
      await ctx.port.removeContainer(old.id, { ...o, force: true });
    });
  }
  await ctx.port.renameContainer(created.id, action.spec.name, o);
  if (!action.start) {
    ctx.report('done', 'Recreated');
    return;
  }
  await waitAndStart(ctx, created.id, action.waitFor, action.resource);
}

async function ignoreGone(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    if ((err as { code?: string }).code !== 'CONTAINER_NOT_FOUND') throw err;
  }
}

async function stopOld(ctx: ActionContext, id: string): Promise<void> {
  ctx.report('working', 'Stopping old');
  await ctx.port.stopContainer(id, { signal: ctx.signal, timeoutMs: ctx.stopTimeoutMs });
}

/** `start-container`: created, or stopped (by `tscompose stop`, behind our back, or a dependent restart). */
export async function startContainer(action: Of<'start-container'>, ctx: ActionContext): Promise<void> {
  const id = action.container.containerId;
  const info = await ctx.port.inspectContainer(id, { signal: ctx.signal });
  if (info?.desiredState === 'stopped') await ctx.port.setDesiredState(id, 'running', { signal: ctx.signal });
  if (info && isLive(info)) {
    ctx.report('done', 'Running');
    return;
  }
  await waitAndStart(ctx, id, action.waitFor, action.resource);
}

/** `stop-container`: a dependent stopped while its dependency is recreated (started again after). */
export async function stopContainer(action: Of<'stop-container'>, ctx: ActionContext): Promise<void> {
  ctx.report('working', 'Stopping');
  await ctx.port.stopContainer(action.container.containerId, {
    signal: ctx.signal,
    timeoutMs: ctx.stopTimeoutMs,
  });
  ctx.report('done', 'Stopped');
}

/** `remove-container`: scale down, orphan, duplicate, `down`. Stopped gracefully first when it runs. */
export async function removeContainer(action: Of<'remove-container'>, ctx: ActionContext): Promise<void> {
  const o = { signal: ctx.signal };
  const info = await ctx.port.inspectContainer(action.container.containerId, o);
  if (!info) {
    ctx.report('done', 'Removed');
    return;
  }
  if (isLive(info)) {
    ctx.report('working', 'Stopping');
    await ctx.port.stopContainer(info.id, { ...o, timeoutMs: ctx.stopTimeoutMs });
  }
  ctx.report('working', 'Removing');
  await ctx.port.removeContainer(info.id, {
    ...o,
    force: true,
    removeAnonymousVolumes: action.removeAnonymousVolumes,
  });
  ctx.report('done', 'Removed');
}
