/**
 * Go's `path.Clean` for slash-separated paths: collapses `//`, removes `.` segments, resolves `..`
 * (not above the root), drops a trailing slash; the empty path is `.`.
 */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  // Already clean (the common case): no empty, `.` or `..` segment, no trailing slash.
  if (!p.includes('//') && !p.includes('/.') && !p.startsWith('.') && (p.length === 1 || !p.endsWith('/')))
    return p;
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}
