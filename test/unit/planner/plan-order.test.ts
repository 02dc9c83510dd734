import { describe, expect, it } from 'vitest';
import { buildDesiredState } from '../../../src/planner/desired-state.js';
import { PlanError } from '../../../src/planner/errors.js';
import { plan } from '../../../src/planner/plan.js';
import { renderPlan } from '../../../src/planner/render-plan.js';
import type { PlanOptions } from '../../../src/planner/types.js';
import { desiredOf, lines, makeProject, observe, patchContainer, type ServiceInput } from './fixtures.js';
import { threeServices } from './stacks.js';

const EMPTY = { containers: [], networks: [], volumes: [] };
const started = { condition: 'service_started' as const, required: true };

describe('ordering', () => {
  it('independent services run in parallel; a service waits for all it depends on', () => {
    const project = makeProject({ a: {}, b: {}, c: { depends_on: { a: started, b: started } } });
    const observed = observe(desiredOf(project));
    expect(renderPlan(plan(desiredOf(project), observed, { recreate: 'force' }))).toBe(
      lines(
        '~ #1 service:a:1  recreate  forced (--force-recreate)',
        '~ #2 service:b:1  recreate  forced (--force-recreate)',
        '~ [1,2] -> #3 service:c:1  recreate  forced (--force-recreate)',
        'unchanged: 1 network',
      ),
    );
  });

  it('a chain is ordered and transitively reduced', () => {
    const observed = observe(desiredOf(threeServices()));
    expect(renderPlan(plan(desiredOf(threeServices()), observed, { recreate: 'force' }))).toBe(
      lines(
        '~ #1 service:db:1  recreate  forced (--force-recreate)',
        '~ [1] -> #2 service:api:1  recreate  forced (--force-recreate)',
        '~ [2] -> #3 service:web:1  recreate  forced (--force-recreate)',
        'unchanged: 1 network, 1 volume',
      ),
    );
  });

  it('replicas of a dependency all finish before the dependent starts', () => {
    const project = makeProject({ api: { scale: 2 }, web: { depends_on: { api: started } } });
    expect(renderPlan(plan(desiredOf(project), EMPTY))).toBe(
      lines(
        '+ #1 network:default  create  missing',
        '+ [1] -> #2 service:api:1  create  missing',
        '+ [1] -> #3 service:api:2  create  missing',
        '+ [2,3] -> #4 service:web:1  create  missing',
      ),
    );
  });

  it.each<[string, ServiceInput]>([
    ['links', { links: ['web:www'] }],
    ['network_mode service:', { network_mode: 'service:web' }],
    ['ipc service:', { ipc: 'service:web' }],
    ['pid service:', { pid: 'service:web' }],
    ['volumes_from', { volumes_from: ['web:ro'] }],
  ])('implicit edge from %s', (_name, side) => {
    const project = makeProject({ side, web: {} });
    const rendered = renderPlan(plan(desiredOf(project), EMPTY));
    expect(rendered).toMatch(
      /\+ \[\d+\] -> #(\d+) service:web:1 {2}create {2}missing\n\+ \[\1\] -> #\d+ service:side:1 {2}create {2}missing$/,
    );
  });
});

describe('cycles are rejected', () => {
  it.each<[string, Record<string, ServiceInput>, string]>([
    ['two services', { a: { depends_on: { b: started } }, b: { depends_on: { a: started } } }, 'a -> b -> a'],
    [
      'three services',
      {
        a: { depends_on: { b: started } },
        b: { depends_on: { c: started } },
        c: { depends_on: { a: started } },
      },
      'a -> b -> c -> a',
    ],
    ['through links', { a: { links: ['b'] }, b: { depends_on: { a: started } } }, 'a -> b -> a'],
    ['through network_mode', { a: { network_mode: 'service:b' }, b: { volumes_from: ['a'] } }, 'a -> b -> a'],
    [
      'in a part of the graph',
      { x: {}, a: { depends_on: { x: started, b: started } }, b: { depends_on: { a: started } } },
      'a -> b -> a',
    ],
  ])('%s', (_name, services, cycle) => {
    const desired = buildDesiredState(makeProject(services));
    let error: unknown;
    try {
      plan(desired, EMPTY);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PlanError);
    expect(error).toMatchObject({
      code: 'PLAN_CYCLE',
      exitCode: 3,
      message: `dependency cycle between services: ${cycle}`,
    });
  });
});

