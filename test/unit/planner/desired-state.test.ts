import { describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../../../src/engine/container/types.js';
import { sha256Digest } from '../../../src/planner/canonical-json.js';
import { buildDesiredState, containerSpecFor, withImage } from '../../../src/planner/desired-state.js';
import { PlanError } from '../../../src/planner/errors.js';
import { planInputs } from '../../../src/planner/plan-inputs.js';
import { desiredOf, imageFacts, makeProject, type ProjectInput, type ServiceInput } from './fixtures.js';

/** The spec of `web`'s replica 1 for a service written as `web`. */
function specOf(web: ServiceInput, input: ProjectInput = {}): ContainerSpec {
  const desired = desiredOf(makeProject({ web, other: {} }, input));
  return containerSpecFor(desired.project, desired.services['web']!, 1);
}

describe('service attributes → ContainerSpec', () => {
  it.each<[string, ServiceInput, Partial<ContainerSpec>, ProjectInput?]>([
    ['image entrypoint and command kept', {}, { entrypoint: null, command: null }],
    ['explicit empty entrypoint', { entrypoint: [] }, { entrypoint: [] }],
    ['command override', { command: ['sh', '-c', 'echo hi'] }, { command: ['sh', '-c', 'echo hi'] }],
    [
      'environment without values is left out',
      { environment: { A: '1', B: null, C: '' } },
      { env: { A: '1', C: '' } },
    ],
    [
      'identity and process',
      { hostname: 'h', domainname: 'example.org', user: '1000:1000', working_dir: '/app', init: true },
      { hostname: 'h', domainname: 'example.org', user: '1000:1000', workingDir: '/app', init: true },
    ],
    ['init: false is kept (overrides an engine default)', { init: false }, { init: false }],
    ['read_only', { read_only: true }, { readOnlyRootfs: true }],
    [
      'bind mount with options',
      {
        volumes: [
          {
            type: 'bind',
            source: '/srv/p/site',
            target: '/usr/share/nginx/html',
            read_only: true,
            bind: { propagation: 'rslave', create_host_path: false },
          },
        ],
      },
      {
        mounts: [
          {
            type: 'bind',
            source: '/srv/p/site',
            target: '/usr/share/nginx/html',
            readOnly: true,
            propagation: 'rslave',
            createHostPath: false,
          },
        ],
      },
    ],
    [
      'named volume → engine name, nocopy, subpath',
      {
        volumes: [
          { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true, subpath: 'pg' } },
        ],
      },
      { mounts: [{ type: 'volume', source: 'p_data', target: '/data', nocopy: true, subpath: 'pg' }] },
      { volumes: { data: {} } },
    ],
    [
      'named volume with its own name',
      { volumes: [{ type: 'volume', source: 'data', target: '/data' }] },
      { mounts: [{ type: 'volume', source: 'shared-data', target: '/data' }] },
      { volumes: { data: { name: 'shared-data' } } },
    ],
    [
      'anonymous volume',
      { volumes: [{ type: 'volume', target: '/cache' }] },
      { mounts: [{ type: 'volume', source: null, target: '/cache' }] },
    ],
    [
      'tmpfs volume and tmpfs list',
      {
        volumes: [{ type: 'tmpfs', target: '/t', tmpfs: { size: '1048576', mode: 0o1777 } }],
        tmpfs: ['/run:size=64m,mode=755,noexec,uid=1000'],
      },
      {
        mounts: [
          { type: 'tmpfs', target: '/t', sizeBytes: 1048576, mode: 0o1777 },
          {
            type: 'tmpfs',
            target: '/run',
            sizeBytes: 64 * 1024 * 1024,
            mode: 0o755,
            options: ['noexec', 'uid=1000'],
          },
        ],
      },
    ],
    [
      'networks by priority, then name; service name first alias; per-network options',
      {
        networks: {
          back: { aliases: ['db-client'], ipv4_address: '10.5.0.9' },
          front: { priority: 10, mac_address: '02:00:00:00:00:01' },
        },
      },
      {
        network: {
          mode: 'bridge',
          networks: [
            { network: 'p_front', aliases: ['web'], macAddress: '02:00:00:00:00:01' },
            { network: 'p_back', aliases: ['web', 'db-client'], ipv4Address: '10.5.0.9' },
          ],
        },
      },
      { networks: { front: {}, back: {} } },
    ],
    ['network_mode host', { network_mode: 'host' }, { network: { mode: 'host' } }],
    ['network_mode none', { network_mode: 'none' }, { network: { mode: 'none' } }],
    [
      'network_mode service: → replica 1 of it',
      { network_mode: 'service:other' },
      { network: { mode: 'container', container: 'p-other-1' } },
    ],
    [
      'network_mode container:',
      { network_mode: 'container:abc' },
      { network: { mode: 'container', container: 'abc' } },
    ],
    [
      'ports: range, host ip, udp, random',
      {
        ports: [
          { target: 80, published: '8080', host_ip: '127.0.0.1' },
          { target: 53, published: '5353', protocol: 'udp' },
          { target: 9000, published: '9000-9010' },
          { target: 7000 },
        ],
      },
      {
        ports: [
          { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
          { hostPort: 5353, containerPort: 53, protocol: 'udp' },
          { hostPort: 9000, hostPortEnd: 9010, containerPort: 9000, protocol: 'tcp' },
          { containerPort: 7000, protocol: 'tcp' },
        ],
      },
    ],
    [
      'expose',
      { expose: ['3000', '4000-4002/udp'] },
      {
        exposedPorts: [
          { port: 3000, protocol: 'tcp' },
          { port: 4000, portEnd: 4002, protocol: 'udp' },
        ],
      },
    ],
    [
      'dns settings and extra hosts',
      {
        dns: ['1.1.1.1'],
        dns_search: ['example.org'],
        dns_opt: ['ndots:2'],
        extra_hosts: ['db=10.0.0.5', 'gw=host-gateway'],
      },
      {
        dns: ['1.1.1.1'],
        dnsSearch: ['example.org'],
        dnsOptions: ['ndots:2'],
        extraHosts: [
          { hostname: 'db', ip: '10.0.0.5' },
          { hostname: 'gw', ip: 'host-gateway' },
        ],
      },
    ],
    [
      'capabilities, privileges, security options',
      {
        cap_add: ['NET_ADMIN'],
        cap_drop: ['ALL'],
        privileged: true,
        security_opt: ['no-new-privileges:true', 'seccomp=unconfined'],
      },
      {
        capAdd: ['NET_ADMIN'],
        capDrop: ['ALL'],
        privileged: true,
        noNewPrivileges: true,
        securityOpt: ['seccomp=unconfined'],
      },
    ],
    [
      'ulimits, sysctls, shm_size',
      {
        ulimits: { nproc: 65535, nofile: { soft: 1024, hard: 4096 } },
        sysctls: { 'net.core.somaxconn': '1024' },
        shm_size: '134217728',
      },
      {
        ulimits: [
          { name: 'nofile', soft: 1024, hard: 4096 },
          { name: 'nproc', soft: 65535, hard: 65535 },
        ],
        sysctls: { 'net.core.somaxconn': '1024' },
        shmSizeBytes: 134217728,
      },
    ],
    [
      'legacy resource keys',
      {
        mem_limit: '536870912',
        memswap_limit: '-1',
        mem_reservation: '268435456',
        cpus: 1.5,
        cpu_shares: 512,
        cpuset: '0-1',
        pids_limit: 100,
        oom_score_adj: 500,
      },
      {
        resources: {
          memoryBytes: 536870912,
          memorySwapBytes: -1,
          memoryReservationBytes: 268435456,
          cpus: 1.5,
          cpuShares: 512,
          cpusetCpus: '0-1',
          pidsLimit: 100,
          oomScoreAdj: 500,
        },
      },
    ],
    [
      'deploy.resources win over legacy keys',
      {
        mem_limit: '1',
        cpus: 4,
        deploy: {
          resources: {
            limits: { memory: '1073741824', cpus: 0.5, pids: 64 },
            reservations: { memory: '1048576' },
          },
          placement: {},
        },
      },
      { resources: { memoryBytes: 1073741824, cpus: 0.5, pidsLimit: 64, memoryReservationBytes: 1048576 } },
    ],
    [
      'restart on-failure:N',
      { restart: 'on-failure:3' },
      { restartPolicy: { name: 'on-failure', maxRetries: 3 } },
    ],
    ['restart unless-stopped', { restart: 'unless-stopped' }, { restartPolicy: { name: 'unless-stopped' } }],
    [
      'deploy.restart_policy any → always',
      { deploy: { restart_policy: { condition: 'any' }, resources: {}, placement: {} } },
      { restartPolicy: { name: 'always' } },
    ],
    [
      'healthcheck durations in ms',
      {
        healthcheck: {
          test: ['CMD-SHELL', 'curl -f localhost'],
          interval: '10s',
          timeout: '1m30s',
          retries: 5,
          start_period: '500ms',
          start_interval: '1s',
        },
      },
      {
        healthcheck: {
          test: ['CMD-SHELL', 'curl -f localhost'],
          intervalMs: 10_000,
          timeoutMs: 90_000,
          retries: 5,
          startPeriodMs: 500,
          startIntervalMs: 1000,
        },
      },
    ],
    ['healthcheck disable', { healthcheck: { disable: true } }, { healthcheck: { disable: true } }],
    ['healthcheck test NONE', { healthcheck: { test: ['NONE'] } }, { healthcheck: { disable: true } }],
    [
      'stop signal, grace period, tty, stdin',
      { stop_signal: 'SIGQUIT', stop_grace_period: '1m', tty: true, stdin_open: true },
      { stopSignal: 'SIGQUIT', stopGracePeriodMs: 60_000, tty: true, stdinOpen: true },
    ],
    [
      'devices and groups',
      { devices: [{ source: '/dev/fuse', target: '/dev/fuse', permissions: 'rwm' }], group_add: ['video'] },
      {
        devices: [{ hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: 'rwm' }],
        groupAdd: ['video'],
      },
    ],
    [
      'namespaces',
      { ipc: 'service:other', pid: 'host', uts: 'host', cgroup: 'private' },
      { ipc: 'container:p-other-1', pid: 'host', uts: 'host', cgroupns: 'private' },
    ],
    [
      'volumes_from',
      { volumes_from: ['other:ro', 'container:x'] },
      { volumesFrom: [{ container: 'p-other-1', readOnly: true }, { container: 'x' }] },
    ],
    [
      'configs and secrets with owner and mode',
      {
        configs: [{ source: 'conf', uid: '101', gid: '101', mode: '0440' }],
        secrets: [{ source: 'tok', target: 'token' }],
      },
      {
        files: [
          {
            kind: 'config',
            key: 'conf',
            target: '/conf',
            source: { type: 'content', content: 'x' },
            contentDigest: sha256Digest('x'),
            uid: 101,
            gid: 101,
            mode: 0o440,
          },
          {
            kind: 'secret',
            key: 'tok',
            target: '/run/secrets/token',
            source: { type: 'content', content: 's' },
            contentDigest: sha256Digest('s'),
          },
        ],
      },
      { configs: { conf: { content: 'x' } }, secrets: { tok: { environment: 'TOK', content: 's' } } },
    ],
    [
      'logging',
      { logging: { driver: 'json-file', options: { 'max-size': '10m' } } },
      { logging: { driver: 'json-file', options: { 'max-size': '10m' } } },
    ],
  ])('%s', (_name, web, expected, input) => {
    expect(specOf(web, input)).toMatchObject(expected);
  });

  it('a service without options maps to exactly the required fields and labels', () => {
    const spec = specOf({});
    expect(Object.keys(spec).sort()).toEqual(
      [
        'command',
        'configRecord',
        'entrypoint',
        'env',
        'image',
        'imageDigest',
        'imageId',
        'labels',
        'mounts',
        'name',
        'network',
        'ports',
      ].sort(),
    );
  });
});

describe('names and labels', () => {
  it('replica n is <project>-<service>-n with tscompose and Compose labels', () => {
    const desired = desiredOf(
      makeProject({
        api: {
          scale: 3,
          depends_on: { db: { condition: 'service_healthy', required: true, restart: true } },
        },
        db: {},
      }),
      { version: '0.1.0' },
    );
    const spec = containerSpecFor(desired.project, desired.services['api']!, 2);
    expect(spec.name).toBe('p-api-2');
    expect(spec.labels).toEqual({
      'io.tscompose.project': 'p',
      'io.tscompose.service': 'api',
      'io.tscompose.container-number': '2',
      'io.tscompose.oneoff': 'false',
      'io.tscompose.config-hash': desired.services['api']!.configHash,
      'io.tscompose.image': imageFacts('api:1').digest,
      'io.tscompose.depends-on': 'db:service_healthy:true',
      'io.tscompose.version': '0.1.0',
      'io.tscompose.project.working-dir': '/srv/p',
      'io.tscompose.project.config-files': '/srv/p/compose.yaml',
      'com.docker.compose.project': 'p',
      'com.docker.compose.service': 'api',
      'com.docker.compose.container-number': '2',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.project.working_dir': '/srv/p',
      'com.docker.compose.project.config_files': '/srv/p/compose.yaml',
    });
  });

  it('container_name names the only replica; the user cannot override tscompose labels', () => {
    const desired = desiredOf(
      makeProject({ web: { container_name: 'front', labels: { 'io.tscompose.service': 'x', tier: 'a' } } }),
    );
    const spec = containerSpecFor(desired.project, desired.services['web']!, 1);
    expect(spec.name).toBe('front');
    expect(spec.labels['io.tscompose.service']).toBe('web');
    expect(spec.labels['tier']).toBe('a');
    expect(desired.warnings).toEqual([
      'service web: label io.tscompose.service is set by tscompose; yours is ignored',
    ]);
  });

  it('networks and volumes get <project>_<key> names, their hash and labels', () => {
    const desired = desiredOf(
      makeProject(
        { web: {} },
        {
          networks: {
            default: {
              labels: { a: 'b' },
              ipam: { config: [{ subnet: '10.9.0.0/24', gateway: '10.9.0.1' }] },
            },
          },
          volumes: { data: { driver_opts: { type: 'tmpfs' } } },
        },
      ),
    );
    const net = desired.networks['default']!;
    expect(net.spec).toEqual({
      name: 'p_default',
      driver: 'bridge',
      subnet: '10.9.0.0/24',
      gateway: '10.9.0.1',
      labels: {
        a: 'b',
        'io.tscompose.project': 'p',
        'io.tscompose.network': 'default',
        'io.tscompose.config-hash': net.configHash,
        'io.tscompose.config': net.configRecord,
        'com.docker.compose.project': 'p',
        'com.docker.compose.network': 'default',
      },
    });
    const vol = desired.volumes['data']!;
    expect(vol.spec).toEqual({
      name: 'p_data',
      driver: 'local',
      driverOpts: { type: 'tmpfs' },
      labels: {
        'io.tscompose.project': 'p',
        'io.tscompose.volume': 'data',
        'io.tscompose.config-hash': vol.configHash,
        'io.tscompose.config': vol.configRecord,
        'com.docker.compose.project': 'p',
        'com.docker.compose.volume': 'data',
      },
    });
  });

  it('withImage pins the image the reconciler pulled', () => {
    const desired = desiredOf(makeProject({ web: {} }), { images: { 'web:1': null } });
    const spec = containerSpecFor(desired.project, desired.services['web']!, 1);
    expect(spec.imageId).toBeUndefined();
    const facts = imageFacts('web:1', 7);
    expect(withImage(spec, facts)).toMatchObject({
      imageId: facts.id,
      imageDigest: facts.digest,
      labels: { 'io.tscompose.image': facts.digest },
    });
  });
});

describe('replicas', () => {
  it.each<[string, ServiceInput, Record<string, number> | undefined, number]>([
    ['default', {}, undefined, 1],
    ['scale', { scale: 3 }, undefined, 3],
    ['deploy.replicas', { deploy: { replicas: 2, resources: {}, placement: {} } }, undefined, 2],
    ['--scale wins', { scale: 3 }, { web: 5 }, 5],
    ['scale 0', { scale: 0 }, undefined, 0],
  ])('%s', (_name, web, scale, replicas) => {
    expect(desiredOf(makeProject({ web }), scale ? { scale } : {}).services['web']!.replicas).toBe(replicas);
  });
});

describe('refused and ignored attributes', () => {
  it.each<[string, ServiceInput, ProjectInput, string, string]>([
    [
      'sctp port',
      { ports: [{ target: 80, protocol: 'sctp' }] },
      {},
      'PLAN_UNSUPPORTED',
      'service web: ports[0].protocol: protocol "sctp" is not supported (tcp and udp are)',
    ],
    [
      'npipe mount',
      { volumes: [{ type: 'npipe', source: 'x', target: '/x' }] },
      {},
      'PLAN_UNSUPPORTED',
      'service web: volumes[0].type: mount type "npipe" is not supported',
    ],
    [
      'image mount',
      { volumes: [{ type: 'image', source: 'alpine', target: '/x' }] },
      {},
      'PLAN_UNSUPPORTED',
      'service web: volumes[0].type: mount type "image" is not supported',
    ],
    [
      'network_mode bridge',
      { network_mode: 'bridge' },
      {},
      'PLAN_UNSUPPORTED',
      'service web: network_mode: "bridge" (Docker\'s default bridge) does not exist here',
    ],
    [
      'external secret',
      { secrets: [{ source: 's' }] },
      { secrets: { s: { external: true } } },
      'PLAN_UNSUPPORTED',
      'service web: secrets[0]: external secret "s" is not supported (Swarm only)',
    ],
    [
      'IPv6 address',
      { networks: { default: { ipv6_address: '::1' } } },
      {},
      'PLAN_UNSUPPORTED',
      'service web: networks.default.ipv6_address: IPv6 is not supported yet',
    ],
    [
      'container_name with replicas',
      { container_name: 'w', scale: 2 },
      {},
      'PLAN_CONFLICT',
      'service web: container_name "w" allows one container, 2 asked',
    ],
    [
      'bad restart',
      { restart: 'sometimes' },
      {},
      'PLAN_UNSUPPORTED',
      'service web: restart: expected no, always, on-failure[:N] or unless-stopped, got "sometimes"',
    ],
  ])('%s', (_name, web, input, code, message) => {
    let error: unknown;
    try {
      buildDesiredState(makeProject({ web }, input));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PlanError);
    expect(error).toMatchObject({ code, message, exitCode: 3 });
  });

  it.each<[string, ProjectInput, string]>([
    [
      'overlay driver',
      { networks: { default: { driver: 'overlay' } } },
      'network default: driver "overlay" is not supported (bridge is)',
    ],
    [
      'volume driver',
      { volumes: { v: { driver: 'nfs' } } },
      'volume v: driver "nfs" is not supported (local is)',
    ],
  ])('resource with %s', (_name, input, message) => {
    expect(() => buildDesiredState(makeProject({ web: {} }, input))).toThrow(message);
  });

  it('attributes the engine does not implement are ignored with a warning each', () => {
    const desired = desiredOf(
      makeProject({ web: { gpus: [{ count: -1 }], runtime: 'nvidia', userns_mode: 'host' } }),
    );
    expect(desired.warnings).toEqual([
      'service web: gpus ignored (no GPU support)',
      'service web: runtime ignored (one runtime only (tscompose-native))',
      'service web: userns_mode ignored (no user namespaces yet)',
    ]);
  });

  it('provider services are skipped, not orphans', () => {
    const desired = desiredOf(makeProject({ web: {}, model: { provider: { type: 'model' } } }));
    expect(Object.keys(desired.services)).toEqual(['web']);
    expect(desired.disabledServices).toEqual(['model']);
  });
});

describe('planInputs', () => {
  it('lists images of active services and config/secret files to digest', () => {
    const project = makeProject(
      {
        web: { configs: [{ source: 'conf' }, { source: 'inline' }], secrets: [{ source: 'key' }] },
        app: { image: undefined, build: { context: '/srv/p/app' } },
      },
      {
        configs: { conf: { file: '/srv/p/conf' }, inline: { content: 'x' } },
        secrets: { key: { file: '/srv/p/key' } },
        disabled: { off: {} },
      },
    );
    expect(planInputs(project)).toEqual({
      images: ['p-app', 'web:1'],
      files: [
        { kind: 'config', key: 'conf', path: '/srv/p/conf' },
        { kind: 'secret', key: 'key', path: '/srv/p/key' },
      ],
    });
  });
});
