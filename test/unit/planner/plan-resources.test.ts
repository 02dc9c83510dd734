import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../../../src/planner/canonical-json.js';
import { PlanError } from '../../../src/planner/errors.js';
import { LABEL } from '../../../src/planner/labels.js';
import { assertApplicable, plan } from '../../../src/planner/plan.js';
import { renderPlan } from '../../../src/planner/render-plan.js';
import type { ObservedState } from '../../../src/planner/types.js';
import type { Project } from '../../../src/spec/types.js';
import { desiredOf, lines, makeProject, networkInfo, observe, patchContainer } from './fixtures.js';
import { threeServices } from './stacks.js';

const EMPTY = { containers: [], networks: [], volumes: [] };

describe('volumes', () => {
  it('a changed definition is refused without -y, naming the volume and the change', () => {
    const observed = observe(desiredOf(threeServices()));
    const p = plan(desiredOf(threeServices({}, { type: 'tmpfs', device: 'tmpfs' })), observed);
    expect(renderPlan(p)).toBe(
      lines(
        '! volume:data  refused  volume p_data: definition changed (driver_opts); recreating it deletes its data',
        '  hint: run again with -y to recreate it, or restore its previous definition',
        'unchanged: 3 containers, 1 network',
      ),
    );
    expect(() => assertApplicable(p)).toThrow(PlanError);
    expect(() => assertApplicable(p)).toThrow('volume:data: volume p_data: definition changed (driver_opts)');
  });

  it('a changed option is named field by field', () => {
    const observed = observe(desiredOf(threeServices({}, { type: 'tmpfs', o: 'size=10m' })));
    const p = plan(desiredOf(threeServices({}, { type: 'tmpfs', o: 'size=20m' })), observed);
    expect(p.blockers).toEqual([
      {
        code: 'PLAN_VOLUME_CHANGED',
        resource: 'volume:data',
        message: 'volume p_data: definition changed (driver_opts.o); recreating it deletes its data',
        hint: 'run again with -y to recreate it, or restore its previous definition',
      },
    ]);
  });

  it('with -y: users removed, volume recreated, users created again, dependents after', () => {
    const observed = observe(desiredOf(threeServices()));
    const p = plan(desiredOf(threeServices({}, { type: 'tmpfs' })), observed, { assumeYes: true });
    expect(renderPlan(p)).toBe(
      lines(
        '- #1 service:db:1  remove  volume data recreated',
        '~ [1] -> #2 volume:data  recreate  config hash changed: driver_opts',
        '+ [2] -> #3 service:db:1  create  volume data recreated',
        'unchanged: 2 containers, 1 network',
      ),
    );
    expect(() => assertApplicable(p)).not.toThrow();
  });

  it.each<[string, Project, Project]>([
    [
      'empty driver is local',
      makeProject({}, { volumes: { v: {} } }),
      makeProject({}, { volumes: { v: { driver: 'local' } } }),
    ],
    [
      '"" driver is local',
      makeProject({}, { volumes: { v: { driver: '' } } }),
      makeProject({}, { volumes: { v: {} } }),
    ],
  ])('%s (no change)', (_name, before, after) => {
    const withUser = (p: Project): Project => ({
      ...p,
      services: {
        web: {
          command: null,
          entrypoint: null,
          image: 'web:1',
          volumes: [{ type: 'volume', source: 'v', target: '/v' }],
        },
      },
    });
    expect(renderPlan(plan(desiredOf(withUser(after)), observe(desiredOf(withUser(before)))))).toBe(
      lines('no changes', 'unchanged: 1 container, 1 volume'),
    );
  });

  it('a label change is a definition change too', () => {
    const observed = observe(
      desiredOf(
        makeProject(
          { db: { volumes: [{ type: 'volume', source: 'd', target: '/d' }] } },
          { volumes: { d: {} } },
        ),
      ),
    );
    const desired = desiredOf(
      makeProject(
        { db: { volumes: [{ type: 'volume', source: 'd', target: '/d' }] } },
        { volumes: { d: { labels: { tier: 'gold' } } } },
      ),
    );
    expect(plan(desired, observed).blockers.map((b) => b.message)).toEqual([
      'volume p_d: definition changed (labels); recreating it deletes its data',
    ]);
  });

  it('a volume made by another project or by hand is a conflict', () => {
    const desired = desiredOf(threeServices());
    const observed: ObservedState = {
      ...EMPTY,
      volumes: [
        {
          name: 'p_data',
          driver: 'local',
          mountpoint: '/x',
          labels: {},
          driverOpts: {},
          created: '',
          anonymous: false,
          usedBy: [],
        },
      ],
    };
    expect(plan(desired, observed).blockers).toEqual([
      {
        code: 'PLAN_RESOURCE_CONFLICT',
        resource: 'volume:data',
        message: 'volume p_data exists but was not created by tscompose for project p',
        hint: 'declare it "external: true" to use it as it is, or remove it',
      },
    ]);
  });

  it.each<[string, boolean, string[]]>([
    ['present: nothing to do', true, ['no changes', 'unchanged: 1 container']],
    [
      'missing: refused',
      false,
      [
        '! volume:shared  refused  volume shared is declared external but does not exist',
        '  hint: create it first (tscompose volume create shared)',
        'unchanged: 1 container',
      ],
    ],
  ])('an external volume %s', (_name, present, expected) => {
    const project = makeProject(
      { web: { network_mode: 'none', volumes: [{ type: 'volume', source: 'shared', target: '/s' }] } },
      { volumes: { shared: { external: true } } },
    );
    const desired = desiredOf(project);
    const observed = observe(desired);
    const state = present ? observed : { ...observed, volumes: [] };
    expect(renderPlan(plan(desired, state))).toBe(lines(...expected));
  });
});

