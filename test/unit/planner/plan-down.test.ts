import { describe, expect, it } from 'vitest';
import { LABEL } from '../../../src/planner/labels.js';
import { planDown } from '../../../src/planner/plan-down.js';
import { renderPlan } from '../../../src/planner/render-plan.js';
import { desiredOf, fakeId, lines, makeProject, observe, orphanContainer } from './fixtures.js';
import { threeServices } from './stacks.js';

describe('down', () => {
  it('removes containers dependents first (reverse order), then networks', () => {
    const desired = desiredOf(threeServices());
    expect(renderPlan(planDown(desired, observe(desired)))).toBe(
      lines(
        '- #1 service:web:1  remove  down',
        '- [1] -> #2 service:api:1  remove  down',
        '- [2] -> #3 service:db:1  remove  down',
        '- [3] -> #4 network:default  remove  down',
      ),
    );
  });

  it('with -v also removes the volumes, after their users', () => {
    const desired = desiredOf(threeServices());
    const p = planDown(desired, observe(desired), { removeVolumes: true });
    expect(renderPlan(p)).toBe(
      lines(
        '- #1 service:web:1  remove  down',
        '- [1] -> #2 service:api:1  remove  down',
        '- [2] -> #3 service:db:1  remove  down',
        '- [3] -> #4 network:default  remove  down',
        '- [3] -> #5 volume:data  remove  down',
      ),
    );
    expect(
      p.actions.filter((a) => a.kind === 'remove-container').every((a) => a.removeAnonymousVolumes),
    ).toBe(true);
  });

  it('for named services, removes only those and keeps what others still use', () => {
    const desired = desiredOf(threeServices());
    expect(renderPlan(planDown(desired, observe(desired), { services: ['web'], removeVolumes: true }))).toBe(
      lines('- #1 service:web:1  remove  down'),
    );
  });

  it('warns about orphans, or removes them first with --remove-orphans', () => {
    const desired = desiredOf(makeProject({ web: {} }));
    const observed = observe(desired);
    const withOrphan = { ...observed, containers: [...observed.containers, orphanContainer('old', 1)] };
    expect(renderPlan(planDown(desired, withOrphan))).toBe(
      lines(
        '- #1 service:web:1  remove  down',
        '- [1] -> #2 network:default  remove  down',
        'warning: found orphan containers (p-old-1) of services not in the stack; --remove-orphans removes them',
      ),
    );
    expect(renderPlan(planDown(desired, withOrphan, { removeOrphans: true }))).toBe(
      lines(
        '- #1 service:old:1  remove  orphan',
        '- #2 service:web:1  remove  down',
        '- [2] -> #3 network:default  remove  down',
      ),
    );
  });

  it("removes one-off containers of the stack's services and services disabled by profiles", () => {
    const desired = desiredOf(makeProject({ web: {} }, { disabled: { debug: {} } }));
    const observed = observe(desired);
    const oneoff = orphanContainer('web', 1);
    const run = {
      ...oneoff,
      id: fakeId('run'),
      name: 'p-web-run-0123456789ab',
      labels: { ...oneoff.labels, [LABEL.oneoff]: 'true' },
    };
    const debug = { ...orphanContainer('debug', 1), id: fakeId('debug') };
    const p = planDown(desired, { ...observed, containers: [...observed.containers, run, debug] });
    expect(renderPlan(p)).toBe(
      lines(
        '- #1 service:debug:1  remove  down',
        '- #2 service:web:1  remove  down',
        '- #3 container:p-web-run-0123456789ab  remove  down',
        '- [2] -> #4 network:default  remove  down',
      ),
    );
  });
});
