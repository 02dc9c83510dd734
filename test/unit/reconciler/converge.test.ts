import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../src/common/progress.js';
import { InterruptedError } from '../../../src/common/interrupted-error.js';
import { converge, takeDown } from '../../../src/reconciler/converge.js';
import { ReconcileError } from '../../../src/reconciler/errors.js';
import type { ServiceDependency } from '../../../src/spec/types.js';
import { makeProject, type ServiceInput } from '../planner/fixtures.js';
import { FakeEngine, type FakeEngineOptions } from './fake-engine.js';

const HEALTHCHECK = { test: ['CMD', 'true'], interval: '1s' };
const dep = (condition: ServiceDependency['condition'], required = true): ServiceDependency => ({
  condition,
  required,
});

/** db (healthcheck) ← api (waits healthy) ← web (waits started). */
function threeTier(over: Record<string, ServiceInput> = {}): ReturnType<typeof makeProject> {
  return makeProject({
    db: { healthcheck: HEALTHCHECK, ...over['db'] },
    api: { depends_on: { db: dep('service_healthy') }, ...over['api'] },
    web: { depends_on: { api: dep('service_started') }, ...over['web'] },
  });
}

const IMAGES = ['db:1', 'api:1', 'web:1', 'job:1', 'a:1', 'b:1', 'c:1', 'd:1', 'e:1'];

function engine(o: Omit<FakeEngineOptions, 'images'> & { images?: string[] } = {}): FakeEngine {
  return new FakeEngine({ images: IMAGES, ...o });
}

const fast = { waitIntervalMs: 1 };

describe('converge: cold up, no-op, change', () => {
  it('creates the network first, then each service after the condition it waits for', async () => {
    const e = engine({ behaviours: { 'p-db-1': { health: 'healthy', afterPolls: 2 } } });
    await converge(e, threeTier(), fast);
    expect(e.calls).toEqual([
      'network create p_default',
      'create p-db-1',
      'start p-db-1',
      'create p-api-1',
      'start p-api-1',
      'create p-web-1',
      'start p-web-1',
    ]);
  });

  it('a second converge changes nothing', async () => {
    const e = engine({ behaviours: { 'p-db-1': { health: 'healthy' } } });
    await converge(e, threeTier(), fast);
    const before = e.calls.length;
    const ids = [...e.containers.keys()].sort();
    const result = await converge(e, threeTier(), fast);
    expect(result.plan.actions).toEqual([]);
    expect(e.calls.slice(before)).toEqual([]);
    expect([...e.containers.keys()].sort()).toEqual(ids);
  });

  it('recreates only the changed service, with the temporary-name sequence', async () => {
    const e = engine({ behaviours: { 'p-db-1': { health: 'healthy' } } });
    await converge(e, threeTier(), fast);
    const oldId = e.byName('p-web-1')!.info.id;
    const before = e.calls.length;
    await converge(e, threeTier({ web: { environment: { FOO: 'bar' } } }), fast);
    const tmp = `${oldId.slice(0, 12)}_p-web-1`;
    expect(e.calls.slice(before)).toEqual([
      `create ${tmp}`,
      'stop p-web-1',
      'rm p-web-1',
      `rename ${tmp} p-web-1`,
      'start p-web-1',
    ]);
    expect(e.byName('p-web-1')!.info.id).not.toBe(oldId);
  });

  it('pulls a missing image before planning containers, then creates them', async () => {
    const e = new FakeEngine({ images: ['db:1', 'api:1'] });
    const p = makeProject({ web: {} });
    const result = await converge(e, p, fast);
    expect(e.calls).toEqual(['pull web:1', 'network create p_default', 'create p-web-1', 'start p-web-1']);
    expect(result.plan.actions.map((a) => a.kind)).toContain('pull-image');
    expect(result.applied?.actions.map((a) => a.kind)).not.toContain('pull-image');
    // The container records the pulled image's id (planned again after the pull).
    expect(e.byName('p-web-1')!.info.imageId).toMatch(/^sha256:/);
  });

  it('--dry-run plans and changes nothing', async () => {
    const e = engine();
    const result = await converge(e, threeTier(), { ...fast, dryRun: true });
    expect(result.plan.actions.length).toBeGreaterThan(0);
    expect(e.calls).toEqual([]);
  });

  it('scales up and down keeping the lowest numbers', async () => {
    const e = engine();
    const p = makeProject({ web: {} });
    await converge(e, p, { ...fast, scale: { web: 3 } });
    expect([...e.containers.values()].map((l) => l.info.name).sort()).toEqual([
      'p-web-1',
      'p-web-2',
      'p-web-3',
    ]);
    await converge(e, p, { ...fast, scale: { web: 1 } });
    expect([...e.containers.values()].map((l) => l.info.name)).toEqual(['p-web-1']);
  });

  it('down removes containers dependents first, then the network', async () => {
    const e = engine({ behaviours: { 'p-db-1': { health: 'healthy' } } });
    await converge(e, threeTier(), fast);
    const before = e.calls.length;
    await takeDown(e, threeTier(), {});
    expect(e.calls.slice(before)).toEqual([
      'stop p-web-1',
      'rm p-web-1',
      'stop p-api-1',
      'rm p-api-1',
      'stop p-db-1',
      'rm p-db-1',
      'network rm p_default',
    ]);
    expect(e.containers.size).toBe(0);
  });
});

