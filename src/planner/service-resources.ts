import type { ContainerResources, UlimitSpec } from '../engine/container/types.js';
import type { ServiceConfig } from '../spec/types.js';
import { unsupported, type MappingContext } from './mapping-context.js';

/**
 * cgroup limits from the legacy keys and `deploy.resources`. As Docker Compose does
 * (pkg/compose/create.go), the legacy keys are read first and `deploy.resources` overrides each
 * limit it sets: `limits.memory` → memory, `limits.cpus` → cpus, `limits.pids` → pids,
 * `reservations.memory` → memory reservation. `reservations.cpus` has no local meaning.
 * Byte counts arrive as decimal strings (the loader's form).
 */
export function serviceResources(
  service: ServiceConfig,
  ctx: MappingContext,
): ContainerResources | undefined {
  const limits = service.deploy?.resources.limits;
  const reservations = service.deploy?.resources.reservations;
  const r: { -readonly [K in keyof ContainerResources]: ContainerResources[K] } = {};
  const bytes = (value: string | undefined, path: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n)) throw unsupported(ctx, path, `expected a byte count, got "${value}"`);
    return n;
  };
  const set = <K extends keyof ContainerResources>(
    key: K,
    value: ContainerResources[K] | undefined,
  ): void => {
    if (value !== undefined) r[key] = value;
  };
  set(
    'memoryBytes',
    bytes(limits?.memory, 'deploy.resources.limits.memory') ?? bytes(service.mem_limit, 'mem_limit'),
  );
  set('memorySwapBytes', bytes(service.memswap_limit, 'memswap_limit'));
  set(
    'memoryReservationBytes',
    bytes(reservations?.memory, 'deploy.resources.reservations.memory') ??
      bytes(service.mem_reservation, 'mem_reservation'),
  );
  set('memorySwappiness', bytes(service.mem_swappiness, 'mem_swappiness'));
  set('cpus', limits?.cpus ?? service.cpus);
  set('cpuQuotaUs', service.cpu_quota);
  set('cpuPeriodUs', service.cpu_period);
  set('cpuShares', service.cpu_shares);
  set('cpusetCpus', service.cpuset);
  set('pidsLimit', limits?.pids ?? service.pids_limit);
  set('oomScoreAdj', service.oom_score_adj);
  if (service.oom_kill_disable === true) r.oomKillDisable = true;
  return Object.keys(r).length === 0 ? undefined : r;
}

/** `ulimits: {nofile: {soft, hard}, nproc: 65535}` (a number sets both), sorted by name. */
export function serviceUlimits(service: ServiceConfig): UlimitSpec[] | undefined {
  if (!service.ulimits) return undefined;
  return Object.entries(service.ulimits)
    .map(([name, v]) =>
      typeof v === 'number' ? { name, soft: v, hard: v } : { name, soft: v.soft, hard: v.hard },
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
