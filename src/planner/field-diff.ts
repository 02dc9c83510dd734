import type { JsonValue } from './canonical-json.js';

/**
 * Paths where two canonical JSON values differ, in key order (depth first): `environment.FOO`,
 * `volumes["/data"].read_only`, `command[1]`. A member present on one side only is reported at its
 * own path; arrays of different lengths are reported whole (an index-wise diff of a shifted list
 * would name every later element); values of different types are reported at their path.
 */
export function diffPaths(before: JsonValue | undefined, after: JsonValue | undefined): string[] {
  const out: string[] = [];
  walk(before, after, '', out);
  return out;
}

/**
 * At most `limit` paths, then how many more: `environment.FOO, image (+2 more)`. The planner's
 * causes use it so a cause stays one short line.
 */
export function summarizePaths(paths: readonly string[], limit = 3): string {
  const shown = paths.slice(0, limit).join(', ');
  return paths.length > limit ? `${shown} (+${paths.length - limit} more)` : shown;
}

const IDENTIFIER = /^[A-Za-z0-9_-]+$/;

/** Appends a member to a path: `a.b` for plain keys, `a["/x"]` for keys with dots, slashes, …. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENTIFIER.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

function walk(a: JsonValue | undefined, b: JsonValue | undefined, path: string, out: string[]): void {
  if (a === b) return;
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) walk(a[key], b[key], joinPath(path, key), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) walk(a[i], b[i], joinPath(path, i), out);
    return;
  }
  out.push(path === '' ? '(root)' : path);
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
