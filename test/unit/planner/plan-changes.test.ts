import { describe, expect, it } from 'vitest';
import { shortId } from '../../../src/planner/causes.js';
import { plan } from '../../../src/planner/plan.js';
import { renderPlan } from '../../../src/planner/render-plan.js';
import type { Project } from '../../../src/spec/types.js';
import { desiredOf, imageFacts, lines, makeProject, observe, type ServiceInput } from './fixtures.js';
import { threeServices } from './stacks.js';

const EMPTY = { containers: [], networks: [], volumes: [] };

describe('no change gives an empty plan', () => {
  it.each<[string, Project, string]>([
    ['three services', threeServices(), 'unchanged: 3 containers, 1 network, 1 volume'],
    ['a scaled service', makeProject({ api: { scale: 3 } }), 'unchanged: 3 containers, 1 network'],
    [
      'deploy.replicas',
      makeProject({ api: { deploy: { replicas: 2, resources: {}, placement: {} } } }),
      'unchanged: 2 containers, 1 network',
    ],
    [
      'container_name',
      makeProject({ web: { container_name: 'my-web' } }),
      'unchanged: 1 container, 1 network',
    ],
    [
      'network_mode service:',
      makeProject({ web: {}, sidecar: { network_mode: 'service:web' } }),
      'unchanged: 2 containers, 1 network',
    ],
    [
      'configs and secrets',
      makeProject(
        {
          web: {
            configs: [{ source: 'conf' }],
            secrets: [{ source: 'token', target: '/run/secrets/token' }],
          },
        },
        {
          configs: { conf: { content: 'a=1' } },
          secrets: { token: { environment: 'TOKEN', content: 's3cret' } },
        },
      ),
      'unchanged: 1 container, 1 network',
    ],
    [
      'an external network',
      makeProject({ web: { networks: { shared: null } } }, { networks: { shared: { external: true } } }),
      'unchanged: 1 container',
    ],
    [
      'a service scaled to 0',
      makeProject({ web: {}, job: { scale: 0 } }),
      'unchanged: 1 container, 1 network',
    ],
  ])('%s', (_name, project, unchanged) => {
    const desired = desiredOf(project);
    expect(renderPlan(plan(desired, observe(desired)))).toBe(lines('no changes', unchanged));
  });
});

describe('first up', () => {
  it('creates networks and volumes, then services in dependency order', () => {
    const desired = desiredOf(threeServices());
    expect(renderPlan(plan(desired, EMPTY))).toBe(
      lines(
        '+ #1 network:default  create  missing',
        '+ #2 volume:data  create  missing',
        '+ [1,2] -> #3 service:db:1  create  missing',
        '+ [3] -> #4 service:api:1  create  missing',
        '+ [4] -> #5 service:web:1  create  missing',
      ),
    );
  });

  it('creates every replica of a scaled service in parallel', () => {
    const desired = desiredOf(makeProject({ api: { scale: 3 } }));
    expect(renderPlan(plan(desired, EMPTY))).toBe(
      lines(
        '+ #1 network:default  create  missing',
        '+ [1] -> #2 service:api:1  create  missing',
        '+ [1] -> #3 service:api:2  create  missing',
        '+ [1] -> #4 service:api:3  create  missing',
      ),
    );
  });

  it('waits for dependencies with their conditions', () => {
    const desired = desiredOf(threeServices());
    const actions = plan(desired, EMPTY).actions;
    const waits = actions.flatMap((a) => (a.kind === 'create-container' ? [[a.service, a.waitFor]] : []));
    expect(waits).toEqual([
      ['db', []],
      ['api', [{ service: 'db', condition: 'service_healthy', required: true }]],
      ['web', [{ service: 'api', condition: 'service_started', required: true }]],
    ]);
  });
});

