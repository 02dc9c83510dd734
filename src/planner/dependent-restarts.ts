import type { ContainerInfo } from '../engine/container/types.js';
import type { ReplicaDecision } from './diff-containers.js';
import type { DesiredService, DesiredState } from './types.js';

/** A running dependent to stop before its dependencies are recreated and start after. */
export interface DependentRestart {
  readonly service: string;
  readonly container: ContainerInfo;
  readonly dependencies: string[];
}

/**
 * Running containers of services with `depends_on: {X: {restart: true}}` where X is recreated, and
 * which the plan does not replace anyway: Compose stops them before recreating X and starts them
 * after.
 */
export function dependentRestarts(
  desired: DesiredState,
  decisions: ReadonlyMap<string, readonly ReplicaDecision[]>,
  byService: ReadonlyMap<string, readonly ContainerInfo[]>,
): Map<string, DependentRestart[]> {
  const recreated = new Set(
    [...decisions.entries()]
      .filter(([, list]) => list.some((d) => d.op === 'recreate' || d.op === 'replace'))
      .map(([name]) => name),
  );
  const out = new Map<string, DependentRestart[]>();
  for (const name of Object.keys(desired.services).sort()) {
    const svc = desired.services[name] as DesiredService;
    const deps = svc.dependencies.filter((e) => e.restart && recreated.has(e.on)).map((e) => e.on);
    if (deps.length === 0) continue;
    const mine = decisions.get(name) ?? [];
    const list: DependentRestart[] = [];
    for (const c of byService.get(name) ?? []) {
      const d = mine.find((x) => x.observed?.id === c.id);
      if (d !== undefined && d.op !== 'keep') continue;
      if (c.state !== 'running') continue;
      list.push({ service: name, container: c, dependencies: deps });
    }
    if (list.length > 0) out.set(name, list);
  }
  return out;
}
