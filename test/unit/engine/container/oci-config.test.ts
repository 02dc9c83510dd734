import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES } from '../../../../src/engine/container/capabilities.js';
import { effectiveConfig } from '../../../../src/engine/container/image-defaults.js';
import {
  buildOciConfig,
  parseSecurityOptions,
  validateSysctls,
  type OciConfigInputs,
} from '../../../../src/engine/container/oci-config.js';
import { ociResources, parseDeviceRule } from '../../../../src/engine/container/oci-resources.js';
import { defaultSeccompProfile } from '../../../../src/engine/container/seccomp-default.js';
import type { ContainerSpec } from '../../../../src/engine/container/types.js';

const spec: ContainerSpec = {
  name: 'c',
  image: 'img',
  entrypoint: null,
  command: ['sh'],
  env: {},
  labels: {},
  mounts: [],
  network: { mode: 'bridge', networks: [] },
  ports: [],
};

function inputs(over: Partial<ContainerSpec> = {}, more: Partial<OciConfigInputs> = {}): OciConfigInputs {
  const s = { ...spec, ...over };
  return {
    spec: s,
    config: effectiveConfig({ spec: s, image: {}, defaultHostname: 'abc' }),
    user: { uid: 0, gid: 0, additionalGids: [0] },
    mounts: [],
    namespaces: {
      network: { kind: 'path', path: '/run/netns/x' },
      ipc: { kind: 'new' },
      pid: { kind: 'new' },
      uts: { kind: 'new' },
      cgroup: { kind: 'host' },
    },
    cgroupsPath: '/tscompose-aaaa-id',
    capabilities: [...DEFAULT_CAPABILITIES],
    rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 20000 }],
    devices: [],
    ...more,
  };
}

