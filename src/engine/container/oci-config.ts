import { EngineError } from '../errors.js';
import type { EffectiveConfig } from './image-defaults.js';
import {
  DEFAULT_MASKED_PATHS,
  DEFAULT_NET_SYSCTLS,
  DEFAULT_READONLY_PATHS,
  DEFAULT_SHM_SIZE_BYTES,
  INIT_PATH_IN_CONTAINER,
  NAMESPACED_SYSCTLS,
} from './oci-defaults.js';
import { ociResources, type OciResources, type ResolvedDevice } from './oci-resources.js';
import type { ResolvedUser } from './passwd.js';
import type { OciRlimit } from './rlimits.js';
import { defaultSeccompProfile } from './seccomp-default.js';
import type { ContainerSpec } from './types.js';

/** A runtime-spec mount. */
export interface OciMount {
  readonly destination: string;
  readonly type?: string;
  readonly source?: string;
  readonly options?: readonly string[];
}

export interface OciNamespace {
  readonly type: 'pid' | 'network' | 'ipc' | 'uts' | 'mount' | 'cgroup';
  readonly path?: string;
}

/** The runtime-spec config.json the engine writes (the fields it sets). */
export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: { bounding: string[]; effective: string[]; permitted: string[] };
    rlimits: OciRlimit[];
    noNewPrivileges: boolean;
    oomScoreAdj?: number;
  };
  root: { path: string; readonly: boolean };
  hostname?: string;
  domainname?: string;
  mounts: OciMount[];
  annotations?: Record<string, string>;
  linux: {
    namespaces: OciNamespace[];
    resources: OciResources;
    cgroupsPath: string;
    maskedPaths: string[];
    readonlyPaths: string[];
    sysctl: Record<string, string>;
    devices: {
      path: string;
      type: 'c' | 'b';
      major: number;
      minor: number;
      fileMode: number;
      uid: number;
      gid: number;
    }[];
    seccomp?: OciSeccomp;
  };
}

/** `linux.seccomp` of the runtime spec (the parts the engine writes). */
export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  flags?: string[];
  syscalls: {
    names: string[];
    action: string;
    errnoRet?: number;
    args?: { index: number; value: number; valueTwo?: number; op: string }[];
  }[];
}

/** How to get each namespace: a new one, the host's (none in the list), or join by path. */
export type NamespaceChoice =
  { readonly kind: 'new' } | { readonly kind: 'host' } | { readonly kind: 'path'; readonly path: string };

export interface OciConfigInputs {
  readonly spec: ContainerSpec;
  readonly config: EffectiveConfig;
  readonly user: ResolvedUser;
  /** Mounts after the defaults, in order (the /etc files, volumes, binds, tmpfs, config files). */
  readonly mounts: readonly OciMount[];
  readonly namespaces: {
    readonly network: NamespaceChoice;
    readonly ipc: NamespaceChoice;
    readonly pid: NamespaceChoice;
    readonly uts: NamespaceChoice;
    readonly cgroup: NamespaceChoice;
  };
  readonly cgroupsPath: string;
  readonly capabilities: readonly string[];
  readonly rlimits: readonly OciRlimit[];
  readonly devices: readonly ResolvedDevice[];
  /** Host path of the init binary (`init: true`). */
  readonly initBinary?: string;
  /** Extra masked paths found on this host (`/sys/devices/system/cpu/cpuN/thermal_throttle`). */
  readonly extraMaskedPaths?: readonly string[];
  /** The filter from a `seccomp=PROFILE` option (read and converted by the caller); default otherwise. */
  readonly seccomp?: OciSeccomp;
  /** `/dev/shm` of an IPC namespace owner to bind (`ipc: container:X`), else a new tmpfs. */
  readonly shmSource?: string;
}

function nsList(ns: OciConfigInputs['namespaces']): OciNamespace[] {
  const out: OciNamespace[] = [];
  const add = (type: OciNamespace['type'], c: NamespaceChoice): void => {
    if (c.kind === 'new') out.push({ type });
    else if (c.kind === 'path') out.push({ type, path: c.path });
  };
  add('pid', ns.pid);
  add('network', ns.network);
  add('ipc', ns.ipc);
  add('uts', ns.uts);
  out.push({ type: 'mount' });
  add('cgroup', ns.cgroup);
  return out;
}

/** Security options the engine understands (`security_opt`); the rest are refused, not ignored. */
export interface SecurityOptions {
  readonly noNewPrivileges: boolean;
  /** `seccomp=unconfined`: no syscall filter (privileged containers have none either). */
  readonly unconfinedSeccomp: boolean;
  /** `seccomp=PROFILE`: the profile as JSON text (`{…}`) or an absolute file path. */
  readonly seccompProfile?: string;
  /** `systempaths=unconfined`: no masked or read-only paths. */
  readonly unconfinedSystemPaths: boolean;
}