describe('dependents', () => {
  const stack = (api: ServiceInput, webRestart: boolean, web: ServiceInput = {}) =>
    makeProject({
      api,
      web: { depends_on: { api: { ...started, ...(webRestart ? { restart: true as const } : {}) } }, ...web },
    });

  it('with restart: true, a dependent is stopped before its dependency is recreated and started after', () => {
    const observed = observe(desiredOf(stack({}, true)));
    expect(renderPlan(plan(desiredOf(stack({ environment: { A: '1' } }, true)), observed))).toBe(
      lines(
        '< #1 service:web:1  stop  dependency api recreated (restart: true)',
        '~ [1] -> #2 service:api:1  recreate  config hash changed: environment',
        '> [2] -> #3 service:web:1  start  dependency api recreated (restart: true)',
        'unchanged: 1 network',
      ),
    );
  });

  it('without restart: true, only the dependency is recreated', () => {
    const observed = observe(desiredOf(stack({}, false)));
    expect(renderPlan(plan(desiredOf(stack({ environment: { A: '1' } }, false)), observed))).toBe(
      lines(
        '~ #1 service:api:1  recreate  config hash changed: environment',
        'unchanged: 1 container, 1 network',
      ),
    );
  });

  it('a dependent that changes too is recreated after its dependency, not restarted', () => {
    const observed = observe(desiredOf(stack({}, true)));
    const desired = desiredOf(stack({ environment: { A: '1' } }, true, { environment: { B: '1' } }));
    expect(renderPlan(plan(desired, observed))).toBe(
      lines(
        '~ #1 service:api:1  recreate  config hash changed: environment',
        '~ [1] -> #2 service:web:1  recreate  config hash changed: environment',
        'unchanged: 1 network',
      ),
    );
  });

  it("a stopped dependent is not started by its dependency's recreation", () => {
    const observed = patchContainer(observe(desiredOf(stack({}, true))), 'p-web-1', {
      state: 'exited',
      exitCode: 0,
    });
    expect(renderPlan(plan(desiredOf(stack({ environment: { A: '1' } }, true)), observed))).toBe(
      lines(
        '~ #1 service:api:1  recreate  config hash changed: environment',
        'unchanged: 1 container, 1 network',
      ),
    );
  });

  it.each<[string, ServiceInput, string]>([
    ['network_mode', { network_mode: 'service:web' }, 'network_mode service:web parent recreated'],
    ['ipc', { ipc: 'service:web' }, 'ipc service:web parent recreated'],
    ['pid', { pid: 'service:web' }, 'pid service:web parent recreated'],
    ['volumes_from', { volumes_from: ['web'] }, 'volumes_from web parent recreated'],
  ])('a %s child is recreated with its parent', (_name, side, cause) => {
    const observed = observe(desiredOf(makeProject({ web: {}, side })));
    const desired = desiredOf(makeProject({ web: { environment: { A: '1' } }, side }));
    expect(renderPlan(plan(desired, observed))).toBe(
      lines(
        '~ #1 service:web:1  recreate  config hash changed: environment',
        `~ [1] -> #2 service:side:1  ${'recreate'}  ${cause}`,
        'unchanged: 1 network',
      ),
    );
  });

  it('a parent scaled up keeps its children: they join its lowest replica', () => {
    const side = { network_mode: 'service:web' };
    const observed = observe(desiredOf(makeProject({ web: {}, side })));
    expect(renderPlan(plan(desiredOf(makeProject({ web: { scale: 2 }, side })), observed))).toBe(
      lines('+ #1 service:web:2  create  scale 1→2', 'unchanged: 2 containers, 1 network'),
    );
  });

  it('a network_mode child still joined to a replaced parent is recreated (drift)', () => {
    const desired = desiredOf(makeProject({ web: {}, side: { network_mode: 'service:web' } }));
    const observed = patchContainer(observe(desired), 'p-side-1', (c) => ({
      ...c,
      namespaceOwners: { network: 'f'.repeat(64) },
    }));
    expect(renderPlan(plan(desired, observed))).toBe(
      lines(
        '~ #1 service:side:1  recreate  network_mode service:web parent recreated',
        'unchanged: 1 container, 1 network',
      ),
    );
  });

  it("a network_mode child joins the parent's lowest replica", () => {
    const desired = desiredOf(makeProject({ web: { scale: 2 }, side: { network_mode: 'service:web' } }));
    const observed = observe(desiredOf(makeProject({ web: { scale: 3 } })));
    const withoutFirst = { ...observed, containers: observed.containers.filter((c) => c.name !== 'p-web-1') };
    const create = plan(desired, withoutFirst).actions.find(
      (a) => a.kind === 'create-container' && a.service === 'side',
    );
    expect(create?.kind === 'create-container' && create.spec.network).toEqual({
      mode: 'container',
      container: 'p-web-2',
    });
  });
});

