import type { ContainerInfo } from '../engine/container/types.js';
import { LABEL } from '../planner/labels.js';
import type { DependencyCondition, WaitCondition } from '../planner/types.js';
import { combineStatuses, dependencyStatus, type ConditionStatus } from './container-conditions.js';
import type { EnginePort } from './engine-port.js';
import { ReconcileError } from './errors.js';
import { pollUntil } from './poll-until.js';
import { allOrAbort } from './all-or-abort.js';

export interface DependencyWaitOptions {
  readonly port: EnginePort;
  readonly project: string;
  readonly signal?: AbortSignal;
  /** Between checks (default 200 ms; Compose polls every 500 ms). */
  readonly intervalMs?: number;
  /** Deadline per condition (absent: none — an unhealthy or exited dependency fails anyway). */
  readonly timeoutMs?: number;
  /** A `required: false` dependency that failed: told here, and the start goes on. */
  onSkipped?(message: string): void;
}

const CONDITION_TEXT: Record<DependencyCondition, string> = {
  service_started: 'started',
  service_healthy: 'healthy',
  service_completed_successfully: 'completed successfully',
};

/** The service's containers (one-off `run` containers excluded), as the waits judge them. */
export async function serviceContainers(
  port: EnginePort,
  project: string,
  service: string,
  signal?: AbortSignal,
): Promise<ContainerInfo[]> {
  const list = await port.listContainers(
    { project, labels: { [LABEL.service]: service, [LABEL.oneoff]: 'false' } },
    signal ? { signal } : {},
  );
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Waits until every condition holds, all at once (Compose checks each dependency in turn; the
 * result is the same, sooner). A dependency with no container (scale 0, or not part of this run)
 * is not waited for, as in Compose. A failed `required: false` dependency is reported through
 * `onSkipped` and ignored; any other failure throws RECONCILE_DEPENDENCY_FAILED naming the
 * dependency, the service waiting on it and the reason; a deadline throws RECONCILE_WAIT_TIMEOUT.
 */
export async function waitForDependencies(
  conditions: readonly WaitCondition[],
  dependent: string,
  o: DependencyWaitOptions,
): Promise<void> {
  await allOrAbort(
    conditions.map((c) => (signal: AbortSignal) => waitForOne(c, dependent, { ...o, signal })),
    o.signal,
  );
}

async function waitForOne(c: WaitCondition, dependent: string, o: DependencyWaitOptions): Promise<void> {
  const what = `${dependent} waits for ${c.service} to be ${CONDITION_TEXT[c.condition]}`;
  try {
    await pollUntil<void>(
      async () => {
        const containers = await serviceContainers(o.port, o.project, c.service, o.signal);
        if (containers.length === 0) return { done: true, value: undefined };
        const status: ConditionStatus = combineStatuses(
          containers.map((container) => dependencyStatus(c.condition, container)),
        );
        if (status.status === 'failed') {
          throw new ReconcileError(
            'RECONCILE_DEPENDENCY_FAILED',
            `dependency ${c.service} failed: ${status.reason} (${what})`,
            hintFor(c.condition),
          );
        }
        return status.status === 'met'
          ? { done: true, value: undefined }
          : { done: false, detail: status.detail };
      },
      {
        ...(o.signal ? { signal: o.signal } : {}),
        intervalMs: o.intervalMs ?? 200,
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
        onTimeout: (detail) =>
          new ReconcileError(
            'RECONCILE_WAIT_TIMEOUT',
            `timed out after ${formatSeconds(o.timeoutMs ?? 0)}: ${what} (${detail})`,
            'raise --wait-timeout, or check the dependency: tscompose ps, tscompose logs ' + c.service,
          ),
      },
    );
  } catch (err) {
    if (!c.required && err instanceof ReconcileError) {
      o.onSkipped?.(`${err.message}; not required, going on`);
      return;
    }
    throw err;
  }
}

function hintFor(condition: DependencyCondition): string {
  return condition === 'service_healthy'
    ? 'check its healthcheck and logs (tscompose ps, tscompose logs SERVICE); `required: false` makes it optional'
    : 'check its logs (tscompose logs SERVICE); `required: false` makes it optional';
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