export function parseSecurityOptions(
  spec: Pick<ContainerSpec, 'securityOpt' | 'noNewPrivileges'>,
): SecurityOptions {
  let noNewPrivileges = spec.noNewPrivileges ?? false;
  let unconfinedSystemPaths = false;
  let unconfinedSeccomp = false;
  let seccompProfile: string | undefined;
  for (const raw of spec.securityOpt ?? []) {
    const opt = raw.trim();
    const [key = '', value = ''] = opt.includes('=')
      ? [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)]
      : opt.split(':');
    if (key === 'no-new-privileges') noNewPrivileges = value === '' || value === 'true';
    else if (key === 'label')
      continue; // SELinux: this engine applies no labels; accepted as Docker does without SELinux.
    else if (key === 'seccomp' && value === 'unconfined') unconfinedSeccomp = true;
    else if (key === 'seccomp' && (value.startsWith('{') || value.startsWith('/'))) seccompProfile = value;
    else if (key === 'seccomp') {
      throw new EngineError(
        'CONTAINER_UNSUPPORTED',
        `security_opt "${raw}": a seccomp profile is given as an absolute path or as JSON`,
        'the CLI and the stack loader make relative paths absolute; check how the option was passed',
      );
    } else if (key === 'apparmor' && value === 'unconfined')
      continue; // this engine applies no AppArmor profile
    else if (key === 'systempaths' && value === 'unconfined') unconfinedSystemPaths = true;
    else {
      throw new EngineError(
        'CONTAINER_UNSUPPORTED',
        `security_opt "${raw}" is not supported by this engine`,
        'supported: no-new-privileges, seccomp=unconfined|PROFILE.json, apparmor=unconfined, systempaths=unconfined, label=…',
      );
    }
  }
  return {
    noNewPrivileges,
    unconfinedSystemPaths,
    unconfinedSeccomp,
    ...(seccompProfile !== undefined ? { seccompProfile } : {}),
  };
}

/** Checks that each sysctl is namespaced and that the container has that namespace. */
export function validateSysctls(
  sysctls: Readonly<Record<string, string>>,
  own: { net: boolean; ipc: boolean; uts: boolean },
): void {
  for (const key of Object.keys(sysctls)) {
    const ipc =
      (NAMESPACED_SYSCTLS.ipc as readonly string[]).includes(key) ||
      NAMESPACED_SYSCTLS.ipcPrefixes.some((p) => key.startsWith(p));
    const net = NAMESPACED_SYSCTLS.netPrefixes.some((p) => key.startsWith(p));
    const uts = (NAMESPACED_SYSCTLS.uts as readonly string[]).includes(key);
    const what = ipc ? 'ipc' : net ? 'network' : uts ? 'uts' : undefined;
    if (!what) {
      throw new EngineError(
        'CONTAINER_SYSCTL_NOT_ALLOWED',
        `sysctl ${key} is not namespaced: a container cannot set it`,
        'only net.*, fs.mqueue.*, kernel.msg*/sem/shm* and kernel.domainname can be set per container',
      );
    }
    if ((ipc && !own.ipc) || (net && !own.net) || (uts && !own.uts)) {
      throw new EngineError(
        'CONTAINER_SYSCTL_NOT_ALLOWED',
        `sysctl ${key} needs the container's own ${what} namespace, but it shares the host's or another container's`,
      );
    }
  }
}

