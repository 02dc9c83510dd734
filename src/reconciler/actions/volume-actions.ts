import type { Action } from '../../planner/types.js';
import type { ActionContext } from '../action-context.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

/** `create-volume`: a named volume the stack declares and the engine lacks. */
export async function createVolume(action: Of<'create-volume'>, ctx: ActionContext): Promise<void> {
  ctx.report('working', 'Creating');
  await ctx.port.createVolume(action.volume, { signal: ctx.signal });
  ctx.report('done', 'Created');
}

/**
 * `recreate-volume` (only with `-y`: its data is lost). The plan removed its users before this
 * action and creates them again after it.
 */
export async function recreateVolume(action: Of<'recreate-volume'>, ctx: ActionContext): Promise<void> {
  ctx.report('working', 'Recreating');
  await ctx.port.removeVolume(action.volume.name, { signal: ctx.signal });
  await ctx.port.createVolume(action.volume, { signal: ctx.signal });
  ctx.report('done', 'Recreated');
}

/** `remove-volume` (`down -v`). */
export async function removeVolume(action: Of<'remove-volume'>, ctx: ActionContext): Promise<void> {
  ctx.report('working', 'Removing');
  await ctx.port.removeVolume(action.name, { signal: ctx.signal });
  ctx.report('done', 'Removed');
}
