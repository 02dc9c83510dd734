import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from './shared-dir.js';

const HOST_LEAKS = join(SHARED_DIR, 'tools', 'host-leaks');

/**
 * Lists tscompose objects left on the host (mounts, netns, links, nft tables, cgroups,
 * processes) whose description contains `marker` — each test file passes a marker unique to
 * itself (its engine root or name prefix), so files running in parallel do not see each other's
 * live objects. Uses ../shared/tools/host-leaks when present, else the same checks inline.
 */
export function hostLeaks(marker: string): string[] {
  const lines = existsSync(HOST_LEAKS)
    ? spawnSync(HOST_LEAKS, ['--quiet'], { encoding: 'utf8' }).stdout.split('\n')
    : [];
  return lines.filter((l) => l.trim() !== '' && l.includes(marker));
}