describe('networks', () => {
  it('a changed network is recreated in place; attached containers are reconnected, not recreated', () => {
    const observed = observe(desiredOf(threeServices()));
    const changed = threeServices();
    changed.networks['default'] = { ...changed.networks['default']!, driver_opts: { mtu: '1400' } };
    const p = plan(desiredOf(changed), observed);
    expect(renderPlan(p)).toBe(
      lines(
        '~ #1 network:default  recreate  config hash changed: driver_opts; reconnects p-api-1, p-db-1, p-web-1',
        'unchanged: 3 containers, 1 volume',
      ),
    );
    expect(p.actions[0]).toMatchObject({
      kind: 'recreate-network',
      attached: [
        { name: 'p-api-1', reconnect: true, restart: true },
        { name: 'p-db-1', reconnect: true, restart: true },
        { name: 'p-web-1', reconnect: true, restart: true },
      ],
    });
  });

  it('a container the plan recreates anyway is not reconnected, and is recreated after the network', () => {
    const observed = observe(desiredOf(threeServices()));
    const changed = threeServices({ web: { environment: { X: '1' } } });
    changed.networks['default'] = { ...changed.networks['default']!, internal: true };
    expect(renderPlan(plan(desiredOf(changed), observed))).toBe(
      lines(
        '~ #1 network:default  recreate  config hash changed: internal; reconnects p-api-1, p-db-1',
        '~ [1] -> #2 service:web:1  recreate  config hash changed: environment',
        'unchanged: 2 containers, 1 volume',
      ),
    );
  });

  it('a removed network is created again', () => {
    const desired = desiredOf(makeProject({ web: {} }));
    const observed = { ...observe(desired), networks: [] };
    expect(renderPlan(plan(desired, observed))).toBe(
      lines('+ #1 network:default  create  missing', 'unchanged: 1 container'),
    );
  });

  it('a running container detached from a network is recreated', () => {
    const desired = desiredOf(makeProject({ web: {} }));
    const observed = patchContainer(observe(desired), 'p-web-1', { networks: [] });
    expect(renderPlan(plan(desired, observed))).toBe(
      lines('~ #1 service:web:1  recreate  network p_default not attached', 'unchanged: 1 network'),
    );
  });

  it('a network without a config hash (made by an older version) is left alone', () => {
    const desired = desiredOf(makeProject({ web: {} }));
    const observed = observe(desired);
    const network = observed.networks[0]!;
    const labels = { ...network.labels };
    delete labels[LABEL.configHash];
    const changed = makeProject({ web: {} }, { networks: { default: { internal: true } } });
    expect(renderPlan(plan(desiredOf(changed), { ...observed, networks: [{ ...network, labels }] }))).toBe(
      lines('no changes', 'unchanged: 1 container, 1 network'),
    );
  });

  it('a network with the same name not made for this project is a conflict', () => {
    const desired = desiredOf(makeProject({ web: {} }));
    const foreign = networkInfo('p_default', { 'io.tscompose.project': 'other' }, {}, []);
    expect(renderPlan(plan(desired, { ...EMPTY, networks: [foreign] }))).toBe(
      lines(
        '+ #1 service:web:1  create  missing',
        '! network:default  refused  network p_default exists but was not created by tscompose for project p',
        '  hint: declare it "external: true" to use it as it is, or remove it',
      ),
    );
  });

  it('an external network must exist', () => {
    const project = makeProject(
      { web: { networks: { shared: null } } },
      { networks: { shared: { external: true } } },
    );
    expect(plan(desiredOf(project), EMPTY).blockers).toEqual([
      {
        code: 'PLAN_EXTERNAL_MISSING',
        resource: 'network:shared',
        message: 'network shared is declared external but does not exist',
        hint: 'create it first (tscompose network create shared)',
      },
    ]);
  });

  it('only networks of the services converged are created', () => {
    const project = makeProject(
      { web: { networks: { front: null } }, db: { networks: { back: null } } },
      { networks: { front: {}, back: {} } },
    );
    expect(renderPlan(plan(desiredOf(project), EMPTY, { services: ['web'] }))).toBe(
      lines('+ #1 network:front  create  missing', '+ [1] -> #2 service:web:1  create  missing'),
    );
  });
});

