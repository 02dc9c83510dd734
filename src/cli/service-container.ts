import type { ContainerInfo } from '../engine/container/types.js';
import { containerNumberOf } from '../planner/labels.js';
import { isLive } from '../reconciler/actions/index.js';
import { ReconcileError } from '../reconciler/errors.js';
import type { ProjectSession } from './project-session.js';

/**
 * The replica `index` (default 1) of a service, for `exec`, `port`, `cp`-like commands; it must run
 * unless `anyState`. PROJECT_NO_CONTAINER names the service and what was found otherwise.
 */
export async function serviceReplica(
  session: ProjectSession,
  service: string,
  index = 1,
  o: { anyState?: boolean } = {},
): Promise<ContainerInfo> {
  const containers = await session.containers(session.scope([service]));
  const c = containers.find((x) => containerNumberOf(x.labels) === index);
  if (!c) {
    throw new ReconcileError(
      'PROJECT_NO_CONTAINER',
      `service ${service} has no container${index === 1 ? '' : ` with index ${index}`}`,
      `start it first: tscompose up -d ${service}`,
    );
  }
  if (!o.anyState && !isLive(c)) {
    throw new ReconcileError(
      'PROJECT_NO_CONTAINER',
      `service ${service} is not running (container ${c.name} is ${c.state})`,
      `start it: tscompose start ${service}`,
    );
  }
  return c;
}
