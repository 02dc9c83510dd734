import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from './shared-dir.js';

const HOST_LEAKS = join(SHARED_DIR, 'tools', 'host-leaks');

/**
 * Lists tscompose objects left on the host (mounts, netns, links, nft tables, cgroups,
 * processes) whose description contains `marker` — each test file passes a marker unique to
 * itself (its engine root or name prefix), so files running in parallel do not see each other's
 * live objects. Uses ../shared/tools/host-leaks when present, else the same checks done here, so
 * the leak assertions hold in a clone without the reference folder too.
 */
export function hostLeaks(marker: string): string[] {
  const lines = existsSync(HOST_LEAKS)
    ? spawnSync(HOST_LEAKS, ['--quiet'], { encoding: 'utf8' }).stdout.split('\n')
    : inlineHostLeaks();
  return lines.filter((l) => l.trim() !== '' && l.includes(marker));
}

/** The checks of host-leaks, by the same naming convention (everything carries "tsc"). */
function inlineHostLeaks(): string[] {
  const found: string[] = [];
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, target, type] = line.split(' ');
    if (target?.includes('tscompose')) found.push(`mount:   ${target} (${type})`);
  }
  for (const ns of commandLines('ip', ['netns', 'list'])) {
    const name = ns.split(' ')[0] ?? '';
    if (name.startsWith('tsc')) found.push(`netns:   ${name}`);
  }
  for (const link of commandLines('ip', ['-o', 'link', 'show'])) {
    const name = link.split(': ')[1] ?? '';
    if (name.startsWith('tsc')) found.push(`link:    ${name}`);
  }
  for (const table of commandLines('nft', ['list', 'tables'])) {
    if (table.toLowerCase().includes('tscompose')) found.push(`nft:     ${table}`);
  }
  for (const proc of commandLines('ps', ['-eo', 'pid=,args='])) {
    const args = proc.trim().split(/\s+/);
    if (args[1]?.includes('tscompose-native')) found.push(`process: ${proc.trim()}`);
  }
  for (const cgroup of cgroupDirs('/sys/fs/cgroup', 3)) found.push(`cgroup:  ${cgroup}`);
  return found;
}

function commandLines(cmd: string, args: string[]): string[] {
  const result = spawnSync(cmd, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n').filter((l) => l !== '') : [];
}

function cgroupDirs(dir: string, depth: number): string[] {
  if (depth === 0) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const path = join(dir, e.name);
      return [...(e.name.includes('tscompose') ? [path] : []), ...cgroupDirs(path, depth - 1)];
    });
}
