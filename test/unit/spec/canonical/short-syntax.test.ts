import { describe, expect, it } from 'vitest';
import { PortSpecError, parsePortSpec } from '../../../../src/spec/canonical/port-spec.js';
import { VolumeSpecError, parseVolumeSpec } from '../../../../src/spec/canonical/volume-spec.js';
import { cleanPath } from '../../../../src/spec/canonical/clean-path.js';
import { loadText } from '../spec-test-kit.js';

const port = (target: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  mode: 'ingress',
  ...(extra['host_ip'] === undefined ? {} : { host_ip: extra['host_ip'] }),
  target,
  ...(extra['published'] === undefined ? {} : { published: extra['published'] }),
  protocol: extra['protocol'] ?? 'tcp',
});

describe('ports short syntax', () => {
  it.each([
    ['container port', '80', [port(80)]],
    ['host:container', '8080:80', [port(80, { published: '8080' })]],
    ['udp', '53:53/udp', [port(53, { published: '53', protocol: 'udp' })]],
    ['sctp', '9/sctp', [port(9, { protocol: 'sctp' })]],
    ['protocol upper case', '80/TCP', [port(80)]],
    ['empty protocol', '80/', [port(80)]],
    ['ip:host:container', '127.0.0.1:8001:8001', [port(8001, { host_ip: '127.0.0.1', published: '8001' })]],
    ['ip::container', '127.0.0.1::80', [port(80, { host_ip: '127.0.0.1' })]],
    ['ipv6 in brackets', '[::1]:8080:80', [port(80, { host_ip: '::1', published: '8080' })]],
    ['ipv6 bare', '::1:8080:80', [port(80, { host_ip: '::1', published: '8080' })]],
    ['container range', '3000-3002', [port(3000), port(3001), port(3002)]],
    [
      'paired ranges',
      '9090-9091:8080-8081',
      [port(8080, { published: '9090' }), port(8081, { published: '9091' })],
    ],
    ['host range, one container port', '8000-8010:80', [port(80, { published: '8000-8010' })]],
    ['ranges sorted as strings', '8-10', [port(10), port(8), port(9)]],
    ['port zero', '0', [port(0)]],
    ['max port', '65535', [port(65535)]],
  ])('%s: %s', (_name, spec, expected) => {
    expect(parsePortSpec(spec)).toEqual(expected);
  });

  it.each([
    ['not a number', 'http'],
    ['too large', '70000'],
    ['bad protocol', '80/icmp'],
    ['bad ip', '300.1.1.1:80:80'],
    ['mismatched ranges', '8000-8002:80-81'],
    ['reversed range', '90-80'],
    ['empty', ''],
    ['empty container port', '8080:'],
  ])('rejects %s: %s', (_name, spec) => {
    expect(() => parsePortSpec(spec)).toThrow(PortSpecError);
  });
});

