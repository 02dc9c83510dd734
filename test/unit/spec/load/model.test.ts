import { describe, expect, it } from 'vitest';
import { enableServices, selectServices, servicesInDependencyOrder } from '../../../../src/spec/index.js';
import { load, loadError, loadText } from '../spec-test-kit.js';

describe('normalization', () => {
  it('names resources <project>_<key>, external ones by key, name: as given', async () => {
    const project = await loadText(
      'name: app\nservices: {web: {image: x}}\nnetworks: {a: {}, b: {external: true}, c: {name: custom}}\nvolumes: {v: {}, w: {external: {name: legacy}}}\nsecrets: {s: {file: ./s}}\nconfigs: {c: {external: true}}\n',
    );
    expect(project.networks['a']?.name).toBe('app_a');
    expect(project.networks['b']).toEqual({ name: 'b', ipam: {}, external: true });
    expect(project.networks['c']?.name).toBe('custom');
    expect(project.volumes['v']?.name).toBe('app_v');
    expect(project.volumes['w']).toEqual({ name: 'legacy', external: true });
    expect(project.secrets['s']).toEqual({ name: 'app_s', file: '/p/s' });
    expect(project.configs['c']).toEqual({ name: 'c', external: true });
  });

  it('adds the implicit default network to services without networks', async () => {
    const project = await loadText(
      'services:\n  a: {image: x}\n  b: {image: x, networks: [n]}\n  c: {image: x, network_mode: host}\nnetworks: {n: {}}\n',
    );
    expect(project.services['a']?.networks).toEqual({ default: null });
    expect(project.services['b']?.networks).toEqual({ n: null });
    expect(project.services['c']?.networks).toBeUndefined();
    expect(project.networks['default']).toEqual({ name: 'p_default', ipam: {} });
  });

  it('no default network when no service uses it', async () => {
    const project = await loadText('services:\n  a: {image: x, networks: [n]}\nnetworks: {n: {}}\n');
    expect(project.networks['default']).toBeUndefined();
  });

  it('links, namespaces and volumes_from add implicit dependencies', async () => {
    const project = await loadText(
      'services:\n  a: {image: x, links: ["db:database"], network_mode: "service:net", volumes_from: [data, "container:c1"]}\n  db: {image: x}\n  net: {image: x}\n  data: {image: x}\n',
    );
    expect(project.services['a']?.depends_on).toEqual({
      data: { condition: 'service_started', required: true },
      db: { condition: 'service_started', restart: true, required: true },
      net: { condition: 'service_started', restart: true, required: true },
    });
  });

  it('build gets dockerfile: Dockerfile unless dockerfile_inline is set', async () => {
    const project = await loadText(
      'services:\n  a: {build: .}\n  b: {build: {context: ., dockerfile_inline: "FROM x"}}\n',
    );
    expect(project.services['a']?.build).toEqual({ context: '/p', dockerfile: 'Dockerfile' });
    expect(project.services['b']?.build).toEqual({ context: '/p', dockerfile_inline: 'FROM x' });
  });

  it('build args without value take the environment or are dropped', async () => {
    const project = await loadText('services:\n  a: {build: {context: ., args: [SET, UNSET, "X=1"]}}\n', {
      SET: 'v',
    });
    expect(project.services['a']?.build?.args).toEqual({ SET: 'v', X: '1' });
  });

  it('can be switched off (config --no-normalize)', async () => {
    const project = await loadText(
      'services: {a: {image: x}}\nnetworks: {n: {}}',
      {},
      { switches: { normalize: false } },
    );
    expect(project.networks['n']).toEqual({ ipam: {} });
    expect(project.services['a']?.networks).toBeUndefined();
  });
});

