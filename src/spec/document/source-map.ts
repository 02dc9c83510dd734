import type { SourcePosition } from '../errors.js';
import type { FieldPath } from '../field-path.js';
import { isYamlMap, type YamlMap, type YamlValue } from './yaml-value.js';

/**
 * A source location packed in one number: file id * 2^32 + character offset. Positions are stored
 * this way (no object per key) and turned into line/column only when a message needs one: a
 * 500-service stack has ~100k keys, most of which never appear in an error.
 */
export type Loc = number;

const FILE_SHIFT = 2 ** 32;

/** Turns a character offset into a 1-based line and column (yaml's LineCounter is one). */
export interface LinePositions {
  linePos(offset: number): { line: number; col: number };
}

interface NodeInfo {
  /** Where the container itself starts. */
  pos: Loc;
  /** Per mapping key: where the key was written. */
  keys?: Map<string, Loc>;
  /** Per mapping key: where its value was written. */
  values?: Map<string, Loc>;
  /** Per sequence index: where the item was written. */
  items?: Loc[];
}

/**
 * Remembers where every mapping and sequence of a document came from, keyed by the container object
 * itself (a WeakMap): stages that merge or rebuild containers copy the entries they keep, and
 * `locate` turns a field path into `file:line:col` in O(depth), without re-reading any source.
 * Scalars have no identity, so their position is the one their parent recorded for them.
 */
export class SourceMap {
  private readonly info = new WeakMap<object, NodeInfo>();
  private readonly files: { file: string; lines: LinePositions }[] = [];

  /** Registers a parsed text; its locations are `loc(id, offset)`. */
  addFile(file: string, lines: LinePositions): number {
    this.files.push({ file, lines });
    return this.files.length - 1;
  }

  loc(fileId: number, offset: number): Loc {
    return fileId * FILE_SHIFT + offset;
  }

  /** Line and column (1-based) of a location. */
  position(loc: Loc): SourcePosition {
    const entry = this.files[Math.floor(loc / FILE_SHIFT)];
    if (!entry) return { file: '', line: 0, col: 0 };
    const p = entry.lines.linePos(loc % FILE_SHIFT);
    return { file: entry.file, line: p.line, col: p.col };
  }

  /** Records where a container starts (keeps known keys/items). */
  recordNode(node: object, pos: Loc): void {
    const known = this.info.get(node);
    if (known) known.pos = pos;
    else this.info.set(node, { pos });
  }

  recordKey(node: object, key: string, keyLoc: Loc, valueLoc: Loc): void {
    const info = this.ensure(node, keyLoc);
    (info.keys ??= new Map()).set(key, keyLoc);
    (info.values ??= new Map()).set(key, valueLoc);
  }

  recordItem(node: object, index: number, loc: Loc): void {
    const info = this.ensure(node, loc);
    (info.items ??= [])[index] = loc;
  }

  nodeLoc(node: object): Loc | undefined {
    return this.info.get(node)?.pos;
  }

  /** Where the value of `key` (or item `index`) of `node` was written. */
  valueLoc(node: object, key: string | number): Loc | undefined {
    const info = this.info.get(node);
    if (!info) return undefined;
    return typeof key === 'number' ? info.items?.[key] : info.values?.get(key);
  }

  /** `to` (a container rebuilt from `from`) gets `from`'s own position when it has none yet. */
  inherit(to: object, from: object): void {
    const src = this.info.get(from);
    if (src && !this.info.has(to)) this.info.set(to, { pos: src.pos });
  }

  /** Key `toKey` of `to` was copied from key (or index) `fromKey` of `from`. */
  copyKey(to: object, toKey: string, from: object, fromKey: string | number): void {
    const src = this.info.get(from);
    if (!src) return;
    const keyLoc = typeof fromKey === 'number' ? src.items?.[fromKey] : src.keys?.get(fromKey);
    const valueLoc = typeof fromKey === 'number' ? keyLoc : src.values?.get(fromKey);
    if (keyLoc !== undefined && valueLoc !== undefined) this.recordKey(to, toKey, keyLoc, valueLoc);
  }

  /** Item `toIndex` of `to` was copied from key (or index) `fromKey` of `from`. */
  copyItem(to: object, toIndex: number, from: object, fromKey: string | number): void {
    const loc = this.valueLoc(from, fromKey);
    if (loc !== undefined) this.recordItem(to, toIndex, loc);
  }

  /** Locations of every item, in order (for rebuilding sequences). */
  itemLocs(node: object): readonly (Loc | undefined)[] {
    return this.info.get(node)?.items ?? [];
  }

  /** Replaces the item locations of `node` (after a sequence was rebuilt). */
  setItems(node: object, items: (Loc | undefined)[]): void {
    const info = this.info.get(node);
    const first = items.find((p) => p !== undefined);
    if (!info && first === undefined) return;
    const target = info ?? this.ensure(node, first as Loc);
    target.items = items as Loc[];
  }

  /**
   * The most precise known position of `path` under `root`: the key itself (`which: 'key'`, for
   * unknown keys) or its value; else the nearest enclosing container that has one.
   */
  locate(root: YamlValue, path: FieldPath, which: 'key' | 'value' = 'value'): SourcePosition | undefined {
    let best: Loc | undefined;
    let current: unknown = root;
    for (let i = 0; i < path.length; i++) {
      if (typeof current !== 'object' || current === null) break;
      const info = this.info.get(current);
      const seg = path[i] as string | number;
      if (info) {
        best = info.pos;
        const last = i === path.length - 1;
        const found =
          typeof seg === 'number'
            ? info.items?.[seg]
            : last && which === 'key'
              ? info.keys?.get(seg)
              : info.values?.get(seg);
        if (found !== undefined) best = found;
      }
      current = (current as Record<string | number, unknown>)[seg];
    }
    if (path.length === 0 && typeof current === 'object' && current !== null) {
      best = this.info.get(current)?.pos ?? best;
    }
    return best === undefined ? undefined : this.position(best);
  }

  /** A deep copy of `value` whose containers keep the positions of the originals. */
  clone<T extends YamlValue>(value: T): T {
    if (Array.isArray(value)) {
      const out = value.map((v) => this.clone(v));
      this.copyInfo(out, value);
      return out as T;
    }
    if (isYamlMap(value)) {
      const out: YamlMap = {};
      for (const key of Object.keys(value)) out[key] = this.clone(value[key] as YamlValue);
      this.copyInfo(out, value);
      return out as T;
    }
    return value;
  }

  private copyInfo(to: object, from: object): void {
    const src = this.info.get(from);
    if (!src) return;
    const copy: NodeInfo = { pos: src.pos };
    if (src.keys) copy.keys = new Map(src.keys);
    if (src.values) copy.values = new Map(src.values);
    if (src.items) copy.items = [...src.items];
    this.info.set(to, copy);
  }

  private ensure(node: object, pos: Loc): NodeInfo {
    let info = this.info.get(node);
    if (!info) {
      info = { pos };
      this.info.set(node, info);
    }
    return info;
  }
}
