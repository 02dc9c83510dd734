import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/planner/canonical-json.js';
import {
  HASH_IGNORED_SERVICE_FIELDS,
  networkConfigHash,
  serviceConfigHash,
  serviceHashInput,
  volumeConfigHash,
  type ServiceHashContext,
} from '../../../src/planner/config-hash.js';
import { buildDesiredState } from '../../../src/planner/desired-state.js';
import { diffPaths } from '../../../src/planner/field-diff.js';
import { plan } from '../../../src/planner/plan.js';
import { renderPlan } from '../../../src/planner/render-plan.js';
import type { NetworkConfig, ServiceConfig, VolumeConfig } from '../../../src/spec/types.js';
import { loadProject } from '../../../src/spec/load.js';
import { allImages, lines, observe } from './fixtures.js';

const CTX: ServiceHashContext = {
  networkNames: { default: 'p_default', back: 'p_back' },
  volumeNames: { data: 'p_data' },
  configDigests: { conf: 'sha256:aaa' },
  secretDigests: { key: 'sha256:bbb' },
};

const BASE: ServiceConfig = {
  image: 'nginx:1.27',
  command: null,
  entrypoint: null,
  environment: { A: '1', B: '2' },
  labels: { tier: 'front' },
  ports: [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }],
  volumes: [
    { type: 'volume', source: 'data', target: '/data' },
    { type: 'bind', source: '/srv/p/conf', target: '/etc/conf', read_only: true },
  ],
  networks: { default: null, back: { aliases: ['b'] } },
  configs: [{ source: 'conf', target: '/etc/app.conf' }],
  secrets: [{ source: 'key', target: '/run/secrets/key' }],
};

const hash = (s: ServiceConfig, ctx = CTX) => serviceConfigHash(s, ctx).hash;

