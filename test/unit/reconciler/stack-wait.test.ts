import { describe, expect, it } from 'vitest';
import { converge } from '../../../src/reconciler/converge.js';
import type { ReconcileError } from '../../../src/reconciler/errors.js';
import { readinessTargets, waitForStack } from '../../../src/reconciler/stack-wait.js';
import { makeProject } from '../planner/fixtures.js';
import { FakeEngine, type Behaviour } from './fake-engine.js';

const HEALTHCHECK = { test: ['CMD', 'true'] };

async function upThenWait(behaviours: Record<string, Behaviour>, timeoutMs?: number): Promise<string> {
  const e = new FakeEngine({ images: ['job:1', 'web:1', 'db:1'], behaviours });
  const project = makeProject({
    job: {},
    db: { healthcheck: HEALTHCHECK },
    web: { depends_on: { job: { condition: 'service_completed_successfully', required: true } } },
  });
  const result = await converge(e, project, { waitIntervalMs: 1 });
  return waitForStack(readinessTargets(result.desired), {
    port: e,
    project: 'p',
    intervalMs: 1,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  }).then(
    () => 'ok',
    (err: unknown) => `${(err as ReconcileError).code}: ${(err as Error).message}`,
  );
}

describe('up --wait (waitForStack)', () => {
  it('a job that exited 0 counts as done, a healthy service as ready', async () => {
    expect(
      await upThenWait({ 'p-job-1': { exitCode: 0 }, 'p-db-1': { health: 'healthy', afterPolls: 3 } }),
    ).toBe('ok');
  });

  it('an unhealthy service fails, naming it', async () => {
    expect(await upThenWait({ 'p-job-1': { exitCode: 0 }, 'p-db-1': { health: 'unhealthy' } })).toBe(
      'RECONCILE_WAIT_FAILED: service db: container p-db-1 is unhealthy',
    );
  });

  it('a service that never gets healthy times out, saying what it waited for', async () => {
    expect(await upThenWait({ 'p-job-1': { exitCode: 0 } }, 20)).toBe(
      'RECONCILE_WAIT_TIMEOUT: timed out after 0.0s waiting for db (health: starting)',
    );
  });

  it('readinessTargets marks the services others wait to complete, and skips scale 0', () => {
    const project = makeProject({
      job: {},
      off: { scale: 0 },
      web: { depends_on: { job: { condition: 'service_completed_successfully', required: true } } },
    });
    const e = new FakeEngine({ images: ['job:1', 'web:1', 'off:1'] });
    return converge(e, project, { dryRun: true }).then((r) => {
      expect(readinessTargets(r.desired)).toEqual([
        { service: 'job', expectExit: true },
        { service: 'web', expectExit: false },
      ]);
    });
  });
});
