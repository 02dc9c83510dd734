/**
 * Docker's defaults for a container's runtime config (engine-anchors §1; moby
 * `daemon/pkg/oci/defaults.go`, `daemon/oci_linux.go`). Kept as data so tests compare them with
 * the reference lists.
 */

/** Masked paths (moby master): files get /dev/null bound over them, directories an empty tmpfs. */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/devices/virtual/powercap',
  '/sys/firmware',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/** Docker's /dev/shm size when `shm_size` is not set. */
export const DEFAULT_SHM_SIZE_BYTES = 64 * 1024 * 1024;

/** Where the init binary (`init: true`) is bind-mounted in the container. */
export const INIT_PATH_IN_CONTAINER = '/sbin/tsc-init';

/** The device cgroup: deny all, then Docker's allow list (the runtime adds runc's defaults too). */
export const DEFAULT_DEVICE_RULES: readonly OciDeviceRule[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
];

export interface OciDeviceRule {
  readonly allow: boolean;
  readonly type?: 'a' | 'b' | 'c';
  readonly major?: number;
  readonly minor?: number;
  readonly access: string;
}

/**
 * Sysctls that are namespaced (so a container may set them), by the namespace they need:
 * Docker's `ValidateSysctl` list.
 */
export const NAMESPACED_SYSCTLS = {
  ipc: [
    'kernel.msgmax',
    'kernel.msgmnb',
    'kernel.msgmni',
    'kernel.sem',
    'kernel.shmall',
    'kernel.shmmax',
    'kernel.shmmni',
    'kernel.shm_rmid_forced',
  ],
  ipcPrefixes: ['fs.mqueue.'],
  netPrefixes: ['net.'],
  uts: ['kernel.domainname', 'kernel.hostname'],
} as const;

/** What Docker sets in containers with their own network namespace. */
export const DEFAULT_NET_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_unprivileged_port_start': '0',
  'net.ipv4.ping_group_range': '0 2147483647',
};