describe('strategies', () => {
  const observed = () => observe(desiredOf(threeServices()));

  it.each<[string, Record<string, ServiceInput>, PlanOptions, string[]]>([
    [
      '--force-recreate with a service named forces only it',
      {},
      { recreate: 'force', services: ['web'] },
      [
        '~ #1 service:web:1  recreate  forced (--force-recreate)',
        'unchanged: 2 containers, 1 network, 1 volume',
      ],
    ],
    [
      '--always-recreate-deps forces the dependencies of the named services',
      {},
      { alwaysRecreateDeps: true, services: ['web'] },
      [
        '~ #1 service:db:1  recreate  forced (--always-recreate-deps)',
        '~ [1] -> #2 service:api:1  recreate  forced (--always-recreate-deps)',
        'unchanged: 1 container, 1 network, 1 volume',
      ],
    ],
    [
      '--no-recreate keeps diverged containers',
      { api: { environment: { FOO: '2' } } },
      { recreate: 'never' },
      ['no changes', 'unchanged: 3 containers, 1 network, 1 volume'],
    ],
    [
      '--no-recreate still creates missing replicas',
      { api: { environment: { FOO: '2' }, scale: 2 } },
      { recreate: 'never' },
      ['+ #1 service:api:2  create  scale 1→2', 'unchanged: 3 containers, 1 network, 1 volume'],
    ],
    [
      'a named service converges its dependencies (diverged) too',
      { db: { environment: { X: '1' } } },
      { services: ['api'] },
      [
        '~ #1 service:db:1  recreate  config hash changed: environment',
        'unchanged: 1 container, 1 network, 1 volume',
      ],
    ],
    [
      '--no-deps leaves the dependencies alone',
      { db: { environment: { X: '1' } }, api: { environment: { FOO: '2' } } },
      { services: ['api'], noDeps: true },
      ['~ #1 service:api:1  recreate  config hash changed: environment.FOO', 'unchanged: 1 network'],
    ],
  ])('%s', (_name, patch, options, expected) => {
    expect(renderPlan(plan(desiredOf(threeServices(patch)), observed(), options))).toBe(lines(...expected));
  });

  it('--no-deps on a first up creates only the named service and waits for nothing', () => {
    const p = plan(desiredOf(threeServices()), EMPTY, { services: ['web'], noDeps: true });
    expect(renderPlan(p)).toBe(
      lines('+ #1 network:default  create  missing', '+ [1] -> #2 service:web:1  create  missing'),
    );
    expect(p.actions[1]).toMatchObject({ kind: 'create-container', waitFor: [] });
  });

  it('--no-start creates without starting', () => {
    expect(renderPlan(plan(desiredOf(makeProject({ web: {} })), EMPTY, { noStart: true }))).toBe(
      lines(
        '+ #1 network:default  create  missing',
        '+ [1] -> #2 service:web:1  create  missing (not started)',
      ),
    );
  });

  it.each<[string, PlanOptions, string | undefined]>([
    ['by default a recreated container inherits its anonymous volumes', {}, 'old'],
    ['-V renews them', { renewAnonVolumes: true }, undefined],
  ])('%s', (_name, options, inherit) => {
    const project = makeProject({ web: { volumes: [{ type: 'volume', target: '/cache' }] } });
    const observedState = observe(desiredOf(project));
    const oldId = observedState.containers[0]!.id;
    const p = plan(desiredOf(project), observedState, { ...options, recreate: 'force' });
    const recreate = p.actions[0];
    expect(recreate?.kind).toBe('recreate-container');
    if (recreate?.kind !== 'recreate-container') return;
    expect(recreate.spec.inheritAnonymousVolumesFrom).toBe(inherit === undefined ? undefined : oldId);
    expect(recreate.replaces).toEqual({ containerId: oldId, name: 'p-web-1' });
  });

  it.each<[string, string[], string]>([
    ['an unknown service', ['nope'], 'no such service: nope'],
    ['a service disabled by profiles', ['debug'], 'service debug is not active with the selected profiles'],
  ])('naming %s is an error', (_name, services, message) => {
    const desired = desiredOf(makeProject({ web: {} }, { disabled: { debug: {} } }));
    expect(() => plan(desired, EMPTY, { services })).toThrow(message);
  });
});
