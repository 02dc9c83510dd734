import type { ProgressSink } from '../../common/progress.js';
import type { Action } from '../../planner/types.js';
import type { ActionContext } from '../action-context.js';
import { ReconcileError } from '../errors.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

/** `pull-image`: the engine's pull, its per-layer progress nested under the action's resource. */
export async function pullImage(
  action: Of<'pull-image'>,
  ctx: ActionContext,
  progress: ProgressSink | undefined,
): Promise<void> {
  ctx.report('working', 'Pulling');
  // The engine names the image as it normalised the reference (`image:redis:latest`); its events
  // and its layers' are put under the action's resource, as written in the stack.
  const sink: ProgressSink | undefined = progress && {
    emit: (e) => {
      if (e.parent === undefined && e.id.startsWith('image:')) return;
      progress.emit(e.parent?.startsWith('image:') ? { ...e, parent: action.resource } : e);
    },
  };
  const result = await ctx.port.pullImage(action.image, {
    signal: ctx.signal,
    ...(sink ? { progress: sink } : {}),
    ...(action.platform !== undefined ? { platform: action.platform } : {}),
  });
  ctx.report('done', result.status === 'up to date' ? 'Up to date' : 'Pulled');
}

/** `build-image`: images are not built yet (the build issue); the plan cannot be applied. */
export function buildImage(action: Of<'build-image'>, ctx: ActionContext): Promise<void> {
  ctx.report('error', 'Build not supported');
  return Promise.reject(
    new ReconcileError(
      'RECONCILE_UNSUPPORTED',
      `service ${action.service} needs image ${action.image} built, and building images is not supported yet`,
      'build it elsewhere and load it (tscompose image load), or give the service an image to pull',
    ),
  );
}