describe('executor: parallelism', () => {
  const five = (): ReturnType<typeof makeProject> => makeProject({ a: {}, b: {}, c: {}, d: {}, e: {} });

  it.each([
    ['--parallel 1 runs one action at a time', 1, 1],
    ['--parallel 2 runs at most two', 2, 2],
  ])('%s', async (_name, parallel, max) => {
    const e = engine({ delayMs: 5 });
    await converge(e, five(), { ...fast, parallel });
    expect(e.maxInFlight).toBe(max);
    expect(e.containers.size).toBe(5);
  });

  it('independent services run in parallel without a limit', async () => {
    const e = engine({ delayMs: 5 });
    await converge(e, five(), { ...fast, parallel: -1 });
    expect(e.maxInFlight).toBeGreaterThan(1);
  });
});

describe('executor: failures', () => {
  it('stops at the first failure, naming the service and the reason; dependents never start', async () => {
    const e = engine({ fail: ['start p-api-1'], behaviours: { 'p-db-1': { health: 'healthy' } } });
    const err = await converge(e, threeTier(), fast).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ReconcileError);
    expect((err as ReconcileError).code).toBe('RECONCILE_ACTION_FAILED');
    expect((err as Error).message).toBe(
      'service api (p-api-1): start failed: start p-api-1: injected failure',
    );
    expect(e.calls).not.toContain('create p-web-1');
  });

  it.each<[string, ServiceInput, string, string]>([
    [
      'unhealthy dependency',
      { healthcheck: HEALTHCHECK },
      'unhealthy',
      'service api (p-api-1): dependency db failed: container p-db-1 is unhealthy (service api (p-api-1) waits for db to be healthy)',
    ],
    [
      'dependency without a healthcheck',
      { healthcheck: { test: ['NONE'] } },
      'none',
      'service api (p-api-1): dependency db failed: container p-db-1 has no healthcheck (service api (p-api-1) waits for db to be healthy)',
    ],
  ])('%s fails the dependent with RECONCILE_DEPENDENCY_FAILED', async (_n, db, health, message) => {
    const e = engine({
      behaviours: health === 'unhealthy' ? { 'p-db-1': { health: 'unhealthy' } } : {},
    });
    const err = await converge(e, threeTier({ db }), fast).catch((x: unknown) => x);
    expect((err as ReconcileError).code).toBe('RECONCILE_DEPENDENCY_FAILED');
    expect((err as Error).message).toBe(message);
    expect(e.calls).not.toContain('start p-api-1');
  });

  it('a failed dependency with required: false is a warning, and the dependent starts', async () => {
    const e = engine({ behaviours: { 'p-db-1': { health: 'unhealthy' } } });
    const warnings: string[] = [];
    const project = threeTier({ api: { depends_on: { db: dep('service_healthy', false) } } });
    await converge(e, project, { ...fast, onWarning: (w) => warnings.push(w) });
    expect(e.calls).toContain('start p-api-1');
    expect(warnings).toEqual([
      'dependency db failed: container p-db-1 is unhealthy (service api (p-api-1) waits for db to be healthy); not required, going on',
    ]);
  });

  it('a dependency that never becomes healthy times out with RECONCILE_WAIT_TIMEOUT', async () => {
    const e = engine();
    const err = await converge(e, threeTier(), { ...fast, waitTimeoutMs: 30 }).catch((x: unknown) => x);
    expect((err as ReconcileError).code).toBe('RECONCILE_WAIT_TIMEOUT');
    expect((err as Error).message).toMatch(
      /^service api \(p-api-1\): timed out after 0\.0s: .* waits for db to be healthy \(health: starting\)$/,
    );
  });

  it.each([
    ['exit 0 lets the dependent start', 0, true],
    ['exit 1 fails it', 1, false],
  ])('service_completed_successfully: %s', async (_n, exitCode, ok) => {
    const e = engine({ behaviours: { 'p-job-1': { exitCode } } });
    const p = makeProject({ job: {}, web: { depends_on: { job: dep('service_completed_successfully') } } });
    const result = await converge(e, p, fast).then(
      () => 'ok',
      (x: unknown) => (x as Error).message,
    );
    expect(result).toBe(
      ok
        ? 'ok'
        : 'service web (p-web-1): dependency job failed: container p-job-1 exited with code 1 (service web (p-web-1) waits for job to be completed successfully)',
    );
  });

  it('the caller aborting ends the run with InterruptedError', async () => {
    const e = engine({ delayMs: 20 });
    const controller = new AbortController();
    const run = converge(e, makeProject({ a: {}, b: {} }), { ...fast, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('SIGINT')), 5);
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
  });
});

describe('executor: progress', () => {
  it('reports each action under its resource, from working to done', async () => {
    const e = engine();
    const events: ProgressEvent[] = [];
    await converge(e, makeProject({ web: {} }), { ...fast, progress: { emit: (ev) => events.push(ev) } });
    expect(events.map((ev) => `${ev.id} ${ev.status} ${ev.text}`)).toEqual([
      'network:default working Creating',
      'network:default done Created',
      'service:web:1 working Creating',
      'service:web:1 working Starting',
      'service:web:1 done Started',
    ]);
  });
});