function defaultMounts(inputs: OciConfigInputs, privileged: boolean): OciMount[] {
  const { spec, namespaces } = inputs;
  const shmSize = spec.shmSizeBytes ?? DEFAULT_SHM_SIZE_BYTES;
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
  ];
  const ipcMode = spec.ipc ?? 'private';
  if (namespaces.ipc.kind === 'host') {
    mounts.push({
      destination: '/dev/shm',
      type: 'bind',
      source: '/dev/shm',
      options: ['rbind', 'nosuid', 'noexec', 'nodev'],
    });
    mounts.push({
      destination: '/dev/mqueue',
      type: 'bind',
      source: '/dev/mqueue',
      options: ['rbind', 'nosuid', 'noexec', 'nodev'],
    });
  } else {
    if (inputs.shmSource) {
      mounts.push({
        destination: '/dev/shm',
        type: 'bind',
        source: inputs.shmSource,
        options: ['rbind', 'nosuid', 'noexec', 'nodev'],
      });
    } else if (ipcMode !== 'none') {
      mounts.push({
        destination: '/dev/shm',
        type: 'tmpfs',
        source: 'shm',
        options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${Math.ceil(shmSize / 1024)}k`],
      });
    }
    mounts.push({
      destination: '/dev/mqueue',
      type: 'mqueue',
      source: 'mqueue',
      options: ['nosuid', 'noexec', 'nodev'],
    });
  }
  mounts.push({
    destination: '/sys',
    type: 'sysfs',
    source: 'sysfs',
    options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'],
  });
  mounts.push({
    destination: '/sys/fs/cgroup',
    type: 'cgroup',
    source: 'cgroup',
    options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'],
  });
  return mounts;
}

/**
 * The bundle's config.json for a container (pure): Docker's defaults (namespaces, mounts, 14
 * capabilities with empty inheritable/ambient sets, masked and read-only paths, device cgroup,
 * default sysctls), the image's and spec's process, and the spec's overrides.
 */
export function buildOciConfig(inputs: OciConfigInputs): OciSpec {
  const { spec, config, user, namespaces } = inputs;
  const privileged = spec.privileged ?? false;
  const security = parseSecurityOptions(spec);
  const ownIpc = namespaces.ipc.kind === 'new';
  const ownUts = namespaces.uts.kind === 'new';
  if (!ownUts && (spec.hostname !== undefined || spec.domainname !== undefined)) {
    throw new EngineError(
      'CONTAINER_CONFLICT',
      `container ${spec.name}: hostname/domainname cannot be set with uts: host`,
    );
  }
  const ownNetns = ownNetnsByEngine(inputs);
  const sysctls: Record<string, string> = {};
  // Docker sets its defaults only for containers with a network namespace of their own.
  if (ownNetns) Object.assign(sysctls, DEFAULT_NET_SYSCTLS);
  validateSysctls(spec.sysctls ?? {}, { net: ownNetns, ipc: ownIpc, uts: ownUts });
  Object.assign(sysctls, spec.sysctls ?? {});
  const args = spec.init ? [INIT_PATH_IN_CONTAINER, 'init', '--', ...config.args] : [...config.args];
  const caps = [...inputs.capabilities];
  const mounts = [...defaultMounts(inputs, privileged), ...inputs.mounts];
  if (spec.init) {
    if (!inputs.initBinary) throw new Error('buildOciConfig: init requested without an init binary');
    mounts.push({
      destination: INIT_PATH_IN_CONTAINER,
      type: 'bind',
      source: inputs.initBinary,
      options: ['bind', 'ro', 'nosuid', 'nodev'],
    });
  }
  const unconfined = privileged || security.unconfinedSystemPaths;
  const out: OciSpec = {
    ociVersion: '1.2.0',
    process: {
      terminal: config.tty,
      user: { uid: user.uid, gid: user.gid, additionalGids: [...user.additionalGids] },
      args,
      env: [...config.env],
      cwd: config.cwd,
      capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
      rlimits: [...inputs.rlimits],
      noNewPrivileges: security.noNewPrivileges,
      ...(spec.resources?.oomScoreAdj !== undefined ? { oomScoreAdj: spec.resources.oomScoreAdj } : {}),
    },
    root: { path: 'rootfs', readonly: spec.readOnlyRootfs ?? false },
    ...(ownUts ? { hostname: config.hostname } : {}),
    ...(ownUts && config.domainname ? { domainname: config.domainname } : {}),
    mounts,
    ...(spec.annotations && Object.keys(spec.annotations).length > 0
      ? { annotations: { ...spec.annotations } }
      : {}),
    linux: {
      namespaces: nsList(namespaces),
      resources: ociResources(spec.resources, {
        privileged,
        ...(spec.deviceCgroupRules ? { deviceRules: spec.deviceCgroupRules } : {}),
        devices: inputs.devices,
      }),
      cgroupsPath: inputs.cgroupsPath,
      maskedPaths: unconfined ? [] : [...DEFAULT_MASKED_PATHS, ...(inputs.extraMaskedPaths ?? [])],
      readonlyPaths: unconfined ? [] : [...DEFAULT_READONLY_PATHS],
      sysctl: sysctls,
      devices: inputs.devices.map((d) => ({
        path: d.path,
        type: d.type,
        major: d.major,
        minor: d.minor,
        fileMode: d.fileMode,
        uid: d.uid,
        gid: d.gid,
      })),
      ...(privileged || security.unconfinedSeccomp
        ? {}
        : { seccomp: inputs.seccomp ?? defaultSeccompProfile(caps) }),
    },
  };
  return out;
}

/**
 * A netns joined by path is the container's own when the engine made it for this container
 * (bridge and none modes); joining another container's (`container:X`) shares X's, whose
 * sysctls belong to X.
 */
function ownNetnsByEngine(inputs: OciConfigInputs): boolean {
  return inputs.spec.network.mode === 'bridge' || inputs.spec.network.mode === 'none';
}
