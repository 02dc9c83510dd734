import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runHostCommand } from './host-command.js';
import type { OpOptions } from './types.js';

/**
 * Containers' network namespaces, created and kept by the engine rather than by the container's
 * process: the namespace outlives a stop or a crash, so a restarted container joins it again
 * (OCI `linux.namespaces[{type: network, path}]`) and keeps its interfaces, address and MAC.
 *
 * They are *named* namespaces (`ip netns add`), i.e. nsfs bind mounts at `/run/netns/<name>`,
 * named `tsc<root tag>-<container id>`. Why named rather than files under the engine's run dir:
 * `ip netns add` already makes `/run/netns` a shared mount point, so the bind mount propagates
 * into mount namespaces created later (a private bind under an arbitrary directory would not,
 * and would be held open by every container's mount namespace); `ip netns exec`/`ip -n` work for
 * debugging; and host-leaks finds them. `/run` is a tmpfs: after a reboot they are gone and the
 * engine creates them again when the container starts.
 */
export const NETNS_DIR = '/run/netns';

export function netnsPathOf(name: string): string {
  return join(NETNS_DIR, name);
}

export async function netnsExists(name: string): Promise<boolean> {
  try {
    await stat(netnsPathOf(name));
    return true;
  } catch {
    return false;
  }
}

/** Creates the namespace with `lo` up (idempotent); returns its path. */
export async function createNetns(name: string, o: OpOptions = {}): Promise<string> {
  if (!(await netnsExists(name))) await runHostCommand(['ip', 'netns', 'add', name], o);
  await runHostCommand(['ip', '-n', name, 'link', 'set', 'dev', 'lo', 'up'], o);
  return netnsPathOf(name);
}

/**
 * Unmounts and removes the namespace (its veth ends go with it). Processes still inside keep it
 * alive until they exit; the name is free at once.
 */
export async function deleteNetns(name: string, o: OpOptions = {}): Promise<void> {
  if (!(await netnsExists(name))) return;
  const r = await runHostCommand(['ip', 'netns', 'delete', name], { ...o, allowFailure: true });
  if (r.code !== 0 && (await netnsExists(name))) await runHostCommand(['ip', 'netns', 'delete', name], o);
}

/** Names of the named namespaces starting with `prefix`. */
export async function listNetns(prefix: string): Promise<string[]> {
  try {
    return (await readdir(NETNS_DIR)).filter((n) => n.startsWith(prefix)).sort();
  } catch {
    return [];
  }
}
