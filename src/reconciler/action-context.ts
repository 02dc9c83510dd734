import type { ProgressStatus } from '../common/progress.js';
import type { Action, WaitCondition } from '../planner/types.js';
import type { EnginePort } from './engine-port.js';

/**
 * What one action's function receives from the executor: the engine, the run's abort signal
 * (aborted on the user's interrupt and on a sibling's failure), a progress reporter bound to the
 * action's resource, and the run-wide settings.
 */
export interface ActionContext {
  readonly port: EnginePort;
  readonly project: string;
  readonly signal: AbortSignal;
  /** Reports the action's state (`Creating`, `Started`) under its resource id. */
  report(status: ProgressStatus, text: string): void;
  /** Grace period for stops (`-t`); absent = each container's own (`stop_grace_period`, else 10 s). */
  readonly stopTimeoutMs?: number;
  /** Waits for `depends_on` conditions before a start (see dependency-wait.ts). */
  waitFor(conditions: readonly WaitCondition[], forResource: string): Promise<void>;
}

/** How an action's subject is named in messages: `service web (p-web-1)`, `network p_default`. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'create-network':
    case 'recreate-network':
      return `network ${action.network.name}`;
    case 'remove-network':
      return `network ${action.name}`;
    case 'create-volume':
    case 'recreate-volume':
      return `volume ${action.volume.name}`;
    case 'remove-volume':
      return `volume ${action.name}`;
    case 'pull-image':
      return `image ${action.image}`;
    case 'build-image':
      return `image ${action.image} of service ${action.service}`;
    case 'create-container':
    case 'recreate-container':
      return `service ${action.service} (${action.spec.name})`;
    case 'start-container':
    case 'stop-container':
    case 'remove-container':
      return action.service === ''
        ? `container ${action.container.name}`
        : `service ${action.service} (${action.container.name})`;
    default: {
      const never: never = action;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}