describe('each kind of change recreates exactly the changed service', () => {
  it.each<[string, Record<string, ServiceInput>, string]>([
    [
      'environment value',
      { api: { environment: { FOO: '2' } } },
      'service:api:1  recreate  config hash changed: environment.FOO',
    ],
    [
      'environment added',
      { api: { environment: { FOO: '1', BAR: 'x' } } },
      'service:api:1  recreate  config hash changed: environment.BAR',
    ],
    [
      'environment removed',
      { api: { environment: {} } },
      'service:api:1  recreate  config hash changed: environment',
    ],
    [
      'command',
      { web: { command: ['nginx', '-g', 'daemon off;'] } },
      'service:web:1  recreate  config hash changed: command',
    ],
    [
      'published port',
      { web: { ports: [{ target: 80, published: '8081', protocol: 'tcp', mode: 'ingress' }] } },
      'service:web:1  recreate  config hash changed: ports[0].published',
    ],
    ['image reference', { web: { image: 'web:2' } }, 'service:web:1  recreate  config hash changed: image'],
    [
      'a label with dots',
      { web: { labels: { 'com.example.tier': 'front' } } },
      'service:web:1  recreate  config hash changed: labels',
    ],
    [
      'healthcheck interval',
      { db: { healthcheck: { test: ['CMD', 'true'], interval: '10s' } } },
      'service:db:1  recreate  config hash changed: healthcheck.interval',
    ],
    [
      'volume read_only',
      { db: { volumes: [{ type: 'volume', source: 'data', target: '/data', read_only: true }] } },
      'service:db:1  recreate  config hash changed: volumes["/data"].read_only',
    ],
    [
      'network aliases',
      { web: { networks: { default: { aliases: ['www'] } } } },
      'service:web:1  recreate  config hash changed: networks.default.aliases',
    ],
    [
      'restart policy',
      { api: { restart: 'always' } },
      'service:api:1  recreate  config hash changed: restart',
    ],
    ['user', { api: { user: '1000' } }, 'service:api:1  recreate  config hash changed: user'],
    [
      'container_name',
      { api: { container_name: 'the-api' } },
      'service:api:1  recreate  config hash changed: container_name',
    ],
    [
      'several fields (first three named)',
      { api: { environment: { FOO: '2' }, user: '1000', command: ['run'], working_dir: '/app' } },
      'service:api:1  recreate  config hash changed: command, environment.FOO, user (+1 more)',
    ],
  ])('%s', (_name, patch, line) => {
    const observed = observe(desiredOf(threeServices()));
    const rendered = renderPlan(plan(desiredOf(threeServices(patch)), observed));
    expect(rendered).toBe(lines(`~ #1 ${line}`, 'unchanged: 2 containers, 1 network, 1 volume'));
  });
});

describe('changes that must not recreate (ignored by the config hash)', () => {
  it.each<[string, Record<string, ServiceInput>]>([
    ['build added', { api: { build: { context: '/srv/p/api' } } }],
    ['pull_policy', { api: { pull_policy: 'missing' } }],
    [
      'depends_on condition',
      { web: { depends_on: { api: { condition: 'service_healthy', required: true } } } },
    ],
    ['profiles (still active)', { api: { profiles: ['dev'] } }],
    [
      'develop.watch',
      { api: { develop: { watch: [{ path: '/srv/p/api', action: 'sync', target: '/app' }] } } },
    ],
    ['env_file (values unchanged)', { api: { env_file: [{ path: '/srv/p/api.env' }] } }],
    ['label_file', { api: { label_file: ['/srv/p/labels'] } }],
    ['attach', { api: { attach: false } }],
    ['an extension field', { api: { 'x-team': 'core' } as ServiceInput }],
    [
      'deploy.update_config',
      { api: { deploy: { update_config: { order: 'start-first' }, resources: {}, placement: {} } } },
    ],
  ])('%s', (_name, patch) => {
    const observed = observe(desiredOf(threeServices()));
    expect(renderPlan(plan(desiredOf(threeServices(patch)), observed))).toBe(
      lines('no changes', 'unchanged: 3 containers, 1 network, 1 volume'),
    );
  });

  it('a changed replica count adds or removes containers, never recreates the others', () => {
    const observed = observe(desiredOf(threeServices()));
    const rendered = renderPlan(plan(desiredOf(threeServices({ api: { scale: 2 } })), observed));
    expect(rendered).toBe(
      lines('+ #1 service:api:2  create  scale 1→2', 'unchanged: 3 containers, 1 network, 1 volume'),
    );
  });
});

