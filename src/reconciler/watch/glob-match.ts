/**
 * `.dockerignore`-style patterns for `develop.watch` `ignore`/`include`, matched against paths
 * relative to the rule's `path` (`/`-separated): `*` any run of characters but `/`, `?` one
 * such character, `**` any number of directories, `[abc]` a class. A pattern without `/` matches
 * a name at any depth (`*.tmp`, `node_modules`); a pattern matching a directory matches
 * everything below it.
 */
export function globMatcher(patterns: readonly string[]): (relativePath: string) => boolean {
  const regexes = patterns.filter((p) => p.trim() !== '').map(compile);
  return (relativePath) => {
    const parts = relativePath.split('/');
    // The path itself or any of its parent directories.
    for (let i = parts.length; i >= 1; i--) {
      const prefix = parts.slice(0, i).join('/');
      if (regexes.some((r) => r.test(prefix))) return true;
    }
    return false;
  };
}

function compile(pattern: string): RegExp {
  const trimmed = pattern.trim().replace(/^\.\//, '').replace(/\/+$/, '');
  // A `/` anywhere but at the end anchors the pattern at the rule's path (gitignore's rule).
  const anywhere = !trimmed.includes('/');
  let p = trimmed.replace(/^\/+/, '');
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '*') {
      if (p[i + 1] === '*') {
        // `**/` = zero or more directories; a trailing `**` = anything.
        if (p[i + 2] === '/') {
          out += '(?:[^/]*/)*';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${p
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  p = out;
  return new RegExp(anywhere ? `^(?:.*/)?${p}$` : `^${p}$`);
}

/** What `develop.watch` always ignores (Compose's defaults): VCS data and editors' temporary files. */
export const DEFAULT_WATCH_IGNORES: readonly string[] = [
  '.git',
  '.hg',
  '.svn',
  '*~',
  '.*.swp',
  '.*.swx',
  '.#*',
  '#*#',
  '4913',
];
