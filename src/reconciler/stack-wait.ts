import type { ProgressSink } from '../common/progress.js';
import type { DesiredState } from '../planner/types.js';
import { combineStatuses, readinessStatus } from './container-conditions.js';
import { formatSeconds, serviceContainers } from './dependency-wait.js';
import type { EnginePort } from './engine-port.js';
import { ReconcileError } from './errors.js';
import { pollUntil } from './poll-until.js';
import { allOrAbort } from './all-or-abort.js';

/** A service `--wait` waits for, and whether it is a job others wait to complete. */
export interface ReadinessTarget {
  readonly service: string;
  /** Another service depends on it with `service_completed_successfully`: it must exit 0. */
  readonly expectExit: boolean;
}

export interface StackWaitOptions {
  readonly port: EnginePort;
  readonly project: string;
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
  /** `--wait-timeout` (absent: none). */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/** The services of a desired state `--wait` covers (those with replicas), job flags set. */
export function readinessTargets(desired: DesiredState, services?: readonly string[]): ReadinessTarget[] {
  const jobs = new Set<string>();
  for (const s of Object.values(desired.services)) {
    for (const d of s.dependencies) if (d.condition === 'service_completed_successfully') jobs.add(d.on);
  }
  const names = services && services.length > 0 ? services : Object.keys(desired.services);
  return names
    .filter((n) => (desired.services[n]?.replicas ?? 0) > 0)
    .sort()
    .map((service) => ({ service, expectExit: jobs.has(service) }));
}

/**
 * `up --wait` / `start --wait`: waits until every container of the targets is running (healthy
 * when it has a healthcheck) or, for jobs, exited 0 (see readinessStatus: a one-shot that exited 0
 * is success, compose#10596). Throws RECONCILE_WAIT_FAILED naming the container and why, or
 * RECONCILE_WAIT_TIMEOUT listing what was still pending.
 */
export async function waitForStack(targets: readonly ReadinessTarget[], o: StackWaitOptions): Promise<void> {
  const pending = new Map<string, string>();
  await allOrAbort(
    targets.map(
      (t) => (signal: AbortSignal) =>
        pollUntil<void>(
          async () => {
            const containers = await serviceContainers(o.port, o.project, t.service, signal);
            const status = combineStatuses(containers.map((c) => readinessStatus(c, t.expectExit)));
            const id = `service:${t.service}`;
            if (status.status === 'failed') {
              o.progress?.emit({ id, status: 'error', text: 'Failed' });
              throw new ReconcileError(
                'RECONCILE_WAIT_FAILED',
                `service ${t.service}: ${status.reason}`,
                `see tscompose logs ${t.service}`,
              );
            }
            if (status.status === 'met' && containers.length > 0) {
              pending.delete(t.service);
              o.progress?.emit({
                id,
                status: 'done',
                text: status.detail.includes('healthy') ? 'Healthy' : 'Ready',
              });
              return { done: true, value: undefined };
            }
            const detail =
              containers.length === 0 ? 'no container' : status.status === 'pending' ? status.detail : '';
            pending.set(t.service, detail);
            o.progress?.emit({ id, status: 'waiting', text: 'Waiting' });
            return { done: false, detail };
          },
          {
            signal,
            intervalMs: o.intervalMs ?? 200,
            ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
            onTimeout: () =>
              new ReconcileError(
                'RECONCILE_WAIT_TIMEOUT',
                `timed out after ${formatSeconds(o.timeoutMs ?? 0)} waiting for ${[...pending]
                  .map(([s, d]) => `${s} (${d})`)
                  .join(', ')}`,
                'raise --wait-timeout, or check the services: tscompose ps, tscompose logs',
              ),
          },
        ),
    ),
    o.signal,
  );
}
