import type { ObservedState } from '../planner/types.js';
import type { EnginePort, PortOptions } from './engine-port.js';

/**
 * One observation before planning (docker/compose's ObservedState): the project's containers, and
 * every network and volume (the planner finds the project's by label and checks external ones and
 * name conflicts against the rest).
 */
export async function observeProject(
  port: EnginePort,
  project: string,
  o: PortOptions = {},
): Promise<ObservedState> {
  const [containers, networks, volumes] = await Promise.all([
    port.listContainers({ project }, o),
    port.listNetworks(o),
    port.listVolumes(o),
  ]);
  return { containers, networks, volumes };
}
