import { posix } from 'node:path';

/**
 * Path helpers for paths written in stack files. They are strings only: nothing here touches the
 * filesystem. Paths are POSIX (the engine runs on Linux); Windows-absolute paths are kept as written.
 */

/** `~` or `~/x` → below `home`, as compose-go's ExpandUser (which also turns `~user/x` into `home/user/x`). */
export function expandUser(p: string, home: string | undefined): string {
  if (!p.startsWith('~') || home === undefined || home === '') return p;
  return posix.join(home, p.slice(1));
}

export function isWindowsAbsolute(p: string): boolean {
  return /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** Relative paths join the base (and are cleaned); absolute ones are kept as written. */
export function absolutePath(p: string, base: string, home: string | undefined): string {
  const expanded = expandUser(p, home);
  if (posix.isAbsolute(expanded) || isWindowsAbsolute(expanded)) return expanded;
  if (expanded === '') return expanded;
  return posix.join(base, expanded);
}

/** A build context that is a URL, git reference or `service:` is not a local path. */
export function isRemoteContext(p: string): boolean {
  if (p.includes('://') || p.startsWith('service:')) return true;
  return ['https://', 'http://', 'git://', 'ssh://', 'github.com/', 'git@'].some((prefix) =>
    p.startsWith(prefix),
  );
}
