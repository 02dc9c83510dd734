import { posix } from 'node:path';

/** Stack file names found automatically, in order of preference (compose-go's order). */
export const STACK_FILE_NAMES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yml',
  'docker-compose.yaml',
] as const;

/** Override files merged automatically after the stack file found beside them. */
export const OVERRIDE_FILE_NAMES = [
  'compose.override.yml',
  'compose.override.yaml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
] as const;

export interface DiscoveredStack {
  /** The stack file, then its override file when there is one. */
  readonly files: string[];
  /** "found several" notes for the user. */
  readonly warnings: string[];
}

/**
 * Finds the stack file as Compose does when none is named: in `startDir`, then in each parent
 * directory, the first directory holding one of STACK_FILE_NAMES wins; the first of
 * OVERRIDE_FILE_NAMES in that same directory is added. `isFile` is the only I/O (injected).
 */
export async function discoverStackFiles(
  startDir: string,
  isFile: (path: string) => Promise<boolean>,
): Promise<DiscoveredStack | undefined> {
  let dir = startDir;
  for (;;) {
    const found = await existing(dir, STACK_FILE_NAMES, isFile);
    if (found.length > 0) {
      const warnings: string[] = [];
      if (found.length > 1)
        warnings.push(
          `Found multiple config files with supported names: ${found.join(', ')}; using ${found[0]}`,
        );
      const overrides = await existing(dir, OVERRIDE_FILE_NAMES, isFile);
      if (overrides.length > 1) {
        warnings.push(
          `Found multiple override files with supported names: ${overrides.join(', ')}; using ${overrides[0]}`,
        );
      }
      const files = [found[0] as string];
      if (overrides.length > 0) files.push(overrides[0] as string);
      return { files, warnings };
    }
    const parent = posix.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function existing(
  dir: string,
  names: readonly string[],
  isFile: (p: string) => Promise<boolean>,
): Promise<string[]> {
  const out: string[] = [];
  for (const name of names) {
    const path = posix.join(dir, name);
    if (await isFile(path)) out.push(path);
  }
  return out;
}
