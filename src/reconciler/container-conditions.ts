import type { ContainerInfo } from '../engine/container/types.js';
import type { DependencyCondition } from '../planner/types.js';

/** Where a container stands against a condition: met, not yet, or never (with the reason). */
export type ConditionStatus =
  | { readonly status: 'met'; readonly detail: string }
  | { readonly status: 'pending'; readonly detail: string }
  | { readonly status: 'failed'; readonly reason: string };

type Observed = Pick<ContainerInfo, 'name' | 'state' | 'exitCode' | 'health' | 'restartCount'> & {
  readonly spec?: Pick<ContainerInfo['spec'], 'restartPolicy'>;
};

const met = (detail: string): ConditionStatus => ({ status: 'met', detail });
const pending = (detail: string): ConditionStatus => ({ status: 'pending', detail });
const failed = (reason: string): ConditionStatus => ({ status: 'failed', reason });

/**
 * A `depends_on` condition judged on one container of the dependency (Compose's rules, §4.6):
 * - `service_started`: ordering alone — the dependency's start action finished before;
 * - `service_healthy`: `healthy`; `unhealthy`, an exit, or no healthcheck at all fail;
 * - `service_completed_successfully`: exited 0; another exit code fails; anything else waits.
 */
export function dependencyStatus(condition: DependencyCondition, c: Observed): ConditionStatus {
  switch (condition) {
    case 'service_started':
      return met(c.state);
    case 'service_healthy': {
      if (c.health === null) return failed(`container ${c.name} has no healthcheck`);
      if (c.state === 'exited' || c.state === 'dead') return failed(exitedText(c));
      if (c.health.status === 'healthy') return met('healthy');
      if (c.health.status === 'unhealthy') return failed(`container ${c.name} is unhealthy`);
      return pending(`health: ${c.health.status}`);
    }
    case 'service_completed_successfully': {
      if (c.state === 'exited' || c.state === 'dead') {
        return c.exitCode === 0 ? met('exited (0)') : failed(exitedText(c));
      }
      return pending(c.state);
    }
    default: {
      const never: never = condition;
      throw new Error(`unknown condition ${String(never)}`);
    }
  }
}

/**
 * `up --wait` / `start --wait` on one container: running (and healthy, when it has a
 * healthcheck). Unlike Compose (compose#10596) a one-shot container that exited 0 and is not
 * restarted by its policy counts as done, not as a failure; `expectExit` (a service others wait on
 * with `service_completed_successfully`) requires that exit.
 */
export function readinessStatus(c: Observed, expectExit = false): ConditionStatus {
  const policy = c.spec?.restartPolicy;
  const restarts = policy !== undefined && policy.name !== 'no';
  switch (c.state) {
    case 'running':
    case 'paused':
      if (expectExit) return pending('running');
      if (c.health === null) return met('running');
      if (c.health.status === 'healthy') return met('healthy');
      if (c.health.status === 'unhealthy') return failed(`container ${c.name} is unhealthy`);
      return pending(`health: ${c.health.status}`);
    case 'restarting':
      return pending('restarting');
    case 'created':
      return pending('created');
    case 'removing':
      return failed(`container ${c.name} is being removed`);
    case 'dead':
      return failed(`container ${c.name} is dead`);
    case 'exited': {
      if (c.exitCode === 0) {
        // `always`/`unless-stopped` start it again: not done yet.
        if (restarts && policy.name !== 'on-failure') return pending('exited (0), restarting');
        return met('exited (0)');
      }
      if (policy?.name === 'on-failure' && (!policy.maxRetries || c.restartCount < policy.maxRetries)) {
        return pending(`exited (${String(c.exitCode)}), restarting`);
      }
      if (restarts && policy.name !== 'on-failure')
        return pending(`exited (${String(c.exitCode)}), restarting`);
      return failed(exitedText(c));
    }
    default: {
      const never: never = c.state;
      throw new Error(`unknown state ${String(never)}`);
    }
  }
}

function exitedText(c: Observed): string {
  return c.exitCode === null
    ? `container ${c.name} exited`
    : `container ${c.name} exited with code ${c.exitCode}`;
}

/** All containers of a service together: failed if any failed, met when all are (and there is one). */
export function combineStatuses(statuses: readonly ConditionStatus[]): ConditionStatus {
  const fail = statuses.find((s) => s.status === 'failed');
  if (fail) return fail;
  const wait = statuses.find((s) => s.status === 'pending');
  if (wait) return wait;
  return met(statuses.map((s) => (s.status === 'met' ? s.detail : '')).join(', '));
}