describe('OCI config (Docker’s defaults, engine-anchors §1)', () => {
  const oci = buildOciConfig(inputs());

  it('has Docker’s namespaces, mounts, masked and read-only paths, capabilities and sysctls', () => {
    expect(oci.linux.namespaces).toEqual([
      { type: 'pid' },
      { type: 'network', path: '/run/netns/x' },
      { type: 'ipc' },
      { type: 'uts' },
      { type: 'mount' },
    ]);
    expect(oci.mounts.map((m) => [m.destination, m.type])).toEqual([
      ['/proc', 'proc'],
      ['/dev', 'tmpfs'],
      ['/dev/pts', 'devpts'],
      ['/dev/shm', 'tmpfs'],
      ['/dev/mqueue', 'mqueue'],
      ['/sys', 'sysfs'],
      ['/sys/fs/cgroup', 'cgroup'],
    ]);
    expect(oci.mounts[3]!.options).toContain('size=65536k');
    expect(oci.linux.maskedPaths).toEqual(
      expect.arrayContaining([
        '/proc/kcore',
        '/proc/keys',
        '/sys/firmware',
        '/proc/interrupts',
        '/sys/devices/virtual/powercap',
      ]),
    );
    expect(oci.linux.readonlyPaths).toEqual([
      '/proc/bus',
      '/proc/fs',
      '/proc/irq',
      '/proc/sys',
      '/proc/sysrq-trigger',
    ]);
    expect(oci.process.capabilities.bounding).toHaveLength(14);
    expect(oci.process.capabilities).not.toHaveProperty('inheritable');
    expect(oci.process.capabilities).not.toHaveProperty('ambient');
    expect(oci.process.noNewPrivileges).toBe(false);
    expect(oci.linux.sysctl).toEqual({
      'net.ipv4.ip_unprivileged_port_start': '0',
      'net.ipv4.ping_group_range': '0 2147483647',
    });
    expect(oci.linux.cgroupsPath).toBe('/tscompose-aaaa-id');
    expect(oci.linux.resources.devices[0]).toEqual({ allow: false, access: 'rwm' });
    expect(oci).toMatchObject({
      hostname: 'abc',
      root: { path: 'rootfs', readonly: false },
      process: { terminal: false, args: ['sh'], cwd: '/' },
    });
  });

  it.each([
    [
      'init wraps the program',
      { init: true },
      (o: ReturnType<typeof buildOciConfig>) =>
        expect(o.process.args).toEqual(['/sbin/tsc-init', 'init', '--', 'sh']),
    ],
    [
      'privileged: no masked paths, rw sysfs, all devices',
      { privileged: true },
      (o: ReturnType<typeof buildOciConfig>) => {
        expect(o.linux.maskedPaths).toEqual([]);
        expect(o.linux.readonlyPaths).toEqual([]);
        expect(o.mounts.find((m) => m.destination === '/sys')!.options).toContain('rw');
        expect(o.linux.resources.devices).toEqual([{ allow: true, access: 'rwm' }]);
      },
    ],
    [
      'read-only root and shm size',
      { readOnlyRootfs: true, shmSizeBytes: 1024 * 1024 },
      (o: ReturnType<typeof buildOciConfig>) => {
        expect(o.root.readonly).toBe(true);
        expect(o.mounts.find((m) => m.destination === '/dev/shm')!.options).toContain('size=1024k');
      },
    ],
    [
      'ipc none has no /dev/shm',
      { ipc: 'none' as const },
      (o: ReturnType<typeof buildOciConfig>) =>
        expect(o.mounts.some((m) => m.destination === '/dev/shm')).toBe(false),
    ],
    [
      'no-new-privileges from security_opt',
      { securityOpt: ['no-new-privileges'] },
      (o: ReturnType<typeof buildOciConfig>) => expect(o.process.noNewPrivileges).toBe(true),
    ],
    [
      'systempaths=unconfined',
      { securityOpt: ['systempaths=unconfined'] },
      (o: ReturnType<typeof buildOciConfig>) => expect(o.linux.maskedPaths).toEqual([]),
    ],
    [
      'user sysctls over the defaults',
      { sysctls: { 'net.core.somaxconn': '1024', 'kernel.shmmax': '1' } },
      (o: ReturnType<typeof buildOciConfig>) =>
        expect(o.linux.sysctl).toMatchObject({ 'net.core.somaxconn': '1024', 'kernel.shmmax': '1' }),
    ],
    [
      'oom score adj',
      { resources: { oomScoreAdj: 500 } },
      (o: ReturnType<typeof buildOciConfig>) => expect(o.process.oomScoreAdj).toBe(500),
    ],
  ])('%s', (_n, over, check) =>
    check(buildOciConfig(inputs(over, 'init' in over ? { initBinary: '/x/tscompose-native' } : {}))),
  );

  it('host namespaces are left out; joined ones have their path', () => {
    const o = buildOciConfig(
      inputs(
        { network: { mode: 'host' } },
        {
          namespaces: {
            network: { kind: 'host' },
            ipc: { kind: 'host' },
            pid: { kind: 'path', path: '/proc/9/ns/pid' },
            uts: { kind: 'host' },
            cgroup: { kind: 'new' },
          },
        },
      ),
    );
    expect(o.linux.namespaces).toEqual([
      { type: 'pid', path: '/proc/9/ns/pid' },
      { type: 'mount' },
      { type: 'cgroup' },
    ]);
    expect(o.linux.sysctl).toEqual({});
    expect(o.mounts.find((m) => m.destination === '/dev/shm')).toMatchObject({
      type: 'bind',
      source: '/dev/shm',
    });
    expect(o).not.toHaveProperty('hostname');
  });

  it.each([
    ['a non-namespaced sysctl', { 'vm.swappiness': '1' }, { net: true, ipc: true, uts: true }],
    [
      'net.* without a network namespace',
      { 'net.core.somaxconn': '1' },
      { net: false, ipc: true, uts: true },
    ],
    [
      'ipc sysctls with a shared ipc namespace',
      { 'kernel.msgmax': '1' },
      { net: true, ipc: false, uts: true },
    ],
  ])('refuses %s', (_n, sysctls, own) => {
    expect(() => validateSysctls(sysctls, own)).toThrow(
      expect.objectContaining({ code: 'CONTAINER_SYSCTL_NOT_ALLOWED' }),
    );
  });

  it.each([
    ['seccomp=unconfined', true],
    ['apparmor=unconfined', true],
    ['label=disable', true],
    ['no-new-privileges:true', true],
    ['seccomp=/profile.json', true],
    ['seccomp:{"defaultAction":"SCMP_ACT_ALLOW"}', true],
    ['seccomp=profile.json', false],
    ['apparmor=docker-default', false],
  ])('security_opt %s accepted: %s', (opt, ok) => {
    const run = (): unknown => parseSecurityOptions({ securityOpt: [opt] });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ code: 'CONTAINER_UNSUPPORTED' }));
  });
});