describe('images', () => {
  const project = (patch: Record<string, ServiceInput> = {}) => threeServices(patch);

  it('a new image id for the same reference recreates its service ("image updated")', () => {
    const observed = observe(desiredOf(project()));
    const newer = imageFacts('web:1', 2);
    const rendered = renderPlan(plan(desiredOf(project(), { images: { 'web:1': newer } }), observed));
    const old = imageFacts('web:1', 1);
    expect(rendered).toBe(
      lines(
        `~ #1 service:web:1  recreate  image updated: ${shortId(old.id)} → ${shortId(newer.id)}`,
        'unchanged: 2 containers, 1 network, 1 volume',
      ),
    );
  });

  it('a new manifest digest with the same image id does not recreate', () => {
    const observed = observe(desiredOf(project()));
    const same = { ...imageFacts('web:1', 1), digest: `sha256:${'e'.repeat(64)}` };
    expect(renderPlan(plan(desiredOf(project(), { images: { 'web:1': same } }), observed))).toBe(
      lines('no changes', 'unchanged: 3 containers, 1 network, 1 volume'),
    );
  });

  it('a missing image is pulled before the containers that use it', () => {
    const desired = desiredOf(project(), { images: { 'api:1': null } });
    expect(renderPlan(plan(desired, EMPTY))).toBe(
      lines(
        '+ #1 network:default  create  missing',
        '+ #2 volume:data  create  missing',
        '* #3 image:api:1  pull  missing',
        '+ [1,2] -> #4 service:db:1  create  missing',
        '+ [3,4] -> #5 service:api:1  create  missing',
        '+ [5] -> #6 service:web:1  create  missing',
      ),
    );
  });

  it('an image pulled by the plan is not pinned to the id known before', () => {
    const desired = desiredOf(project({ api: { pull_policy: 'always' } }));
    const observed = observe(desiredOf(project()));
    const p = plan(desired, observed, { recreate: 'force', services: ['api'] });
    const recreate = p.actions.find((a) => a.kind === 'recreate-container');
    expect(recreate?.kind === 'recreate-container' && recreate.spec.imageId).toBe(undefined);
    expect(renderPlan(p)).toBe(
      lines(
        '* #1 image:api:1  pull  pull_policy: always',
        '~ [1] -> #2 service:api:1  recreate  forced (--force-recreate)',
        'unchanged: 1 container, 1 network, 1 volume',
      ),
    );
  });

  it.each<[string, ServiceInput, Parameters<typeof plan>[2], string[]]>([
    [
      'pull_policy always pulls a present image',
      { pull_policy: 'always' },
      {},
      ['* #1 image:web:1  pull  pull_policy: always'],
    ],
    ['--pull always', {}, { pull: 'always' }, ['* #1 image:web:1  pull  --pull always']],
    ['--pull never with the image present', {}, { pull: 'never' }, ['no changes']],
    [
      'pull_policy daily, last pulled over a day ago',
      { pull_policy: 'daily' },
      { now: '2026-01-03T00:00:00Z' },
      ['* #1 image:web:1  pull  pull_policy: daily (last pulled 2026-01-01T00:00:00Z)'],
    ],
    [
      'pull_policy daily, pulled within the day',
      { pull_policy: 'daily' },
      { now: '2026-01-01T12:00:00Z' },
      ['no changes'],
    ],
    [
      'pull_policy every_12h',
      { pull_policy: 'every_12h' },
      { now: '2026-01-01T13:00:00Z' },
      ['* #1 image:web:1  pull  pull_policy: every_12h (last pulled 2026-01-01T00:00:00Z)'],
    ],
    ['pull_policy daily without a clock', { pull_policy: 'daily' }, {}, ['no changes']],
  ])('%s', (_name, web, options, expected) => {
    const desired = desiredOf(makeProject({ web }));
    expect(renderPlan(plan(desired, observe(desiredOf(makeProject({ web: {} }))), options))).toBe(
      lines(...expected, 'unchanged: 1 container, 1 network'),
    );
  });

  it('an absent image with pull_policy never is refused', () => {
    const desired = desiredOf(makeProject({ web: { pull_policy: 'never' } }), { images: { 'web:1': null } });
    expect(renderPlan(plan(desired, EMPTY))).toBe(
      lines(
        '+ #1 network:default  create  missing',
        '+ [1] -> #2 service:web:1  create  missing',
        '! image:web:1  refused  image web:1 of service web is not present and pull_policy: never forbids pulling it',
        '  hint: pull it first (tscompose pull), or change the pull policy',
      ),
    );
  });

  it('a service that only builds gets its image built, named <project>-<service>', () => {
    const project = makeProject({ app: { image: undefined, build: { context: '/srv/p/app' } } });
    const desired = desiredOf(project, { images: { 'p-app': null } });
    expect(renderPlan(plan(desired, EMPTY))).toBe(
      lines(
        '+ #1 network:default  create  missing',
        '* #2 image:p-app  build  missing',
        '+ [1,2] -> #3 service:app:1  create  missing',
      ),
    );
  });

  it('pull_policy build always builds', () => {
    const project = makeProject({ app: { build: { context: '/srv/p/app' }, pull_policy: 'build' } });
    const desired = desiredOf(project);
    expect(renderPlan(plan(desired, observe(desired)))).toBe(
      lines('* #1 image:app:1  build  pull_policy: build', 'unchanged: 1 container, 1 network'),
    );
  });
});