describe('profiles (15-profiles.md)', () => {
  const stack = {
    'compose.yaml':
      'services:\n  web: {image: x}\n  debug: {image: x, profiles: [debug]}\n  tools: {image: x, profiles: [tools, debug]}\n  db: {image: x, profiles: [db]}\n',
  };

  it.each([
    ['no profile: only services without profiles', [], ['web']],
    ['one profile', ['debug'], ['debug', 'tools', 'web']],
    ['two profiles', ['tools', 'db'], ['db', 'tools', 'web']],
    ['all profiles', ['*'], ['db', 'debug', 'tools', 'web']],
    ['unknown profile', ['nope'], ['web']],
  ])('%s', async (_name, profiles, expected) => {
    const { project } = await load({ files: stack, options: { profiles } });
    expect(Object.keys(project.services).sort()).toEqual(expected);
    expect(Object.keys(project.disabledServices).length + expected.length).toBe(4);
  });

  it('naming a service activates its profiles', async () => {
    const { project } = await load({ files: stack });
    const enabled = enableServices(project, ['db']);
    expect(Object.keys(enabled.services).sort()).toEqual(['db', 'web']);
    expect(enabled.profiles).toEqual(['db']);
  });

  it('selecting a service keeps it and its dependencies', async () => {
    const { project } = await load({
      files: {
        'compose.yaml': 'services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x}\n  c: {image: x}\n',
      },
    });
    expect(Object.keys(selectServices(project, ['a']).services).sort()).toEqual(['a', 'b']);
    expect(() => selectServices(project, ['nope'])).toThrow('no such service: nope');
  });

  it('depending on a disabled service is an error, unless not required', async () => {
    const error = await loadError({
      files: {
        'compose.yaml':
          'services:\n  web:\n    image: x\n    depends_on: [db]\n  db: {image: x, profiles: [db]}\n',
      },
    });
    expect(error.message).toBe(
      'compose.yaml:4:18: services.web.depends_on.db: service "web" depends on service "db", which is not enabled by the selected profiles',
    );
    expect(error.hint).toBe('enable it with --profile db (its profiles: db), or set required: false');
    const { project } = await load({
      files: {
        'compose.yaml':
          'services:\n  web:\n    image: x\n    depends_on: {db: {condition: service_started, required: false}}\n  db: {image: x, profiles: [db]}\n',
      },
    });
    expect(Object.keys(project.services)).toEqual(['web']);
  });
});

describe('consistency', () => {
  it.each([
    [
      'no image nor build',
      'services:\n  a: {}\n',
      'service "a" has neither an image nor a build context specified',
    ],
    [
      'undefined service in depends_on',
      'services:\n  a: {image: x, depends_on: [b]}\n',
      'service "a" depends on undefined service "b"',
    ],
    [
      'undefined secret',
      'services:\n  a: {image: x, secrets: [s]}\n',
      'service "a" refers to undefined secret "s"',
    ],
    [
      'undefined config',
      'services:\n  a: {image: x, configs: [c]}\n',
      'service "a" refers to undefined config "c"',
    ],
    [
      'undefined model',
      'services:\n  a: {image: x, models: [m]}\n',
      'service "a" refers to undefined model "m"',
    ],
    [
      'network_mode to unknown service (via its implicit depends_on)',
      'services:\n  a: {image: x, network_mode: "service:b"}\n',
      'service "a" depends on undefined service "b"',
    ],
    [
      'network_mode with networks',
      'services:\n  a: {image: x, network_mode: host, networks: [n]}\nnetworks: {n: {}}\n',
      'service "a" declares mutually exclusive `network_mode` and `networks`',
    ],
    [
      'container_name with replicas',
      'services:\n  a: {image: x, container_name: one, deploy: {replicas: 2}}\n',
      "services.a: can't set container_name and deploy.replicas as container name must be unique",
    ],
    [
      'container_name with scale',
      'services:\n  a: {image: x, container_name: one, scale: 3}\n',
      "services.a: can't set container_name and scale as container name must be unique",
    ],
    [
      'scale and replicas differ',
      'services:\n  a: {image: x, scale: 2, deploy: {replicas: 3}}\n',
      "services.a: can't set distinct values on 'scale' and 'deploy.replicas'",
    ],
    ['negative scale', 'services:\n  a: {image: x, scale: -1}\n', 'must be greater than or equal to 0'],
    [
      'legacy and deploy limits differ',
      'services:\n  a: {image: x, mem_limit: 1g, deploy: {resources: {limits: {memory: 2g}}}}\n',
      "services.a: can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory'",
    ],
    [
      'bad healthcheck test',
      'services:\n  a: {image: x, healthcheck: {test: [RUN, x]}}\n',
      'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"',
    ],
    [
      'two mounts on one target',
      'services:\n  a: {image: x, tmpfs: [/data], volumes: ["/h:/data"]}\n',
      'target /data already mounted as tmpfs[0]',
    ],
    [
      'dockerfile and inline',
      'services:\n  a: {build: {context: ., dockerfile: D, dockerfile_inline: "FROM x"}}\n',
      'service "a" declares mutually exclusive dockerfile and dockerfile_inline',
    ],
    [
      'secret without source',
      'services:\n  a: {image: x}\nsecrets: {s: {name: n}}\n',
      'one of file|environment must be set',
    ],
    [
      'external volume with a driver',
      'services:\n  a: {image: x}\nvolumes: {v: {external: true, driver: local}}\n',
      'conflicting parameters "external" and "driver" specified',
    ],
    [
      'invalid host_ip',
      'services:\n  a: {image: x, ports: [{target: 80, host_ip: nope}]}\n',
      'invalid ip address: nope',
    ],
    [
      'watch target missing',
      'services:\n  a: {image: x, develop: {watch: [{path: ., action: sync}]}}\n',
      'target is required for non-rebuild actions',
    ],
  ])('%s', async (_name, yaml, message) => {
    const error = await loadError({ files: { 'compose.yaml': yaml } });
    expect(error.detail).toContain(message);
  });

  it('can be switched off (config --no-consistency)', async () => {
    const { project } = await load({
      files: { 'compose.yaml': 'services:\n  a: {image: x, depends_on: [b], networks: [n]}\n' },
      options: { switches: { consistency: false } },
    });
    expect(project.services['a']?.networks).toEqual({ n: null });
  });

  it('orders services with their dependencies first', async () => {
    const project = await loadText(
      'services:\n  web: {image: x, depends_on: [api]}\n  api: {image: x, depends_on: [db, cache]}\n  db: {image: x}\n  cache: {image: x}\n  admin: {image: x}\n',
    );
    expect(servicesInDependencyOrder(project)).toEqual(['admin', 'cache', 'db', 'api', 'web']);
  });
});