/** The same object with its keys (recursively) in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .reverse()
        .map((k) => [k, reversedKeys((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}

describe('config hash stability', () => {
  it('is 64 hex digits and deterministic', () => {
    expect(hash(BASE)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(BASE)).toBe(hash(structuredClone(BASE)));
  });

  it('does not depend on key order', () => {
    expect(hash(reversedKeys(BASE))).toBe(hash(BASE));
  });

  it('does not depend on the order of volumes, configs and secrets (keyed by target)', () => {
    expect(hash({ ...BASE, volumes: [...(BASE.volumes ?? [])].reverse() })).toBe(hash(BASE));
  });

  it('depends on the order of command arguments', () => {
    expect(hash({ ...BASE, command: ['a', 'b'] })).not.toBe(hash({ ...BASE, command: ['b', 'a'] }));
  });

  it('treats an empty mapping as absent', () => {
    expect(hash({ ...BASE, deploy: { resources: {}, placement: {} } })).toBe(hash(BASE));
  });

  it('is the same across loads of the same stack, whatever the key order in the file', async () => {
    const yaml = [
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    environment: {A: "1", B: "2"}',
      '    ports: ["8080:80"]',
      '    volumes: ["data:/data", "./site:/srv:ro"]',
      '    configs: [conf]',
      '    depends_on: [api]',
      '  api:',
      '    image: api:1',
      'volumes:',
      '  data: {}',
      'configs:',
      '  conf:',
      '    content: "x=1"',
    ].join('\n');
    const reordered = [
      'configs:',
      '  conf:',
      '    content: "x=1"',
      'volumes:',
      '  data: {}',
      'services:',
      '  api:',
      '    image: api:1',
      '  web:',
      '    depends_on: [api]',
      '    configs: [conf]',
      '    volumes: ["./site:/srv:ro", "data:/data"]',
      '    ports: ["8080:80"]',
      '    environment: {B: "2", A: "1"}',
      '    image: nginx:1.27',
    ].join('\n');
    const load = (content: string) =>
      loadProject({
        files: [{ path: '/srv/p/compose.yaml', content }],
        workingDir: '/srv/p',
        environment: {},
        reader: { readText: () => Promise.resolve(undefined) },
      });
    const [first, second, third] = await Promise.all([load(yaml), load(yaml), load(reordered)]);
    const desired = (p: typeof first) => buildDesiredState(p, { images: allImages(p) });
    const a = desired(first);
    expect(desired(second).services['web']!.configHash).toBe(a.services['web']!.configHash);
    expect(desired(third).services['web']!.configHash).toBe(a.services['web']!.configHash);
    expect(desired(third).volumes['data']!.configHash).toBe(a.volumes['data']!.configHash);
    // And applying the first load leaves nothing to do for the reordered one.
    expect(renderPlan(plan(desired(third), observe(a)))).toBe(
      lines('no changes', 'unchanged: 2 containers, 1 network, 1 volume'),
    );
  });
});

describe('fields the hash ignores', () => {
  it.each<[string, Partial<ServiceConfig>]>([
    ['build', { build: { context: '/srv/p' } }],
    ['pull_policy', { pull_policy: 'always' }],
    ['scale', { scale: 4 }],
    ['deploy.replicas', { deploy: { replicas: 4, resources: {}, placement: {} } }],
    ['depends_on', { depends_on: { db: { condition: 'service_healthy', required: true } } }],
    ['profiles', { profiles: ['debug'] }],
    ['deploy.update_config', { deploy: { update_config: { parallelism: 2 }, resources: {}, placement: {} } }],
    [
      'deploy.rollback_config',
      { deploy: { rollback_config: { parallelism: 2 }, resources: {}, placement: {} } },
    ],
    ['develop', { develop: { watch: [{ path: '/srv/p', action: 'rebuild' }] } }],
    ['env_file', { env_file: [{ path: '/srv/p/.env.web' }] }],
    ['label_file', { label_file: ['/srv/p/labels'] }],
    ['attach', { attach: false }],
    ['x-* on the service', { 'x-owner': 'team' } as Partial<ServiceConfig>],
    [
      'x-* on a port',
      { ports: [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress', 'x-note': 1 } as never] },
    ],
  ])('%s', (field, patch) => {
    expect(hash({ ...BASE, ...patch })).toBe(hash(BASE));
    expect(HASH_IGNORED_SERVICE_FIELDS.some((f) => f.field === field || field.startsWith('x-*'))).toBe(true);
  });

  it('every ignored field is documented with a reason', () => {
    for (const f of HASH_IGNORED_SERVICE_FIELDS) expect(f.why.length).toBeGreaterThan(10);
  });
});

describe('fields the hash covers, named by the diff', () => {
  it.each<[string, Partial<ServiceConfig>, ServiceHashContext | undefined, string[]]>([
    ['an environment value', { environment: { A: '1', B: '3' } }, undefined, ['environment.B']],
    [
      'an x- key in user data is hashed',
      { environment: { A: '1', B: '2', 'x-var': 'y' } },
      undefined,
      ['environment.x-var'],
    ],
    [
      'a label key with dots',
      { labels: { tier: 'front', 'com.example.v': '1' } },
      undefined,
      ['labels["com.example.v"]'],
    ],
    ['the image reference', { image: 'nginx:1.28' }, undefined, ['image']],
    [
      'a bind target option',
      { volumes: [BASE.volumes![0]!, { ...BASE.volumes![1]!, read_only: undefined }] },
      undefined,
      ['volumes["/etc/conf"].read_only'],
    ],
    [
      'a network alias',
      { networks: { default: null, back: { aliases: ['c'] } } },
      undefined,
      ['networks.back.aliases[0]'],
    ],
    [
      'config content',
      {},
      { ...CTX, configDigests: { conf: 'sha256:ccc' } },
      ['configs["/etc/app.conf"].digest'],
    ],
    [
      'secret content',
      {},
      { ...CTX, secretDigests: { key: 'sha256:ddd' } },
      ['secrets["/run/secrets/key"].digest'],
    ],
    [
      'a volume renamed with name:',
      {},
      { ...CTX, volumeNames: { data: 'other' } },
      ['volumes["/data"].name'],
    ],
    [
      'a network renamed with name:',
      {},
      { ...CTX, networkNames: { default: 'x', back: 'p_back' } },
      ['networks.default.name'],
    ],
    ['a port list grown', { ports: [...BASE.ports!, { target: 443 }] }, undefined, ['ports']],
  ])('%s', (_name, patch, ctx, paths) => {
    const before = serviceHashInput(BASE, CTX);
    const after = serviceHashInput({ ...BASE, ...patch }, ctx ?? CTX);
    expect(hash({ ...BASE, ...patch }, ctx ?? CTX)).not.toBe(hash(BASE));
    expect(diffPaths(before, after)).toEqual(paths);
  });

  it('the stored record is the canonical JSON the hash is computed from', () => {
    const { hash: h, record } = serviceConfigHash(BASE, CTX);
    expect(record).toBe(canonicalJson(serviceHashInput(BASE, CTX)));
    expect(JSON.parse(record)).toMatchObject({ hash_version: 1, image: 'nginx:1.27' });
    expect(h).toHaveLength(64);
  });
});

describe('network and volume hashes', () => {
  const net: NetworkConfig = { name: 'p_back', ipam: {}, labels: { a: 'b' } };
  it.each<[string, NetworkConfig, boolean]>([
    ['driver bridge written out', { ...net, driver: 'bridge' }, true],
    ['a new name (a new network, not a change)', { ...net, name: 'other' }, true],
    ['an extension field', { ...net, 'x-note': 1 } as NetworkConfig, true],
    ['a label', { ...net, labels: { a: 'c' } }, false],
    ['internal', { ...net, internal: true }, false],
    ['a subnet', { ...net, ipam: { config: [{ subnet: '10.1.0.0/24' }] } }, false],
  ])('network: %s', (_name, changed, same) => {
    expect(networkConfigHash(changed).hash === networkConfigHash(net).hash).toBe(same);
  });

  const vol: VolumeConfig = { name: 'p_data' };
  it.each<[string, VolumeConfig, boolean]>([
    ['empty driver hashed as local', { ...vol, driver: '' }, true],
    ['driver local written out', { ...vol, driver: 'local' }, true],
    ['external flag and name are not definition', { ...vol, name: 'x' }, true],
    ['driver_opts', { ...vol, driver_opts: { type: 'tmpfs' } }, false],
    ['labels', { ...vol, labels: { backup: 'yes' } }, false],
  ])('volume: %s', (_name, changed, same) => {
    expect(volumeConfigHash(changed).hash === volumeConfigHash(vol).hash).toBe(same);
  });
});
