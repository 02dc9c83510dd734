import type { ProgressEvent, ProgressStatus } from '../../common/progress.js';

/** The latest state of one resource, as the renderers draw it. */
export interface ProgressItem {
  readonly id: string;
  readonly parent?: string;
  status: ProgressStatus;
  text: string;
  current?: number;
  total?: number;
}

/** Resources in order of first appearance; children follow their parent. */
export class ProgressState {
  private readonly items = new Map<string, ProgressItem>();

  /** Applies an event; returns true when its status or text changed (not only its bytes). */
  apply(e: ProgressEvent): boolean {
    const item = this.items.get(e.id);
    if (!item) {
      this.items.set(e.id, {
        id: e.id,
        ...(e.parent !== undefined ? { parent: e.parent } : {}),
        status: e.status,
        text: e.text,
        ...(e.current !== undefined ? { current: e.current } : {}),
        ...(e.total !== undefined ? { total: e.total } : {}),
      });
      return true;
    }
    const changed = item.status !== e.status || item.text !== e.text;
    item.status = e.status;
    item.text = e.text;
    if (e.current !== undefined) item.current = e.current;
    if (e.total !== undefined) item.total = e.total;
    return changed;
  }

  /** Items as a tree flattened in display order, with their depth. */
  ordered(): { item: ProgressItem; depth: number }[] {
    const all = [...this.items.values()];
    const out: { item: ProgressItem; depth: number }[] = [];
    const visit = (item: ProgressItem, depth: number): void => {
      out.push({ item, depth });
      for (const child of all) if (child.parent === item.id) visit(child, depth + 1);
    };
    for (const item of all) if (item.parent === undefined || !this.items.has(item.parent)) visit(item, 0);
    return out;
  }
}

/** `layer:0123456789ab` → `0123456789ab`; `image:redis:7` → `redis:7`. */
export function displayId(id: string): string {
  const colon = id.indexOf(':');
  return colon >= 0 ? id.slice(colon + 1) : id;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Docker's units (powers of 1000, as `docker pull` prints them): `12.3MB`. */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${u === 0 ? String(Math.round(v)) : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)}${UNITS[u]}`;
}

/** One line: `  0123456789ab Downloading [=====>      ]  12.3MB/45.6MB`, cut to `width`. */
export function renderLine(item: ProgressItem, depth: number, width: number): string {
  const indent = '  '.repeat(depth);
  let line = `${indent}${displayId(item.id)} ${item.text}`;
  if (item.status === 'working' && item.current !== undefined && item.total !== undefined && item.total > 0) {
    const barWidth = 30;
    const ratio = Math.min(1, item.current / item.total);
    const filled = Math.floor(ratio * barWidth);
    const bar =
      `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (filled === barWidth ? '=' : '>') : ''}`.padEnd(
        barWidth,
      );
    line += ` [${bar}] ${formatBytes(item.current)}/${formatBytes(item.total)}`;
  }
  return line.length > width ? line.slice(0, Math.max(0, width - 1)) : line;
}