describe('YAML features', () => {
  it('anchors, aliases and merge keys', async () => {
    const project = await loadText(
      'x-base: &base\n  image: x\n  environment: {A: "1"}\nx-extra: &extra\n  user: u\n  image: ignored\nservices:\n  a:\n    <<: [*base, *extra]\n    environment: {B: "2"}\n  b: *base\n',
    );
    expect(project.services['a']).toMatchObject({ image: 'x', user: 'u', environment: { B: '2' } });
    expect(project.services['b']).toMatchObject({ image: 'x', environment: { A: '1' } });
    expect(project.extensions).toEqual({
      'x-base': { image: 'x', environment: { A: '1' } },
      'x-extra': { user: 'u', image: 'ignored' },
    });
  });

  it('scalars resolve as Compose resolves them (octal modes, YAML 1.2 booleans)', async () => {
    const project = await loadText(
      'services:\n  a:\n    image: x\n    secrets: [{source: s, mode: 0440}]\n    labels: {yes: yes, on: on, n: 0x10, u: 1_000}\nsecrets: {s: {file: ./s}}\n',
    );
    expect(project.services['a']?.secrets?.[0]?.mode).toBe('0440');
    expect(project.services['a']?.labels).toEqual({ n: '16', on: 'on', u: '1000', yes: 'yes' });
  });

  it('several documents in one file are merged in order', async () => {
    const project = await loadText('services:\n  a: {image: x}\n---\nservices:\n  a: {user: u}\n');
    expect(project.services['a']).toMatchObject({ image: 'x', user: 'u' });
  });

  it('extensions on nested objects are kept aside', async () => {
    const project = await loadText('services:\n  a: {image: x, x-note: hi}\n');
    expect(Object.keys(project.services['a'] ?? {})).not.toContain('x-note');
  });

  it.each([
    [
      'duplicate key',
      'services:\n  a: {image: x}\n  a: {image: y}\n',
      'compose.yaml:3:3: services.a: mapping key "a" already defined at line 2',
    ],
    [
      'non-mapping top level',
      '- a\n- b\n',
      'compose.yaml:1:1: top-level object must be a mapping, got a list',
    ],
    ['empty file', '', 'compose.yaml:1:1: empty compose file'],
    ['unknown top-level key', 'servces: {}\n', 'compose.yaml:1:1: unknown key "servces"'],
    [
      'invalid service name',
      'services:\n  "bad name": {image: x}\n',
      'compose.yaml:2:3: services: invalid service name "bad name": expected letters, digits, ".", "_" or "-"',
    ],
    [
      'version is only a warning',
      'version: "3"\nservices:\n  a: {image: 1}\n',
      'compose.yaml:3:14: services.a.image: expected a string, got 1',
    ],
  ])('%s', async (_name, yaml, message) => {
    const error = await loadError({ files: { 'compose.yaml': yaml } });
    expect(error.message).toBe(message);
  });

  it('warns that version is obsolete', async () => {
    const { warnings } = await load({
      files: { 'compose.yaml': 'version: "3.8"\nservices: {a: {image: x}}\n' },
    });
    expect(warnings[0]?.message).toBe(
      '/p/compose.yaml: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion',
    );
  });
});
