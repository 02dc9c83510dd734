import { describe, expect, it } from 'vitest';
import type {
  ContainerInfo,
  ContainerState,
  HealthStatus,
  RestartPolicySpec,
} from '../../../src/engine/container/types.js';
import {
  combineStatuses,
  dependencyStatus,
  readinessStatus,
  type ConditionStatus,
} from '../../../src/reconciler/container-conditions.js';
import type { DependencyCondition } from '../../../src/planner/types.js';

interface Row {
  state: ContainerState;
  exitCode?: number | null;
  health?: Exclude<HealthStatus, 'none'> | null;
  restart?: RestartPolicySpec;
  restartCount?: number;
}

function container(r: Row): Pick<ContainerInfo, 'name' | 'state' | 'exitCode' | 'health' | 'restartCount'> & {
  spec: Pick<ContainerInfo['spec'], 'restartPolicy'>;
} {
  return {
    name: 'p-db-1',
    state: r.state,
    exitCode: r.exitCode ?? null,
    health: r.health ? { status: r.health, failingStreak: 0, log: [] } : null,
    restartCount: r.restartCount ?? 0,
    spec: r.restart ? { restartPolicy: r.restart } : {},
  };
}

const show = (s: ConditionStatus): string =>
  s.status === 'failed' ? `failed: ${s.reason}` : `${s.status}: ${s.detail}`;

describe('dependencyStatus: depends_on conditions on one container', () => {
  it.each<[string, DependencyCondition, Row, string]>([
    [
      'started: any state, ordering is enough',
      'service_started',
      { state: 'exited', exitCode: 1 },
      'met: exited',
    ],
    ['healthy: healthy', 'service_healthy', { state: 'running', health: 'healthy' }, 'met: healthy'],
    [
      'healthy: starting waits',
      'service_healthy',
      { state: 'running', health: 'starting' },
      'pending: health: starting',
    ],
    [
      'healthy: unhealthy fails',
      'service_healthy',
      { state: 'running', health: 'unhealthy' },
      'failed: container p-db-1 is unhealthy',
    ],
    [
      'healthy: no healthcheck fails',
      'service_healthy',
      { state: 'running' },
      'failed: container p-db-1 has no healthcheck',
    ],
    [
      'healthy: an exit fails',
      'service_healthy',
      { state: 'exited', exitCode: 3, health: 'starting' },
      'failed: container p-db-1 exited with code 3',
    ],
    [
      'completed: exit 0',
      'service_completed_successfully',
      { state: 'exited', exitCode: 0 },
      'met: exited (0)',
    ],
    [
      'completed: exit 2 fails',
      'service_completed_successfully',
      { state: 'exited', exitCode: 2 },
      'failed: container p-db-1 exited with code 2',
    ],
    ['completed: running waits', 'service_completed_successfully', { state: 'running' }, 'pending: running'],
    ['completed: created waits', 'service_completed_successfully', { state: 'created' }, 'pending: created'],
  ])('%s', (_name, condition, row, expected) => {
    expect(show(dependencyStatus(condition, container(row)))).toBe(expected);
  });
});

describe('readinessStatus: up --wait on one container', () => {
  it.each<[string, Row, boolean, string]>([
    ['running without healthcheck is ready', { state: 'running' }, false, 'met: running'],
    ['running and healthy', { state: 'running', health: 'healthy' }, false, 'met: healthy'],
    [
      'running, health starting',
      { state: 'running', health: 'starting' },
      false,
      'pending: health: starting',
    ],
    [
      'unhealthy fails',
      { state: 'running', health: 'unhealthy' },
      false,
      'failed: container p-db-1 is unhealthy',
    ],
    [
      'a one-shot that exited 0 is done (compose#10596)',
      { state: 'exited', exitCode: 0 },
      false,
      'met: exited (0)',
    ],
    [
      'exit 0 with restart: always is not done yet',
      { state: 'exited', exitCode: 0, restart: { name: 'always' } },
      false,
      'pending: exited (0), restarting',
    ],
    ['a crash fails', { state: 'exited', exitCode: 1 }, false, 'failed: container p-db-1 exited with code 1'],
    [
      'a crash with on-failure retries left is pending',
      { state: 'exited', exitCode: 1, restart: { name: 'on-failure', maxRetries: 3 }, restartCount: 1 },
      false,
      'pending: exited (1), restarting',
    ],
    [
      'a crash with on-failure retries used up fails',
      { state: 'exited', exitCode: 1, restart: { name: 'on-failure', maxRetries: 3 }, restartCount: 3 },
      false,
      'failed: container p-db-1 exited with code 1',
    ],
    ['restarting is pending', { state: 'restarting', exitCode: 1 }, false, 'pending: restarting'],
    ['a job still running is pending', { state: 'running' }, true, 'pending: running'],
    ['a job that exited 0 is done', { state: 'exited', exitCode: 0 }, true, 'met: exited (0)'],
    ['dead fails', { state: 'dead' }, false, 'failed: container p-db-1 is dead'],
    ['created is pending', { state: 'created' }, false, 'pending: created'],
  ])('%s', (_name, row, expectExit, expected) => {
    expect(show(readinessStatus(container(row), expectExit))).toBe(expected);
  });
});

describe('combineStatuses', () => {
  const met: ConditionStatus = { status: 'met', detail: 'healthy' };
  const pending: ConditionStatus = { status: 'pending', detail: 'health: starting' };
  const failed: ConditionStatus = { status: 'failed', reason: 'container p-db-2 is unhealthy' };
  it.each<[string, ConditionStatus[], string]>([
    ['all met', [met, met], 'met'],
    ['one pending', [met, pending], 'pending'],
    ['a failure wins over pending', [pending, failed], 'failed'],
  ])('%s', (_name, statuses, expected) => {
    expect(combineStatuses(statuses).status).toBe(expected);
  });
});
