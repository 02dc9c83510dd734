import { EngineError } from '../errors.js';
import { DEFAULT_DEVICE_RULES, type OciDeviceRule } from './oci-defaults.js';
import type { ContainerResources } from './types.js';

/** runtime-spec `linux.resources` (the subset the engine sets). */
export interface OciResources {
  memory?: {
    limit?: number;
    swap?: number;
    reservation?: number;
    swappiness?: number;
    disableOOMKiller?: boolean;
  };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string };
  pids?: { limit: number };
  devices: OciDeviceRule[];
}

const CPU_PERIOD_US = 100_000;

/** A `device_cgroup_rules` entry (`c 1:3 mr`, `b 8:* rwm`, `a *:* rwm`) as an allow rule. */
export function parseDeviceRule(rule: string): OciDeviceRule {
  const m = /^([abc]) (\*|[0-9]+):(\*|[0-9]+) ([rwm]{1,3})$/.exec(rule.trim());
  if (!m) {
    throw new EngineError(
      'CONTAINER_DEVICE_RULE_INVALID',
      `device cgroup rule "${rule}": expected "TYPE MAJOR:MINOR ACCESS" such as "c 1:3 mr"`,
    );
  }
  return {
    allow: true,
    type: m[1] as 'a' | 'b' | 'c',
    ...(m[2] !== '*' ? { major: Number(m[2]) } : {}),
    ...(m[3] !== '*' ? { minor: Number(m[3]) } : {}),
    access: m[4]!,
  };
}

/** A host device the container gets (`devices:`), after stat-ing it. */
export interface ResolvedDevice {
  readonly path: string;
  readonly type: 'c' | 'b';
  readonly major: number;
  readonly minor: number;
  readonly fileMode: number;
  readonly uid: number;
  readonly gid: number;
  readonly permissions: string;
}

/**
 * Docker's `HostConfig` resources → OCI: `--cpus` as quota over a 100 ms period, memory+swap as
 * Docker computes it (twice the memory when only `--memory` is set), pids, shares, cpuset; the
 * device cgroup denies all but Docker's list, the spec's rules and its devices (`privileged`:
 * everything).
 */
export function ociResources(
  r: ContainerResources | undefined,
  o: {
    readonly privileged?: boolean;
    readonly deviceRules?: readonly string[];
    readonly devices?: readonly ResolvedDevice[];
  } = {},
): OciResources {
  const out: OciResources = {
    devices: o.privileged
      ? [{ allow: true, access: 'rwm' }]
      : [
          ...DEFAULT_DEVICE_RULES,
          ...(o.deviceRules ?? []).map(parseDeviceRule),
          ...(o.devices ?? []).map((d) => ({
            allow: true,
            type: d.type,
            major: d.major,
            minor: d.minor,
            access: d.permissions,
          })),
        ],
  };
  if (!r) return out;
  const memory: NonNullable<OciResources['memory']> = {};
  if (r.memoryBytes !== undefined && r.memoryBytes > 0) {
    if (r.memoryBytes < 6 * 1024 * 1024) {
      throw new EngineError(
        'CONTAINER_MEMORY_TOO_LOW',
        `memory limit ${r.memoryBytes} bytes is below the minimum of 6 MiB`,
        'give at least 6m (Docker refuses lower limits too)',
      );
    }
    memory.limit = r.memoryBytes;
    if (r.memorySwapBytes === undefined || r.memorySwapBytes === 0) memory.swap = 2 * r.memoryBytes;
    else if (r.memorySwapBytes === -1) memory.swap = -1;
    else if (r.memorySwapBytes < r.memoryBytes) {
      throw new EngineError(
        'CONTAINER_MEMORY_SWAP_INVALID',
        `memory+swap limit ${r.memorySwapBytes} is below the memory limit ${r.memoryBytes}`,
        'memory-swap counts memory plus swap: give at least the memory limit, or -1 for unlimited swap',
      );
    } else memory.swap = r.memorySwapBytes;
  } else if (r.memorySwapBytes !== undefined && r.memorySwapBytes > 0) {
    throw new EngineError(
      'CONTAINER_MEMORY_SWAP_INVALID',
      'a memory+swap limit needs a memory limit',
      'set the memory limit as well',
    );
  }
  if (r.memoryReservationBytes !== undefined && r.memoryReservationBytes > 0)
    memory.reservation = r.memoryReservationBytes;
  if (r.memorySwappiness !== undefined && r.memorySwappiness >= 0) {
    if (r.memorySwappiness > 100)
      throw new EngineError(
        'CONTAINER_RESOURCES_INVALID',
        `memory swappiness ${r.memorySwappiness}: expected 0-100`,
      );
    memory.swappiness = r.memorySwappiness;
  }
  if (r.oomKillDisable) {
    if (memory.limit === undefined) {
      throw new EngineError(
        'CONTAINER_RESOURCES_INVALID',
        'disabling the OOM killer needs a memory limit',
        'without one the container could take the host down; set a memory limit too',
      );
    }
    memory.disableOOMKiller = true;
  }
  if (Object.keys(memory).length > 0) out.memory = memory;
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.cpus !== undefined && r.cpus > 0) {
    if (r.cpuQuotaUs !== undefined || r.cpuPeriodUs !== undefined) {
      throw new EngineError(
        'CONTAINER_RESOURCES_INVALID',
        'cpus and cpu_quota/cpu_period cannot be combined',
        'give either cpus or quota and period',
      );
    }
    cpu.period = CPU_PERIOD_US;
    cpu.quota = Math.round(r.cpus * CPU_PERIOD_US);
  }
  if (r.cpuQuotaUs !== undefined && r.cpuQuotaUs !== 0) cpu.quota = r.cpuQuotaUs;
  if (r.cpuPeriodUs !== undefined && r.cpuPeriodUs > 0) cpu.period = r.cpuPeriodUs;
  else if (cpu.quota !== undefined && cpu.period === undefined) cpu.period = CPU_PERIOD_US;
  if (r.cpuShares !== undefined && r.cpuShares > 0) cpu.shares = r.cpuShares;
  if (r.cpusetCpus !== undefined && r.cpusetCpus !== '') cpu.cpus = r.cpusetCpus;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  if (r.pidsLimit !== undefined && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  return out;
}