describe('volumes short syntax', () => {
  it.each([
    ['anonymous', '/data', { type: 'volume', target: '/data', volume: {} }],
    ['named', 'data:/data', { type: 'volume', source: 'data', target: '/data', volume: {} }],
    [
      'named read-only',
      'data:/data:ro',
      { type: 'volume', source: 'data', target: '/data', read_only: true, volume: {} },
    ],
    [
      'named nocopy',
      'data:/data:nocopy',
      { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } },
    ],
    [
      'absolute bind',
      '/opt:/opt',
      { type: 'bind', source: '/opt', target: '/opt', bind: { create_host_path: true } },
    ],
    [
      'relative bind',
      './src:/app',
      { type: 'bind', source: './src', target: '/app', bind: { create_host_path: true } },
    ],
    [
      'parent bind',
      '../x:/x',
      { type: 'bind', source: '../x', target: '/x', bind: { create_host_path: true } },
    ],
    [
      'home bind',
      '~/c:/c:ro',
      { type: 'bind', source: '~/c', target: '/c', read_only: true, bind: { create_host_path: true } },
    ],
    [
      'rw explicit',
      '/a:/b:rw',
      { type: 'bind', source: '/a', target: '/b', bind: { create_host_path: true } },
    ],
    [
      'selinux z',
      '/a:/b:z',
      { type: 'bind', source: '/a', target: '/b', bind: { selinux: 'z', create_host_path: true } },
    ],
    [
      'selinux Z with ro',
      '/a:/b:ro,Z',
      {
        type: 'bind',
        source: '/a',
        target: '/b',
        read_only: true,
        bind: { selinux: 'Z', create_host_path: true },
      },
    ],
    [
      'propagation',
      '/a:/b:rshared',
      { type: 'bind', source: '/a', target: '/b', bind: { propagation: 'rshared', create_host_path: true } },
    ],
    [
      'unknown mode ignored',
      '/a:/b:weird',
      { type: 'bind', source: '/a', target: '/b', bind: { create_host_path: true } },
    ],
    [
      'windows drive',
      'C:\\data:/data',
      { type: 'bind', source: 'C:\\data', target: '/data', bind: { create_host_path: true } },
    ],
    ['colon inside ${}', '${SRC:-/x}:/y', { type: 'volume', source: '${SRC:-/x}', target: '/y', volume: {} }],
    ['short target', 'ab', { type: 'volume', target: 'ab', volume: {} }],
  ])('%s: %s', (_name, spec, expected) => {
    expect(parseVolumeSpec(spec)).toEqual(expected);
  });

  it.each([
    ['empty', ''],
    ['too many colons', 'vol:/b:ro:x'],
    ['empty section', 'vol::/b'],
    ['too many colons after a Windows drive', 'c:/b:/c:ro:rw'],
  ])('rejects %s', (_name, spec) => {
    expect(() => parseVolumeSpec(spec)).toThrow(VolumeSpecError);
  });

  it.each([
    ['/a/b/', '/a/b'],
    ['/a//b', '/a/b'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/../a', '/a'],
    ['a/../..', '..'],
    ['', '.'],
  ])('cleans %s to %s', (input, expected) => {
    expect(cleanPath(input)).toBe(expected);
  });
});

/** Loads `service` (YAML lines of one service) and returns the bound service. */
async function service(
  yaml: string,
  options: { normalize?: boolean } = {},
): Promise<Record<string, unknown>> {
  const text = `services:\n  s:\n${yaml
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join(
      '\n',
    )}\nnetworks: {n: {}}\nsecrets: {k: {file: ./k}}\nconfigs: {c: {file: ./c}}\nvolumes: {v: {}}\n`;
  const project = await loadText(
    text,
    { FROM_ENV: 'env-value' },
    {
      switches: { normalize: options.normalize ?? false, consistency: false },
    },
  );
  return project.services['s'] as unknown as Record<string, unknown>;
}

