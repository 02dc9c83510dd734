import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/planner/plan.js';
import { actionSymbol, actionVerb, planToJson, renderPlan } from '../../../src/planner/render-plan.js';
import type { ActionKind, Plan } from '../../../src/planner/types.js';
import { desiredOf, lines, makeProject, observe } from './fixtures.js';

const EMPTY_PLAN: Plan = {
  project: 'p',
  actions: [],
  blockers: [],
  warnings: [],
  unchanged: { containers: [], networks: [], volumes: [] },
};

describe('renderPlan', () => {
  it.each<[ActionKind, string, string]>([
    ['create-network', '+', 'create'],
    ['create-volume', '+', 'create'],
    ['create-container', '+', 'create'],
    ['recreate-network', '~', 'recreate'],
    ['recreate-volume', '~', 'recreate'],
    ['recreate-container', '~', 'recreate'],
    ['remove-network', '-', 'remove'],
    ['remove-volume', '-', 'remove'],
    ['remove-container', '-', 'remove'],
    ['start-container', '>', 'start'],
    ['stop-container', '<', 'stop'],
    ['pull-image', '*', 'pull'],
    ['build-image', '*', 'build'],
  ])('%s is shown as %s %s', (kind, symbol, verb) => {
    expect(actionSymbol(kind)).toBe(symbol);
    expect(actionVerb(kind)).toBe(verb);
  });

  it.each<[string, Plan, string]>([
    ['an empty plan', EMPTY_PLAN, 'no changes'],
    [
      'counts, singular and plural',
      { ...EMPTY_PLAN, unchanged: { containers: ['a', 'b'], networks: ['n'], volumes: [] } },
      lines('no changes', 'unchanged: 2 containers, 1 network'),
    ],
    [
      'blockers and warnings',
      {
        ...EMPTY_PLAN,
        blockers: [{ code: 'PLAN_IMAGE_MISSING', resource: 'image:x', message: 'gone', hint: 'pull it' }],
        warnings: ['careful'],
      },
      lines('! image:x  refused  gone', '  hint: pull it', 'warning: careful'),
    ],
  ])('%s', (_name, p, text) => {
    expect(renderPlan(p)).toBe(text);
  });
});

describe('planToJson', () => {
  it('names what each action does and why, without specs or environments', () => {
    const before = desiredOf(makeProject({ web: { environment: { SECRET: 'hunter2' } } }));
    const after = desiredOf(makeProject({ web: { environment: { SECRET: 'hunter3' } }, api: {} }));
    const observed = observe(before);
    const json = planToJson(plan(after, observed));
    expect(json).toEqual({
      project: 'p',
      actions: [
        {
          id: 1,
          kind: 'create-container',
          resource: 'service:api:1',
          cause: 'missing',
          after: [],
          name: 'p-api-1',
          service: 'api',
          number: 1,
          image: 'api:1',
          start: true,
        },
        {
          id: 2,
          kind: 'recreate-container',
          resource: 'service:web:1',
          cause: 'config hash changed: environment.SECRET',
          after: [],
          name: 'p-web-1',
          service: 'web',
          number: 1,
          image: 'web:1',
          containerId: observed.containers[0]!.id,
          start: true,
        },
      ],
      blockers: [],
      warnings: [],
      unchanged: { containers: [], networks: ['network:default'], volumes: [] },
    });
    expect(JSON.stringify(json)).not.toContain('hunter');
  });
});
