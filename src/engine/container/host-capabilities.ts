import { readFile } from 'node:fs/promises';
import { ALL_CAPABILITIES, type HostCapabilities } from './capabilities.js';

let cached: Promise<HostCapabilities> | undefined;

/**
 * What this host lets the engine give a container: the capabilities the kernel knows
 * (/proc/sys/kernel/cap_last_cap) and, of those, the ones in this process's bounding set
 * (`CapBnd` in /proc/self/status). A VM or an outer container may withhold some (this
 * development VM has no CAP_SYS_RESOURCE); a runtime cannot hand on what it does not hold.
 */
export function hostCapabilities(): Promise<HostCapabilities> {
  cached ??= (async () => {
    const lastText = await readFile('/proc/sys/kernel/cap_last_cap', 'utf8').catch(() => '');
    const last = Number(lastText.trim());
    const known = ALL_CAPABILITIES.slice(0, Number.isInteger(last) && last >= 0 ? last + 1 : undefined);
    const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
    const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    if (hex === undefined) return { known, held: known };
    const bounding = BigInt(`0x${hex}`);
    return { known, held: known.filter((_, bit) => (bounding >> BigInt(bit)) & 1n) };
  })();
  return cached;
}
