import { readFile, writeFile } from 'node:fs/promises';
import { EngineError } from '../errors.js';

/**
 * Kernel parameters of the host's network namespace, through `/proc/sys` (no `sysctl` binary,
 * no shell). `key` uses slashes: `net/ipv4/conf/<bridge>/route_localnet`.
 */
export async function readSysctl(key: string): Promise<string> {
  return (await readFile(`/proc/sys/${key}`, 'utf8')).trim();
}

export async function writeSysctl(key: string, value: string): Promise<void> {
  try {
    if ((await readSysctl(key)) === value) return;
    await writeFile(`/proc/sys/${key}`, value);
  } catch (err) {
    throw new EngineError(
      'NETWORK_SYSCTL_FAILED',
      `sysctl ${key}=${value}: ${(err as Error).message}`,
      undefined,
      {
        cause: err,
      },
    );
  }
}
