import { describe, expect, it } from 'vitest';
import {
  parseAddHost,
  parseBytes,
  parseDurationMs,
  parseEnvFile,
  parsePublish,
  parseRestart,
  parseUlimit,
  specFromRunFlags,
} from '../../../src/cli/container-flags.js';
import { parseMount, parseTmpfs, parseVolume } from '../../../src/cli/container-mount-flags.js';
import { splitCpArg } from '../../../src/cli/container-io.js';
import { matchContainerFilters } from '../../../src/cli/container-views.js';
import { applyTemplate, humanDuration, statusText } from '../../../src/cli/container-format.js';
import { matchVolumeFilters } from '../../../src/cli/volume.js';
import type { ContainerInfo } from '../../../src/engine/container/types.js';

describe('container run flags', () => {
  it.each([
    ['80', { containerPort: 80, protocol: 'tcp' }],
    ['8080:80', { hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    ['127.0.0.1:8080:80/udp', { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'udp' }],
    ['127.0.0.1::80', { hostIp: '127.0.0.1', containerPort: 80, protocol: 'tcp' }],
    [
      '8000-8001:80-81',
      { hostPort: 8000, hostPortEnd: 8001, containerPort: 80, containerPortEnd: 81, protocol: 'tcp' },
    ],
    ['[::1]:8080:80', { hostIp: '::1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
  ])('-p %s', (text, expected) => expect(parsePublish(text)).toEqual(expected));

  it.each([['80/sctp'], ['a:b:c:d'], ['99999'], ['81-80']])('-p %s is refused', (text) => {
    expect(() => parsePublish(text)).toThrow(expect.objectContaining({ code: 'CLI_USAGE' }));
  });

  it.each([
    ['/data', { type: 'volume', source: null, target: '/data', readOnly: false }],
    ['name:/data', { type: 'volume', source: 'name', target: '/data', readOnly: false }],
    [
      'name:/data:ro,nocopy',
      { type: 'volume', source: 'name', target: '/data', readOnly: true, nocopy: true },
    ],
    [
      '/host:/data',
      { type: 'bind', source: '/host', target: '/data', readOnly: false, createHostPath: true },
    ],
    [
      './rel:/data:ro,rslave',
      {
        type: 'bind',
        source: '/cwd/rel',
        target: '/data',
        readOnly: true,
        createHostPath: true,
        propagation: 'rslave',
      },
    ],
    ['/data:ro', { type: 'volume', source: null, target: '/data', readOnly: true }],
  ])('-v %s', (text, expected) => expect(parseVolume(text, '/cwd')).toEqual(expected));

  it.each([['relative'], ['a:b'], ['/x:/y:bogus'], ['a::b']])('-v %s is refused', (text) => {
    expect(() => parseVolume(text, '/cwd')).toThrow(expect.objectContaining({ code: 'CLI_USAGE' }));
  });

  it.each([
    [
      'type=bind,source=/s,target=/t,readonly',
      { type: 'bind', source: '/s', target: '/t', readOnly: true, createHostPath: false },
    ],
    [
      'type=bind,src=/s,dst=/t,bind-propagation=shared,bind-create-host-path',
      {
        type: 'bind',
        source: '/s',
        target: '/t',
        readOnly: false,
        createHostPath: true,
        propagation: 'shared',
      },
    ],
    [
      'type=volume,source=v,target=/t,volume-nocopy,volume-subpath=sub',
      { type: 'volume', source: 'v', target: '/t', readOnly: false, nocopy: true, subpath: 'sub' },
    ],
    ['target=/t', { type: 'volume', source: null, target: '/t', readOnly: false }],
    [
      'type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770',
      { type: 'tmpfs', target: '/t', readOnly: false, sizeBytes: 1048576, mode: 0o1770 },
    ],
  ])('--mount %s', (text, expected) => expect(parseMount(text, '/cwd')).toEqual(expected));

  it.each([
    ['/t', { type: 'tmpfs', target: '/t', readOnly: false }],
    [
      '/t:size=64m,mode=1777,uid=1000,exec',
      {
        type: 'tmpfs',
        target: '/t',
        readOnly: false,
        sizeBytes: 64 << 20,
        mode: 0o1777,
        options: ['uid=1000', 'exec'],
      },
    ],
  ])('--tmpfs %s', (text, expected) => expect(parseTmpfs(text)).toEqual(expected));

  it.each([
    ['no', { name: 'no' }],
    ['always', { name: 'always' }],
    ['on-failure', { name: 'on-failure' }],
    ['on-failure:3', { name: 'on-failure', maxRetries: 3 }],
  ])('--restart %s', (text, expected) => expect(parseRestart(text)).toEqual(expected));

  it.each([['sometimes'], ['always:3']])('--restart %s is refused', (t) =>
    expect(() => parseRestart(t)).toThrow(),
  );

  it.each([
    ['nofile=1024', { name: 'nofile', soft: 1024, hard: 1024 }],
    ['nofile=1024:2048', { name: 'nofile', soft: 1024, hard: 2048 }],
    ['core=-1', { name: 'core', soft: -1, hard: -1 }],
  ])('--ulimit %s', (t, e) => expect(parseUlimit(t)).toEqual(e));

  it.each([
    ['db:10.0.0.1', { hostname: 'db', ip: '10.0.0.1' }],
    ['db=10.0.0.1', { hostname: 'db', ip: '10.0.0.1' }],
    ['gw:host-gateway', { hostname: 'gw', ip: 'host-gateway' }],
    ['v6:[::1]', { hostname: 'v6', ip: '::1' }],
  ])('--add-host %s', (t, e) => expect(parseAddHost(t)).toEqual(e));

  it.each([
    ['64m', 64 << 20],
    ['1g', 1 << 30],
    ['1.5k', 1536],
    ['100b', 100],
    ['2048', 2048],
  ])('size %s', (t, n) => expect(parseBytes(t, '--memory')).toBe(n));

  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2', 2000],
  ])('duration %s', (t, n) => expect(parseDurationMs(t, '--health-interval')).toBe(n));

  it('reads env files: comments, blanks, bare names from the environment', () => {
    expect(
      parseEnvFile('# c\nA=1\n\nB\nC=x=y\r\nMISSING\n', (k) => (k === 'B' ? 'from-env' : undefined)),
    ).toEqual({ A: '1', B: 'from-env', C: 'x=y' });
  });

  it('builds a full spec from flags', () => {
    const { spec, usesDefaultNetwork } = specFromRunFlags(
      'busybox',
      ['sh', '-c', 'x'],
      {
        env: [],
        label: ['a=b'],
        publish: ['8080:80'],
        volume: ['/data'],
        network: ['front', 'back'],
        networkAlias: ['web'],
        ip: '10.1.0.5',
        memory: '64m',
        cpus: '0.5',
        pidsLimit: '100',
        restart: 'always',
        healthCmd: 'true',
        healthInterval: '1s',
        stopTimeout: '3',
        entrypoint: '',
        init: true,
        readOnly: true,
        tty: true,
        interactive: true,
        rm: true,
        logOpt: ['max-size=1m'],
      },
      { cwd: '/', env: { X: '1' }, name: 'n' },
    );
    expect(usesDefaultNetwork).toBe(false);
    expect(spec).toMatchObject({
      name: 'n',
      image: 'busybox',
      entrypoint: [],
      command: ['sh', '-c', 'x'],
      env: { X: '1' },
      labels: { a: 'b' },
      ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      mounts: [{ type: 'volume', source: null, target: '/data' }],
      network: {
        mode: 'bridge',
        networks: [{ network: 'front', aliases: ['web'], ipv4Address: '10.1.0.5' }, { network: 'back' }],
      },
      resources: { memoryBytes: 64 << 20, cpus: 0.5, pidsLimit: 100 },
      restartPolicy: { name: 'always' },
      healthcheck: { test: ['CMD-SHELL', 'true'], intervalMs: 1000 },
      stopGracePeriodMs: 3000,
      init: true,
      readOnlyRootfs: true,
      tty: true,
      stdinOpen: true,
      autoRemove: true,
      logging: { driver: 'json-file', options: { 'max-size': '1m' } },
    });
    expect(specFromRunFlags('i', [], {}, { cwd: '/', env: {}, name: 'n' })).toMatchObject({
      usesDefaultNetwork: true,
      spec: {
        entrypoint: null,
        command: null,
        network: { mode: 'bridge', networks: [{ network: 'bridge' }] },
      },
    });
    expect(
      specFromRunFlags('i', [], { network: ['container:db'] }, { cwd: '/', env: {}, name: 'n' }).spec.network,
    ).toEqual({ mode: 'container', container: 'db' });
    expect(
      specFromRunFlags('i', [], { healthcheck: false }, { cwd: '/', env: {}, name: 'n' }).spec.healthcheck,
    ).toEqual({ disable: true });
  });

  it('refuses host networking combined with other networks', () => {
    expect(() =>
      specFromRunFlags('i', [], { network: ['host', 'x'] }, { cwd: '/', env: {}, name: 'n' }),
    ).toThrow(/cannot be combined/);
  });
});

const info = (over: Partial<ContainerInfo> = {}): ContainerInfo => ({
  id: 'abcdef0123456789'.repeat(4),
  name: 'web-1',
  created: '2026-01-01T00:00:00Z',
  labels: { 'io.tscompose.project': 'p' },
  image: 'img',
  imageId: 'sha256:1',
  state: 'running',
  pid: 1,
  exitCode: null,
  oomKilled: false,
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: null,
  restartCount: 0,
  health: null,
  manuallyStopped: false,
  desiredState: 'running',
  networks: [],
  ports: [],
  mounts: [],
  namespaceOwners: {},
  spec: {
    name: 'web-1',
    image: 'img',
    entrypoint: null,
    command: ['sh'],
    env: {},
    labels: {},
    mounts: [],
    network: { mode: 'none' },
    ports: [],
  },
  ...over,
});

describe('container listing', () => {
  const now = Date.parse('2026-01-01T00:05:00Z');
  it.each([
    ['running', info(), 'Up 5 minutes'],
    ['healthy', info({ health: { status: 'healthy', failingStreak: 0, log: [] } }), 'Up 5 minutes (healthy)'],
    [
      'starting',
      info({ health: { status: 'starting', failingStreak: 0, log: [] } }),
      'Up 5 minutes (health: starting)',
    ],
    ['paused', info({ state: 'paused' }), 'Up 5 minutes (Paused)'],
    [
      'exited',
      info({ state: 'exited', exitCode: 3, finishedAt: '2026-01-01T00:04:00Z' }),
      'Exited (3) About a minute ago',
    ],
    ['created', info({ state: 'created' }), 'Created'],
  ])('status %s', (_n, c, text) => expect(statusText(c, now)).toBe(text));

  it.each([
    [500, 'Less than a second'],
    [1000, '1 second'],
    [45_000, '45 seconds'],
    [3_600_000, 'About an hour'],
    [3 * 86_400_000, '3 days'],
  ])('human duration %s ms', (ms, text) => expect(humanDuration(ms)).toBe(text));

  it.each([
    [['label=io.tscompose.project=p'], true],
    [['label=io.tscompose.project'], true],
    [['label=io.tscompose.project=q'], false],
    [['status=running', 'status=exited'], true],
    [['status=exited'], false],
    [['name=web', 'id=abcdef'], true],
    [['health=none'], true],
  ])('filters %j → %s', (filters, expected) => expect(matchContainerFilters(info(), filters)).toBe(expected));

  it('refuses an unknown filter or status', () => {
    expect(() => matchContainerFilters(info(), ['color=red'])).toThrow(/expected label=/);
    expect(() => matchContainerFilters(info(), ['status=flying'])).toThrow(/expected one of/);
  });

  it('applies simple templates', () => {
    const doc = { State: { Status: 'running', Health: { Status: 'healthy' } }, Config: { Env: ['A=1'] } };
    expect(applyTemplate('{{.State.Status}} {{ .State.Health.Status }}', doc)).toBe('running healthy');
    expect(applyTemplate('{{json .Config.Env}}', doc)).toBe('["A=1"]');
    expect(applyTemplate('{{.Missing.Field}}', doc)).toBe('<no value>');
  });

  it.each([
    ['web:/etc/x', { container: 'web', path: '/etc/x' }],
    ['web:', { container: 'web', path: '/' }],
    ['./a:b', { path: './a:b' }],
    ['/abs:x', { path: '/abs:x' }],
    ['-', { path: '-' }],
    ['plainfile', { path: 'plainfile' }],
  ])('cp argument %s', (arg, expected) => expect(splitCpArg(arg)).toEqual(expected));

  it.each([
    [['dangling=true'], true],
    [['dangling=false'], false],
    [['label=k=v'], true],
    [['name=da', 'name=zz'], true],
  ])('volume filters %j → %s', (filters, expected) => {
    expect(
      matchVolumeFilters(
        {
          name: 'data',
          driver: 'local',
          mountpoint: '/m',
          labels: { k: 'v' },
          driverOpts: {},
          created: '',
          anonymous: false,
          usedBy: [],
        },
        filters,
      ),
    ).toBe(expected);
  });
});
