/** Docker-style columns: left-aligned, separated by at least three spaces. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 3)))
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** "2 hours ago", "3 days ago", as Docker's CREATED column. */
export function timeAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'N/A';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'N/A';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  const units: [number, string][] = [
    [365 * 24 * 3600, 'year'],
    [30 * 24 * 3600, 'month'],
    [7 * 24 * 3600, 'week'],
    [24 * 3600, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  if (s < 60) return s <= 1 ? 'Less than a second ago' : `${s} seconds ago`;
  for (const [size, name] of units) {
    if (s >= size) {
      const n = Math.floor(s / size);
      return n === 1 ? (name === 'hour' ? 'About an hour ago' : `1 ${name} ago`) : `${n} ${name}s ago`;
    }
  }
  return 'N/A';
}
