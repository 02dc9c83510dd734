/**
 * The syscall filter every container gets unless it is privileged or asks for
 * `seccomp=unconfined` (docs/containers.md, "Seccomp"). It refuses (EPERM) what Docker's default
 * profile refuses among the syscalls a kernel has today: keyrings, userfaultfd, io_uring, kexec,
 * module loading, swap, clock setting, mounts and new namespaces, and so on, each group unless the
 * container holds the capability that makes it legitimate (CAP_SYS_ADMIN for mounts and
 * namespaces, CAP_SYS_PTRACE for ptrace's relatives, ...), as Docker's profile does.
 *
 * Unlike Docker's profile it is a deny list: a syscall it does not name is allowed, so a syscall
 * added by a newer kernel is not refused until it is listed here. `personality` is not
 * restricted: the rules of a profile cannot say "only these values" for one argument.
 */
import type { OciSeccomp } from './oci-config.js';

const EPERM = 1;
const ENOSYS = 38;

/** Refused for every container: no capability makes them safe to share a kernel with. */
const ALWAYS_REFUSED = [
  'add_key',
  'keyctl',
  'request_key',
  'userfaultfd',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'kexec_load',
  'kexec_file_load',
  'pivot_root',
  'uselib',
  'ustat',
  'sysfs',
  '_sysctl',
  'vm86',
  'vm86old',
  'nfsservctl',
  'query_module',
  'get_kernel_syms',
  'create_module',
  'lookup_dcookie',
];

/** Refused unless the container holds the capability (the name without CAP_). */
const REFUSED_WITHOUT: Readonly<Record<string, readonly string[]>> = {
  SYS_ADMIN: [
    'bpf',
    'unshare',
    'setns',
    'mount',
    'umount',
    'umount2',
    'fsopen',
    'fsconfig',
    'fsmount',
    'fspick',
    'move_mount',
    'open_tree',
    'mount_setattr',
    'quotactl',
    'quotactl_fd',
    'syslog',
    'fanotify_init',
    'perf_event_open',
    'name_to_handle_at',
    'lsm_get_self_attr',
    'lsm_set_self_attr',
    'lsm_list_modules',
  ],
  SYS_PTRACE: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev', 'ptrace'],
  SYS_TIME: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64', 'clock_adjtime', 'clock_adjtime64'],
  SYS_MODULE: ['init_module', 'finit_module', 'delete_module'],
  SYS_BOOT: ['reboot'],
  SYS_RAWIO: ['iopl', 'ioperm'],
  SYS_PACCT: ['acct'],
  SYS_NICE: ['get_mempolicy', 'set_mempolicy', 'set_mempolicy_home_node', 'mbind', 'move_pages'],
  DAC_READ_SEARCH: ['open_by_handle_at'],
  SYS_CHROOT: ['chroot'],
};

/** clone's flags that make new namespaces (CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET). */
const CLONE_NEW_FLAGS = [0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000];

/** Socket families refused: AF_ALG (kernel crypto) and AF_VSOCK (the hypervisor's sockets). */
const REFUSED_SOCKET_FAMILIES = [38, 40];

/** The architectures of the host the profile is compiled for, with their 32-bit companions. */
function architectures(arch: string): string[] {
  if (arch === 'x64') return ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];
  if (arch === 'arm64') return ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'];
  if (arch === 'ppc64') return ['SCMP_ARCH_PPC64LE'];
  if (arch === 's390x') return ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390'];
  if (arch === 'riscv64') return ['SCMP_ARCH_RISCV64'];
  return [];
}

/**
 * The default filter for a container with these capabilities (names like `CAP_SYS_ADMIN`).
 * `arch` is Node's `process.arch` of the host.
 */
export function defaultSeccompProfile(
  capabilities: readonly string[],
  arch: string = process.arch,
): OciSeccomp {
  const held = new Set(capabilities.map((c) => c.replace(/^CAP_/, '')));
  const refused = [...ALWAYS_REFUSED];
  for (const [cap, names] of Object.entries(REFUSED_WITHOUT)) if (!held.has(cap)) refused.push(...names);
  const syscalls: OciSeccomp['syscalls'] = [
    { names: refused, action: 'SCMP_ACT_ERRNO', errnoRet: EPERM },
    {
      names: ['socket'],
      action: 'SCMP_ACT_ERRNO',
      errnoRet: EPERM,
      // Conditions on one argument are alternatives: either family is refused.
      args: REFUSED_SOCKET_FAMILIES.map((family) => ({ index: 0, value: family, op: 'SCMP_CMP_EQ' })),
    },
  ];
  if (!held.has('SYS_ADMIN')) {
    syscalls.push(
      {
        names: ['clone'],
        action: 'SCMP_ACT_ERRNO',
        errnoRet: EPERM,
        // Any CLONE_NEW* flag refuses it (alternatives, one per flag). x86 and arm pass the
        // flags first; s390x passes them second.
        args: CLONE_NEW_FLAGS.map((flag) => ({
          index: arch === 's390x' ? 1 : 0,
          value: flag,
          valueTwo: flag,
          op: 'SCMP_CMP_MASKED_EQ',
        })),
      },
      // clone3 passes its flags in memory, out of a filter's reach: ENOSYS makes libc fall back
      // to clone, whose flags the rule above sees (Docker does the same).
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
    );
  }
  return { defaultAction: 'SCMP_ACT_ALLOW', architectures: architectures(arch), syscalls };
}
