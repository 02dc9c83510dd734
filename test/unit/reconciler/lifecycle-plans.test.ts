import { describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../src/engine/container/types.js';
import { renderPlan } from '../../../src/planner/render-plan.js';
import { dependentsOf, startPlan, stopPlan } from '../../../src/reconciler/lifecycle-plans.js';
import { desiredOf, makeProject, observe, orphanContainer } from '../planner/fixtures.js';

const dep = { condition: 'service_healthy' as const, required: true };
const project = makeProject({
  db: {},
  api: { depends_on: { db: dep } },
  web: { depends_on: { api: { condition: 'service_started' as const, required: true } } },
  tool: {},
});

function containers(state: Partial<ContainerInfo>): ContainerInfo[] {
  return observe(desiredOf(project)).containers.map((c) => ({ ...c, ...state }));
}

describe('start and stop plans (start, stop, restart)', () => {
  it('start: stopped containers, dependencies first, each waiting on its conditions', () => {
    const plan = startPlan(project, containers({ state: 'exited' }));
    expect(renderPlan(plan)).toBe(
      [
        '> #1 service:db:1  start  start',
        '> [1] -> #2 service:api:1  start  start',
        '> #3 service:tool:1  start  start',
        '> [2] -> #4 service:web:1  start  start',
      ].join('\n'),
    );
    const api = plan.actions.find((a) => a.resource === 'service:api:1');
    expect(api?.kind === 'start-container' && api.waitFor).toEqual([
      { service: 'db', condition: 'service_healthy', required: true },
    ]);
  });

  it('start leaves running containers alone', () => {
    expect(startPlan(project, containers({ state: 'running' })).actions).toEqual([]);
  });

  it('stop: dependents first', () => {
    expect(renderPlan(stopPlan(project, containers({ state: 'running' })))).toBe(
      [
        '< #1 service:tool:1  stop  stop',
        '< #2 service:web:1  stop  stop',
        '< [2] -> #3 service:api:1  stop  stop',
        '< [3] -> #4 service:db:1  stop  stop',
      ].join('\n'),
    );
  });

  it('containers of services the stack no longer has are ordered by their depends-on labels', () => {
    const old = [orphanContainer('gone', 1, 'base:service_started:false'), orphanContainer('base', 1)];
    expect(renderPlan(stopPlan(project, old))).toBe(
      ['< #1 service:gone:1  stop  stop', '< [1] -> #2 service:base:1  stop  stop'].join('\n'),
    );
  });

  it('dependentsOf: the services that depend on the given ones, transitively', () => {
    expect(dependentsOf(project, ['db'])).toEqual(['api', 'db', 'web']);
    expect(dependentsOf(project, ['tool'])).toEqual(['tool']);
  });
});
