import { access } from 'node:fs/promises';
import { runHostCommand } from './host-command.js';
import type { OpOptions } from './types.js';

/**
 * Whether the host's network namespace has a link of that name. Read from sysfs (which shows the
 * namespace it was mounted in: the host's) rather than by running `ip`: a stat costs a tenth of
 * a millisecond, a process ten.
 */
export async function linkExists(name: string): Promise<boolean> {
  if (name === '' || name.includes('/') || name === '.' || name === '..') return false;
  try {
    await access(`/sys/class/net/${name}`);
    return true;
  } catch {
    return false;
  }
}

/** Deletes a link by name (a veth takes its peer with it); a link already gone is not an error. */
export async function removeLink(name: string, o: OpOptions = {}): Promise<void> {
  const r = await runHostCommand(['ip', 'link', 'del', 'dev', name], { ...o, allowFailure: true });
  if (r.code !== 0 && (await linkExists(name))) await runHostCommand(['ip', 'link', 'del', 'dev', name], o);
}