describe('configs and secrets: content changes recreate only their users', () => {
  const project = (conf: string, token: string, file = '/srv/p/app.conf'): Project =>
    makeProject(
      {
        a: { configs: [{ source: 'conf', target: '/etc/app.conf' }] },
        b: { secrets: [{ source: 'token', target: '/run/secrets/token' }] },
        c: { configs: [{ source: 'inline' }] },
        d: {},
      },
      {
        configs: { conf: { file }, inline: { content: conf } },
        secrets: { token: { environment: 'TOKEN', content: token } },
      },
    );
  const digests = (fileContent: string) => ({ configs: { conf: sha256Digest(fileContent) } });
  const before = () => observe(desiredOf(project('x', 's1'), { contentDigests: digests('v1') }));

  it.each<[string, Project, string, string]>([
    [
      'a config file',
      project('x', 's1'),
      'v2',
      '~ #1 service:a:1  recreate  config hash changed: configs["/etc/app.conf"].digest',
    ],
    [
      'an inline config',
      project('y', 's1'),
      'v1',
      '~ #1 service:c:1  recreate  config hash changed: configs["/inline"].digest',
    ],
    [
      'an environment secret',
      project('x', 's2'),
      'v1',
      '~ #1 service:b:1  recreate  config hash changed: secrets["/run/secrets/token"].digest',
    ],
  ])('%s', (_name, after, fileContent, line) => {
    const desired = desiredOf(after, { contentDigests: digests(fileContent) });
    expect(renderPlan(plan(desired, before()))).toBe(lines(line, 'unchanged: 3 containers, 1 network'));
  });

  it('moving a config file without changing its content changes nothing', () => {
    const desired = desiredOf(project('x', 's1', '/srv/p/moved.conf'), { contentDigests: digests('v1') });
    expect(renderPlan(plan(desired, before()))).toBe(
      lines('no changes', 'unchanged: 4 containers, 1 network'),
    );
  });

  it('the containers get the files with their digests', () => {
    const desired = desiredOf(project('x', 's1'), { contentDigests: digests('v1') });
    expect(desired.services['a']!.template.files).toEqual([
      {
        kind: 'config',
        key: 'conf',
        target: '/etc/app.conf',
        source: { type: 'path', path: '/srv/p/app.conf' },
        contentDigest: sha256Digest('v1'),
      },
    ]);
    expect(desired.services['b']!.template.files).toEqual([
      {
        kind: 'secret',
        key: 'token',
        target: '/run/secrets/token',
        source: { type: 'content', content: 's1' },
        contentDigest: sha256Digest('s1'),
      },
    ]);
  });

  it('a file-sourced config without a digest is a caller bug', () => {
    expect(() => desiredOf(project('x', 's1'))).toThrow(
      'planner input missing: content digest of config conf',
    );
  });

  it('the secret content never appears in the stored config record', () => {
    const desired = desiredOf(project('x', 'hunter2'), { contentDigests: digests('v1') });
    expect(desired.services['b']!.configRecord).not.toContain('hunter2');
    expect(desired.services['b']!.configRecord).toContain(sha256Digest('hunter2'));
  });
});