describe('cgroup resources', () => {
  it.each([
    [
      'memory: swap twice the memory',
      { memoryBytes: 64 << 20 },
      { memory: { limit: 64 << 20, swap: 128 << 20 } },
    ],
    [
      'memory with unlimited swap',
      { memoryBytes: 64 << 20, memorySwapBytes: -1 },
      { memory: { limit: 64 << 20, swap: -1 } },
    ],
    ['cpus as quota', { cpus: 1.5 }, { cpu: { period: 100_000, quota: 150_000 } }],
    ['quota with default period', { cpuQuotaUs: 50_000 }, { cpu: { quota: 50_000, period: 100_000 } }],
    ['shares and cpuset', { cpuShares: 512, cpusetCpus: '0-1' }, { cpu: { shares: 512, cpus: '0-1' } }],
    ['pids', { pidsLimit: 100 }, { pids: { limit: 100 } }],
    ['unlimited pids', { pidsLimit: -1 }, {}],
  ])('%s', (_n, r, expected) => {
    expect(ociResources(r)).toMatchObject(expected);
  });

  it.each([
    ['memory below 6 MiB', { memoryBytes: 1 << 20 }, 'CONTAINER_MEMORY_TOO_LOW'],
    [
      'swap below memory',
      { memoryBytes: 64 << 20, memorySwapBytes: 32 << 20 },
      'CONTAINER_MEMORY_SWAP_INVALID',
    ],
    ['swap without memory', { memorySwapBytes: 64 << 20 }, 'CONTAINER_MEMORY_SWAP_INVALID'],
    ['cpus with quota', { cpus: 1, cpuQuotaUs: 1 }, 'CONTAINER_RESOURCES_INVALID'],
    ['oom kill disable without memory', { oomKillDisable: true }, 'CONTAINER_RESOURCES_INVALID'],
  ])('refuses %s', (_n, r, code) => {
    expect(() => ociResources(r)).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    ['c 1:3 mr', { allow: true, type: 'c', major: 1, minor: 3, access: 'mr' }],
    ['b 8:* rwm', { allow: true, type: 'b', major: 8, access: 'rwm' }],
    ['a *:* rwm', { allow: true, type: 'a', access: 'rwm' }],
  ])('device rule %s', (rule, expected) => expect(parseDeviceRule(rule)).toEqual(expected));

  it('refuses a malformed device rule', () => {
    expect(() => parseDeviceRule('c 1 rwm')).toThrow(
      expect.objectContaining({ code: 'CONTAINER_DEVICE_RULE_INVALID' }),
    );
  });
});

describe('seccomp (the default filter)', () => {
  const refused = (o: ReturnType<typeof buildOciConfig>): string[] =>
    o.linux.seccomp?.syscalls[0]?.names ?? [];
  const rule = (o: ReturnType<typeof buildOciConfig>, name: string) =>
    o.linux.seccomp?.syscalls.find((s) => s.names.includes(name) && s.args !== undefined);

  it('gives every container a filter: allow by default, EPERM for the dangerous syscalls', () => {
    const o = buildOciConfig(inputs());
    expect(o.linux.seccomp).toMatchObject({ defaultAction: 'SCMP_ACT_ALLOW' });
    expect(o.linux.seccomp?.syscalls[0]).toMatchObject({ action: 'SCMP_ACT_ERRNO', errnoRet: 1 });
    for (const name of [
      'keyctl',
      'add_key',
      'userfaultfd',
      'io_uring_setup',
      'kexec_load',
      'unshare',
      'mount',
      'setns',
      'bpf',
      'ptrace',
      'reboot',
      'init_module',
      'settimeofday',
    ])
      expect(refused(o), name).toContain(name);
    for (const name of ['read', 'clone', 'execve', 'chroot', 'socket'])
      expect(refused(o), name).not.toContain(name);
  });

  it('refuses clone with a CLONE_NEW* flag (one alternative per flag), clone3 with ENOSYS, AF_ALG and AF_VSOCK sockets', () => {
    const o = buildOciConfig(inputs());
    expect(rule(o, 'clone')?.args).toContainEqual({
      index: 0,
      value: 0x10000000,
      valueTwo: 0x10000000,
      op: 'SCMP_CMP_MASKED_EQ',
    });
    expect(rule(o, 'clone')?.args).toHaveLength(7);
    expect(o.linux.seccomp?.syscalls.find((s) => s.names.includes('clone3'))).toMatchObject({ errnoRet: 38 });
    expect(rule(o, 'socket')?.args?.map((a) => a.value)).toEqual([38, 40]);
  });

  it('lets a capability open its group: CAP_SYS_ADMIN namespaces and mounts, CAP_SYS_PTRACE ptrace', () => {
    const o = buildOciConfig(
      inputs({}, { capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE'] }),
    );
    for (const name of ['unshare', 'mount', 'setns', 'ptrace', 'process_vm_readv'])
      expect(refused(o), name).not.toContain(name);
    expect(refused(o)).toContain('keyctl');
    expect(rule(o, 'clone')).toBeUndefined();
  });

  it('has none for privileged containers and with seccomp=unconfined', () => {
    expect(buildOciConfig(inputs({ privileged: true })).linux.seccomp).toBeUndefined();
    expect(buildOciConfig(inputs({ securityOpt: ['seccomp=unconfined'] })).linux.seccomp).toBeUndefined();
    expect(buildOciConfig(inputs({ securityOpt: ['seccomp:unconfined'] })).linux.seccomp).toBeUndefined();
  });

  it.each([
    ['x64', ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']],
    ['arm64', ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']],
  ])('names the architectures of a %s host', (arch, archs) => {
    expect(defaultSeccompProfile([...DEFAULT_CAPABILITIES], arch).architectures).toEqual(archs);
  });
});