describe('service attributes in long form', () => {
  it.each([
    ['ports number', 'image: x\nports: [80]', 'ports', [port(80)]],
    [
      'ports long kept',
      'image: x\nports: [{target: 80, published: 8080, host_ip: 0.0.0.0}]',
      'ports',
      [{ mode: 'ingress', host_ip: '0.0.0.0', target: 80, published: '8080', protocol: 'tcp' }],
    ],
    [
      'ports target from string',
      'image: x\nports: [{target: "81"}]',
      'ports',
      [{ mode: 'ingress', target: 81, protocol: 'tcp' }],
    ],
    [
      'volume relative resolved',
      'image: x\nvolumes: [./d:/d]',
      'volumes',
      [{ type: 'bind', source: '/p/d', target: '/d', bind: {} }],
    ],
    [
      'volume home resolved',
      'image: x\nvolumes: [~/d:/d]',
      'volumes',
      [{ type: 'bind', source: '/home/u/d', target: '/d', bind: {} }],
    ],
    [
      'volume long bind defaults',
      'image: x\nvolumes: [{type: bind, source: ./a, target: /a, bind: {}}]',
      'volumes',
      [{ type: 'bind', source: '/p/a', target: '/a', bind: {} }],
    ],
    [
      'volume create_host_path false',
      'image: x\nvolumes: [{type: bind, source: /a, target: /a, bind: {create_host_path: false}}]',
      'volumes',
      [{ type: 'bind', source: '/a', target: '/a', bind: { create_host_path: false } }],
    ],
    [
      'tmpfs volume size',
      'image: x\nvolumes: [{type: tmpfs, target: /t, tmpfs: {size: 64m, mode: 1777}}]',
      'volumes',
      [{ type: 'tmpfs', target: '/t', tmpfs: { size: '67108864', mode: 1777 } }],
    ],
    [
      'devices short',
      'image: x\ndevices: ["/dev/a"]',
      'devices',
      [{ source: '/dev/a', target: '/dev/a', permissions: 'rwm' }],
    ],
    [
      'devices short with target and perms',
      'image: x\ndevices: ["/dev/a:/dev/b:r"]',
      'devices',
      [{ source: '/dev/a', target: '/dev/b', permissions: 'r' }],
    ],
    [
      'depends_on list',
      'image: x\ndepends_on: [a, b]',
      'depends_on',
      {
        a: { condition: 'service_started', required: true },
        b: { condition: 'service_started', required: true },
      },
    ],
    [
      'depends_on long defaults',
      'image: x\ndepends_on: {a: {condition: service_healthy, restart: true}}',
      'depends_on',
      {
        a: { condition: 'service_healthy', restart: true, required: true },
      },
    ],
    [
      'depends_on required false',
      'image: x\ndepends_on: {a: {condition: service_started, required: false}}',
      'depends_on',
      {
        a: { condition: 'service_started', required: false },
      },
    ],
    [
      'env_file string',
      'image: x\nenv_file: [{path: ./e.env, required: false}]',
      'env_file',
      [{ path: '/p/e.env', required: false }],
    ],
    [
      'env_file format raw',
      'image: x\nenv_file: [{path: e, required: false, format: raw}]',
      'env_file',
      [{ path: '/p/e', required: false, format: 'raw' }],
    ],
    ['secrets short', 'image: x\nsecrets: [k]', 'secrets', [{ source: 'k', target: '/run/secrets/k' }]],
    [
      'secrets long mode',
      'image: x\nsecrets: [{source: k, target: t, mode: 0440}]',
      'secrets',
      [{ source: 'k', target: 't', mode: '0440' }],
    ],
    [
      'secrets mode as octal string',
      'image: x\nsecrets: [{source: k, mode: "0600"}]',
      'secrets',
      [{ source: 'k', target: '/run/secrets/k', mode: '0600' }],
    ],
    ['configs short has no target', 'image: x\nconfigs: [c]', 'configs', [{ source: 'c' }]],
    ['build string', 'build: ./app', 'build', { context: '/p/app' }],
    ['build default context', 'build: {dockerfile: Other}', 'build', { context: '/p', dockerfile: 'Other' }],
    [
      'build remote context kept',
      'build: https://github.com/a/b.git',
      'build',
      { context: 'https://github.com/a/b.git' },
    ],
    [
      'build args list',
      'build: {context: ., args: [A=1, B]}',
      'build',
      { context: '/p', args: { A: '1', B: null } },
    ],
    [
      'build ssh list',
      'build: {context: ., ssh: [default, key=/k]}',
      'build',
      { context: '/p', ssh: ['default', 'key=/k'] },
    ],
    [
      'build additional_contexts list',
      'build: {context: ., additional_contexts: [base=./b]}',
      'build',
      { context: '/p', additional_contexts: { base: '/p/b' } },
    ],
    ['gpus all', 'image: x\ngpus: all', 'gpus', [{ count: -1 }]],
    [
      'gpus list count default',
      'image: x\ngpus: [{driver: nvidia}]',
      'gpus',
      [{ driver: 'nvidia', count: -1 }],
    ],
    ['networks list', 'image: x\nnetworks: [n]', 'networks', { n: null }],
    ['dns string', 'image: x\ndns: 8.8.8.8', 'dns', ['8.8.8.8']],
    ['tmpfs string', 'image: x\ntmpfs: /run', 'tmpfs', ['/run']],
    [
      'healthcheck string test',
      'image: x\nhealthcheck: {test: curl -f x}',
      'healthcheck',
      { test: ['CMD-SHELL', 'curl -f x'] },
    ],
    [
      'healthcheck durations normalized',
      'image: x\nhealthcheck: {interval: 90s, timeout: 1500ms, start_period: 1h}',
      'healthcheck',
      {
        timeout: '1.5s',
        interval: '1m30s',
        start_period: '1h0m0s',
      },
    ],
    ['stop_grace_period', 'image: x\nstop_grace_period: 1m', 'stop_grace_period', '1m0s'],
    ['command string split', 'image: x\ncommand: sh -c "echo hi"', 'command', ['sh', '-c', 'echo hi']],
    ['command stops at &&', 'image: x\ncommand: a && b', 'command', ['a']],
    ['command single quotes', "image: x\ncommand: echo 'a b'", 'command', ['echo', 'a b']],
    ['command empty list kept', 'image: x\ncommand: []', 'command', []],
    ['command unset is null', 'image: x', 'command', null],
    [
      'environment mapping numbers',
      'image: x\nenvironment: {A: 1, B: true, C: 1.5, D:}',
      'environment',
      { A: '1', B: 'true', C: '1.5', D: null },
    ],
    [
      'environment list',
      'image: x\nenvironment: [A=1, "B=x=y", C]',
      'environment',
      { A: '1', B: 'x=y', C: null },
    ],
    [
      'environment valueless from OS',
      'image: x\nenvironment: [FROM_ENV]',
      'environment',
      { FROM_ENV: 'env-value' },
    ],
    ['labels list', 'image: x\nlabels: [a=1, b]', 'labels', { a: '1', b: '' }],
    ['labels mapping null', 'image: x\nlabels: {a: null, n: 42}', 'labels', { a: '', n: '42' }],
    [
      'extra_hosts colon form',
      'image: x\nextra_hosts: ["b:1.2.3.4", "a=5.6.7.8"]',
      'extra_hosts',
      ['a=5.6.7.8', 'b=1.2.3.4'],
    ],
    [
      'extra_hosts mapping with list',
      'image: x\nextra_hosts: {h: [1.1.1.1, "[::1]"]}',
      'extra_hosts',
      ['h=1.1.1.1', 'h=::1'],
    ],
    [
      'ulimits',
      'image: x\nulimits: {nproc: 10, nofile: {soft: 1, hard: 2}}',
      'ulimits',
      { nofile: { soft: 1, hard: 2 }, nproc: 10 },
    ],
    ['mem_limit bytes', 'image: x\nmem_limit: 1g', 'mem_limit', '1073741824'],
    ['shm_size number', 'image: x\nshm_size: 1024', 'shm_size', '1024'],
    ['memswap unlimited', 'image: x\nmemswap_limit: -1', 'memswap_limit', '-1'],
    ['cpus from string', 'image: x\ncpus: "1.5"', 'cpus', 1.5],
    ['privileged from string', 'image: x\nprivileged: "true"', 'privileged', true],
    ['privileged false omitted', 'image: x\nprivileged: false', 'privileged', undefined],
    ['init false kept', 'image: x\ninit: false', 'init', false],
    ['expose numbers as strings', 'image: x\nexpose: [80, "81"]', 'expose', ['80', '81']],
    ['group_add number', 'image: x\ngroup_add: [100, users]', 'group_add', ['100', 'users']],
    ['deploy legacy fields untouched', 'image: x\ncpus: 0.5\nmem_limit: 256m', 'mem_limit', '268435456'],
    [
      'deploy restart_policy durations',
      'image: x\ndeploy: {restart_policy: {delay: 5s, window: 120s}}',
      'deploy',
      {
        resources: {},
        restart_policy: { delay: '5s', window: '2m0s' },
        placement: {},
      },
    ],
    [
      'deploy devices count default',
      'image: x\ndeploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}',
      'deploy',
      {
        resources: { reservations: { devices: [{ capabilities: ['gpu'], count: -1 }] } },
        placement: {},
      },
    ],
    [
      'pull_policy if_not_present normalized',
      'image: x\npull_policy: if_not_present',
      'pull_policy',
      'missing',
    ],
  ])('%s', async (_name, yaml, key, expected) => {
    const normalize = key === 'pull_policy';
    const s = await service(yaml, { normalize });
    expect(s[key]).toEqual(expected);
  });
});
