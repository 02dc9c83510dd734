import type { ContainerEndpointSpec } from '../../engine/container/types.js';
import type { Action } from '../../planner/types.js';
import type { ActionContext } from '../action-context.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

/** `create-network`: a network the stack declares and the engine lacks. */
export async function createNetwork(action: Of<'create-network'>, ctx: ActionContext): Promise<void> {
  ctx.report('working', 'Creating');
  await ctx.port.createNetwork(action.network, { signal: ctx.signal });
  ctx.report('done', 'Created');
}

/** `remove-network` (`down`, or a network renamed with `name:`). */
export async function removeNetwork(action: Of<'remove-network'>, ctx: ActionContext): Promise<void> {
  ctx.report('working', 'Removing');
  await ctx.port.removeNetwork(action.name, { signal: ctx.signal });
  ctx.report('done', 'Removed');
}

/**
 * `recreate-network`: its definition changed. Compose's sequence, in place: stop the attached
 * containers that run, disconnect all, remove, create, reconnect (with the endpoint settings each
 * container was created with), start again. Containers are not recreated.
 */
export async function recreateNetwork(action: Of<'recreate-network'>, ctx: ActionContext): Promise<void> {
  const o = { signal: ctx.signal };
  const name = action.network.name;
  ctx.report('working', 'Recreating');
  for (const a of action.attached) {
    if (a.restart) await ctx.port.stopContainer(a.containerId, { ...o, timeoutMs: ctx.stopTimeoutMs });
  }
  for (const a of action.attached) await ctx.port.disconnectNetwork(a.containerId, name, o);
  await ctx.port.removeNetwork(name, o);
  await ctx.port.createNetwork(action.network, o);
  for (const a of action.attached) {
    if (!a.reconnect) continue;
    const info = await ctx.port.inspectContainer(a.containerId, o);
    if (!info) continue;
    await ctx.port.connectNetwork(a.containerId, endpointFor(info.spec.network, name), o);
  }
  for (const a of action.attached) {
    if (a.reconnect && a.restart) await ctx.port.startContainer(a.containerId, o);
  }
  ctx.report('done', 'Recreated');
}

/** The endpoint a container asked for on `network` when it was created (aliases, address). */
function endpointFor(
  networking: { readonly mode: string; readonly networks?: readonly ContainerEndpointSpec[] },
  network: string,
): ContainerEndpointSpec {
  return networking.networks?.find((e) => e.network === network) ?? { network };
}
