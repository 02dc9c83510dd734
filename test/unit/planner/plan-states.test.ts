import { describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../src/engine/container/types.js';
import { plan } from '../../../src/planner/plan.js';
import { renderPlan } from '../../../src/planner/render-plan.js';
import type { PlanOptions } from '../../../src/planner/types.js';
import { desiredOf, lines, makeProject, observe, patchContainer } from './fixtures.js';

const exitedOnItsOwn: Partial<ContainerInfo> = {
  state: 'exited',
  exitCode: 0,
  finishedAt: '2026-01-01T00:01:00Z',
};
const stoppedByProject: Partial<ContainerInfo> = {
  state: 'exited',
  exitCode: 0,
  manuallyStopped: true,
  desiredState: 'stopped',
};
const stoppedBehindOurBack: Partial<ContainerInfo> = {
  state: 'exited',
  exitCode: 143,
  manuallyStopped: true,
};

describe('up-to-date containers by state and trigger', () => {
  const UNCHANGED = 'unchanged: 1 container, 1 network';
  const STARTED = 'unchanged: 1 network';
  it.each<[string, Partial<ContainerInfo>, PlanOptions, string[]]>([
    ['running (up)', {}, {}, ['no changes', UNCHANGED]],
    ['exited on its own is left as it is (up)', exitedOnItsOwn, {}, ['no changes', UNCHANGED]],
    [
      'crashed with restart: no is left as it is (up)',
      { state: 'exited', exitCode: 1 },
      {},
      ['no changes', UNCHANGED],
    ],
    [
      'stopped by tscompose stop is started by up',
      stoppedByProject,
      {},
      ['> #1 service:web:1  start  stopped', STARTED],
    ],
    [
      'stopped through the engine is started by up',
      stoppedBehindOurBack,
      {},
      ['> #1 service:web:1  start  stopped', STARTED],
    ],
    [
      'stopped by tscompose stop stays stopped (watch)',
      stoppedByProject,
      { trigger: 'watch' },
      ['no changes', UNCHANGED],
    ],
    [
      "stopped behind tscompose's back is started (watch)",
      stoppedBehindOurBack,
      { trigger: 'watch' },
      ['> #1 service:web:1  start  stopped outside tscompose', STARTED],
    ],
    [
      'exited on its own is left as it is (watch)',
      exitedOnItsOwn,
      { trigger: 'watch' },
      ['no changes', UNCHANGED],
    ],
    [
      'created and never started (up)',
      { state: 'created' },
      {},
      ['> #1 service:web:1  start  created, not started', STARTED],
    ],
    [
      'created and never started (watch)',
      { state: 'created' },
      { trigger: 'watch' },
      ['> #1 service:web:1  start  created, not started', STARTED],
    ],
    [
      'created for a container the user stopped stays created (watch)',
      { state: 'created', desiredState: 'stopped' },
      { trigger: 'watch' },
      ['no changes', UNCHANGED],
    ],
    [
      'created for a container the user stopped is started by up',
      { state: 'created', desiredState: 'stopped' },
      {},
      ['> #1 service:web:1  start  created, not started', STARTED],
    ],
    ['paused is left paused', { state: 'paused' }, {}, ['no changes', UNCHANGED]],
    ['restarting is left to its policy', { state: 'restarting' }, {}, ['no changes', UNCHANGED]],
    ['dead is recreated', { state: 'dead' }, {}, ['~ #1 service:web:1  recreate  state dead', STARTED]],
    [
      'removing is recreated',
      { state: 'removing' },
      {},
      ['~ #1 service:web:1  recreate  state removing', STARTED],
    ],
    ['stopped, with --no-start', stoppedByProject, { noStart: true }, ['no changes', UNCHANGED]],
    [
      'dead, even with --no-recreate',
      { state: 'dead' },
      { recreate: 'never' },
      ['~ #1 service:web:1  recreate  state dead', STARTED],
    ],
  ])('%s', (_name, patch, options, expected) => {
    const desired = desiredOf(makeProject({ web: {} }));
    const observed = patchContainer(observe(desired), 'p-web-1', patch);
    expect(renderPlan(plan(desired, observed, options))).toBe(lines(...expected));
  });

  it('a stopped container starts after what it depends on', () => {
    const started = { condition: 'service_started' as const, required: true };
    const before = makeProject({ api: {}, web: { depends_on: { api: started } } });
    const after = makeProject({ api: { environment: { A: '1' } }, web: { depends_on: { api: started } } });
    const observed = patchContainer(observe(desiredOf(before)), 'p-web-1', stoppedByProject);
    expect(renderPlan(plan(desiredOf(after), observed))).toBe(
      lines(
        '~ #1 service:api:1  recreate  config hash changed: environment',
        '> [1] -> #2 service:web:1  start  stopped',
        'unchanged: 1 network',
      ),
    );
  });

  it('watch recreates a changed, intentionally stopped container without starting it', () => {
    const observed = patchContainer(
      observe(desiredOf(makeProject({ web: {} }))),
      'p-web-1',
      stoppedByProject,
    );
    const desired = desiredOf(makeProject({ web: { environment: { A: '1' } } }));
    const p = plan(desired, observed, { trigger: 'watch' });
    expect(renderPlan(p)).toBe(
      lines(
        '~ #1 service:web:1  recreate  config hash changed: environment (not started)',
        'unchanged: 1 network',
      ),
    );
  });
});
