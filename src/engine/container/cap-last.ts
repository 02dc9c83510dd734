import { readFile } from 'node:fs/promises';
import { ALL_CAPABILITIES } from './capabilities.js';

let last: Promise<number> | undefined;

/** The kernel's highest capability number (/proc/sys/kernel/cap_last_cap). */
export function capLastCap(): Promise<number> {
  last ??= readFile('/proc/sys/kernel/cap_last_cap', 'utf8')
    .then((t) => Number(t.trim()))
    .then((n) => (Number.isInteger(n) && n >= 0 ? n : ALL_CAPABILITIES.length - 1))
    .catch(() => ALL_CAPABILITIES.length - 1);
  return last;
}
