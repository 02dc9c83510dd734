import { EngineError } from '../errors.js';

/** Every capability by number (linux/capability.h); index = capability number. */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** Docker's (and containerd's) default set: moby `daemon/pkg/oci/caps/defaults.go`. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** `net_admin`, `NET_ADMIN`, `CAP_NET_ADMIN` → `CAP_NET_ADMIN`; `ALL` stays `ALL`. */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!ALL_CAPABILITIES.includes(full)) {
    throw new EngineError(
      'CONTAINER_CAPABILITY_INVALID',
      `unknown capability "${name}"`,
      'use a name from capabilities(7), e.g. NET_ADMIN or CAP_SYS_PTRACE',
    );
  }
  return full;
}

/** The capabilities the kernel knows, and those of them the engine holds (see host-capabilities.ts). */
export interface HostCapabilities {
  readonly known: readonly string[];
  readonly held: readonly string[];
}

/** A host that knows and grants every capability this table names. */
export const EVERY_CAPABILITY: HostCapabilities = { known: ALL_CAPABILITIES, held: ALL_CAPABILITIES };

/**
 * Docker's capability arithmetic (moby `caps.TweakCapabilities`): the basis is the default set
 * (every capability with `capAdd: ALL`), minus the drops (`capDrop: ALL` = none of it), plus the
 * other adds; `privileged` = every capability. "Every" is what the engine holds, as moby's
 * `GetAllCapabilities` takes the daemon's bounding set; a capability named explicitly is kept
 * even when not held, so the runtime says clearly that it cannot give it. Names the kernel does
 * not know (newer than /proc/sys/kernel/cap_last_cap) are left out.
 */
export function resolveCapabilities(
  o: { capAdd?: readonly string[]; capDrop?: readonly string[]; privileged?: boolean },
  host: HostCapabilities = EVERY_CAPABILITY,
): string[] {
  const known = host.known;
  if (o.privileged) return [...host.held];
  const add = (o.capAdd ?? []).map(normalizeCapability);
  const drop = (o.capDrop ?? []).map(normalizeCapability);
  const basics = add.includes('ALL') ? host.held : DEFAULT_CAPABILITIES;
  const set = new Set<string>(drop.includes('ALL') ? [] : basics.filter((c) => !drop.includes(c)));
  // Adds are applied after the drops: a capability both added and dropped is kept (as moby does).
  for (const c of add) if (c !== 'ALL') set.add(c);
  return ALL_CAPABILITIES.filter((c) => set.has(c) && known.includes(c));
}
