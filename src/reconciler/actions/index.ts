import type { ProgressSink } from '../../common/progress.js';
import type { Action } from '../../planner/types.js';
import type { ActionContext } from '../action-context.js';
import {
  createContainer,
  recreateContainer,
  removeContainer,
  startContainer,
  stopContainer,
} from './container-actions.js';
import { buildImage, pullImage } from './image-actions.js';
import { createNetwork, recreateNetwork, removeNetwork } from './network-actions.js';
import { createVolume, recreateVolume, removeVolume } from './volume-actions.js';

export { isLive } from './container-actions.js';

/**
 * Runs one action: a flat, exhaustive switch to one function per kind (docker/compose's
 * executeNode; STYLE §4). `progress` is the raw sink, for engine operations with progress of their
 * own (a pull's layers).
 */
export function runAction(action: Action, ctx: ActionContext, progress?: ProgressSink): Promise<void> {
  switch (action.kind) {
    case 'create-network':
      return createNetwork(action, ctx);
    case 'recreate-network':
      return recreateNetwork(action, ctx);
    case 'remove-network':
      return removeNetwork(action, ctx);
    case 'create-volume':
      return createVolume(action, ctx);
    case 'recreate-volume':
      return recreateVolume(action, ctx);
    case 'remove-volume':
      return removeVolume(action, ctx);
    case 'pull-image':
      return pullImage(action, ctx, progress);
    case 'build-image':
      return buildImage(action, ctx);
    case 'create-container':
      return createContainer(action, ctx);
    case 'recreate-container':
      return recreateContainer(action, ctx);
    case 'start-container':
      return startContainer(action, ctx);
    case 'stop-container':
      return stopContainer(action, ctx);
    case 'remove-container':
      return removeContainer(action, ctx);
    default: {
      const never: never = action;
      return Promise.reject(new Error(`unknown action kind ${JSON.stringify(never)}`));
    }
  }
}
