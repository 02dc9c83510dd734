import { describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../src/engine/container/types.js';
import { containerSpecFor } from '../../../src/planner/desired-state.js';
import { LABEL } from '../../../src/planner/labels.js';
import { plan } from '../../../src/planner/plan.js';
import { renderPlan } from '../../../src/planner/render-plan.js';
import type { ObservedState } from '../../../src/planner/types.js';
import {
  containerInfo,
  desiredOf,
  dropContainers,
  fakeId,
  lines,
  makeProject,
  observe,
  orphanContainer,
  patchContainer,
  PROJECT,
} from './fixtures.js';

/** Observed replicas of `api` with these numbers, up to date with `api` at `scale`. */
function apiWithNumbers(numbers: number[]): ObservedState {
  const max = Math.max(...numbers);
  const desired = desiredOf(makeProject({ api: { scale: max } }));
  const observed = observe(desired);
  const keep = new Set(numbers.map((n) => `${PROJECT}-api-${n}`));
  return { ...observed, containers: observed.containers.filter((c) => keep.has(c.name)) };
}

describe('scale', () => {
  it.each<[string, number[], number, string[]]>([
    [
      'up 1→3 numbers from max+1',
      [1],
      3,
      ['+ #1 service:api:2  create  scale 1→3', '+ #2 service:api:3  create  scale 1→3'],
    ],
    [
      'down 3→1 removes the highest',
      [1, 2, 3],
      1,
      ['- #1 service:api:2  remove  scale 3→1', '- #2 service:api:3  remove  scale 3→1'],
    ],
    [
      'down to 0',
      [1, 2],
      0,
      ['- #1 service:api:1  remove  scale 2→0', '- #2 service:api:2  remove  scale 2→0'],
    ],
    ['up over a gap: next is max+1', [1, 3], 3, ['+ #1 service:api:4  create  scale 2→3']],
    ['down over gaps keeps the lowest', [2, 5, 7], 2, ['- #1 service:api:7  remove  scale 3→2']],
    ['a lone replica numbered 2 is kept as it is', [2], 1, []],
  ])('%s', (_name, numbers, scale, expected) => {
    const desired = desiredOf(makeProject({ api: { scale } }));
    const kept = Math.min(numbers.length, scale);
    const rendered = renderPlan(plan(desired, apiWithNumbers(numbers)));
    const unchanged =
      kept === 0 ? 'unchanged: 1 network' : `unchanged: ${kept} container${kept === 1 ? '' : 's'}, 1 network`;
    expect(rendered).toBe(lines(...(expected.length === 0 ? ['no changes'] : expected), unchanged));
  });

  it('--scale overrides scale and deploy.replicas', () => {
    const project = makeProject({ api: { scale: 1 } });
    const desired = desiredOf(project, { scale: { api: 2 } });
    expect(renderPlan(plan(desired, observe(desiredOf(project))))).toBe(
      lines('+ #1 service:api:2  create  scale 1→2', 'unchanged: 1 container, 1 network'),
    );
  });

  it('scale down and a config change: extra replicas go, the kept ones are recreated', () => {
    const observed = observe(desiredOf(makeProject({ api: { scale: 3, environment: { A: '1' } } })));
    const desired = desiredOf(makeProject({ api: { scale: 1, environment: { A: '2' } } }));
    expect(renderPlan(plan(desired, observed))).toBe(
      lines(
        '- #1 service:api:2  remove  scale 3→1',
        '- #2 service:api:3  remove  scale 3→1',
        '~ #3 service:api:1  recreate  config hash changed: environment.A',
        'unchanged: 1 network',
      ),
    );
  });

  it('removed replicas take their anonymous volumes with them', () => {
    const desired = desiredOf(makeProject({ api: { scale: 1 } }));
    const removal = plan(desired, apiWithNumbers([1, 2])).actions[0];
    expect(removal).toMatchObject({ kind: 'remove-container', removeAnonymousVolumes: true });
  });
});

describe('orphans', () => {
  const base = () => desiredOf(makeProject({ web: {} }));
  const withOrphans = (...orphans: ContainerInfo[]): ObservedState => {
    const observed = observe(base());
    return { ...observed, containers: [...observed.containers, ...orphans] };
  };

  it('are only warned about without --remove-orphans', () => {
    expect(renderPlan(plan(base(), withOrphans(orphanContainer('old', 1))))).toBe(
      lines(
        'no changes',
        'warning: found orphan containers (p-old-1) of services not in the stack; --remove-orphans removes them',
        'unchanged: 1 container, 1 network',
      ),
    );
  });

  it('are removed with --remove-orphans', () => {
    const observed = withOrphans(orphanContainer('old', 1), orphanContainer('old', 2));
    expect(renderPlan(plan(base(), observed, { removeOrphans: true }))).toBe(
      lines(
        '- #1 service:old:1  remove  orphan',
        '- #2 service:old:2  remove  orphan',
        'unchanged: 1 container, 1 network',
      ),
    );
  });

  it('are removed dependents first, by their depends-on labels', () => {
    const observed = withOrphans(
      orphanContainer('back', 1),
      orphanContainer('front', 1, 'back:service_started:false'),
    );
    expect(renderPlan(plan(base(), observed, { removeOrphans: true }))).toBe(
      lines(
        '- #1 service:front:1  remove  orphan',
        '- [1] -> #2 service:back:1  remove  orphan',
        'unchanged: 1 container, 1 network',
      ),
    );
  });

  it('new containers wait for orphans to be removed (ports and names are freed first)', () => {
    const desired = desiredOf(makeProject({ web: {}, api: {} }));
    const observed = withOrphans(orphanContainer('old', 1));
    expect(renderPlan(plan(desired, observed, { removeOrphans: true }))).toBe(
      lines(
        '- #1 service:old:1  remove  orphan',
        '+ [1] -> #2 service:api:1  create  missing',
        'unchanged: 1 container, 1 network',
      ),
    );
  });

  it('services disabled by a profile are not orphans', () => {
    const project = makeProject({ web: {} }, { disabled: { debug: {} } });
    const desired = desiredOf(project);
    const debug = containerInfo({
      ...containerSpecFor(PROJECT, desiredOf(makeProject({ debug: {} })).services['debug']!, 1),
    });
    const observed = { ...observe(desired), containers: [...observe(desired).containers, debug] };
    expect(renderPlan(plan(desired, observed, { removeOrphans: true }))).toBe(
      lines('no changes', 'unchanged: 1 container, 1 network'),
    );
  });

  it('one-off containers and other projects are ignored', () => {
    const oneoff = orphanContainer('old', 1);
    const other = orphanContainer('web', 1);
    const observed = withOrphans(
      { ...oneoff, labels: { ...oneoff.labels, [LABEL.oneoff]: 'true' } },
      { ...other, id: fakeId('other'), labels: { ...other.labels, [LABEL.project]: 'elsewhere' } },
    );
    expect(renderPlan(plan(base(), observed, { removeOrphans: true }))).toBe(
      lines('no changes', 'unchanged: 1 container, 1 network'),
    );
  });
});

describe('bookkeeping of replicas', () => {
  const desired = () => desiredOf(makeProject({ web: {} }));

  it('a leftover of an interrupted recreate (same number, temporary name) is removed', () => {
    const observed = observe(desired());
    const good = observed.containers[0]!;
    const leftover = {
      ...good,
      id: fakeId('leftover'),
      name: `${good.id.slice(0, 12)}_p-web-1`,
      state: 'created' as const,
    };
    const rendered = renderPlan(plan(desired(), { ...observed, containers: [leftover, good] }));
    expect(rendered).toBe(
      lines(
        '- #1 service:web:1  remove  duplicate of container-number 1',
        'unchanged: 1 container, 1 network',
      ),
    );
  });

  it('a container without a number label is removed and the replica created', () => {
    const observed = patchContainer(observe(desired()), 'p-web-1', (c) => {
      const labels = { ...c.labels };
      delete labels[LABEL.containerNumber];
      return { ...c, labels };
    });
    expect(renderPlan(plan(desired(), observed))).toBe(
      lines(
        '- #1 container:p-web-1  remove  no container-number label',
        '+ #2 service:web:1  create  missing',
        'unchanged: 1 network',
      ),
    );
  });

  it('a container under another name is recreated under its own', () => {
    const observed = patchContainer(observe(desired()), 'p-web-1', { name: 'renamed' });
    expect(renderPlan(plan(desired(), observed))).toBe(
      lines('~ #1 service:web:1  recreate  name changed: renamed → p-web-1', 'unchanged: 1 network'),
    );
  });

  it('a container whose stored config is missing still says its hash changed', () => {
    const observed = patchContainer(observe(desired()), 'p-web-1', (c) => ({
      ...c,
      labels: { ...c.labels, [LABEL.configHash]: 'old' },
      spec: { ...c.spec, configRecord: undefined },
    }));
    expect(renderPlan(plan(desired(), observed))).toBe(
      lines('~ #1 service:web:1  recreate  config hash changed', 'unchanged: 1 network'),
    );
  });

  it('a removed container is created again with its number', () => {
    const observed = dropContainers(observe(desired()), 'p-web-1');
    expect(renderPlan(plan(desired(), observed))).toBe(
      lines('+ #1 service:web:1  create  missing', 'unchanged: 1 network'),
    );
  });
});
