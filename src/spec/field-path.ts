/**
 * A field's location in a stack document: mapping keys are strings, sequence indexes numbers.
 * `['services', 'web', 'ports', 1]` is shown to users as `services.web.ports[1]`.
 */
export type FieldPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `services.web.ports[1]`; keys that are not plain words are quoted: `labels["com.example"]`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * A path pattern, written as Compose's loader writes them: `services.*.ports`, where `*` matches any
 * mapping key or sequence index (as in compose-go's tree.Path) and `[]` only a sequence index. Rule tables (merge, canonical, casts) are keyed by these.
 */
export type PathPattern = string;

interface TrieNode<T> {
  rule?: T;
  keys?: Map<string, TrieNode<T>>;
  anyKey?: TrieNode<T>;
  anyIndex?: TrieNode<T>;
}

/**
 * A table of rules keyed by path patterns, looked up in O(depth) per node (a trie), so walking a
 * large document never tests every pattern at every node. A literal segment beats `*`.
 */
export class RuleTable<T> {
  private readonly root: TrieNode<T> = {};

  constructor(entries: Iterable<readonly [PathPattern, T]> = []) {
    for (const [pattern, rule] of entries) this.set(pattern, rule);
  }

  set(pattern: PathPattern, rule: T): this {
    let node = this.root;
    for (const seg of pattern.split('.')) {
      if (seg === '*') node = node.anyKey ??= {};
      else if (seg === '[]') node = node.anyIndex ??= {};
      else {
        node.keys ??= new Map();
        let next = node.keys.get(seg);
        if (!next) {
          next = {};
          node.keys.set(seg, next);
        }
        node = next;
      }
    }
    node.rule = rule;
    return this;
  }

  /** The rule whose pattern matches `path` exactly (same depth), if any. */
  get(path: FieldPath): T | undefined {
    return this.find(this.root, path, 0);
  }

  private find(node: TrieNode<T>, path: FieldPath, i: number): T | undefined {
    if (i === path.length) return node.rule;
    const seg = path[i];
    if (typeof seg === 'number') {
      const indexed = node.anyIndex ? this.find(node.anyIndex, path, i + 1) : undefined;
      if (indexed !== undefined) return indexed;
      return node.anyKey ? this.find(node.anyKey, path, i + 1) : undefined;
    }
    const literal = node.keys?.get(seg as string);
    if (literal) {
      const found = this.find(literal, path, i + 1);
      if (found !== undefined) return found;
    }
    return node.anyKey ? this.find(node.anyKey, path, i + 1) : undefined;
  }

  /** A cursor at the root, for walkers that descend a document (O(1) per step, no path lookups). */
  cursor(): RuleCursor<T> {
    return new RuleCursor([this.root]);
  }

  /** True when some pattern continues below `path` (a walker can stop descending otherwise). */
  hasRulesBelow(path: FieldPath): boolean {
    return this.reach(this.root, path, 0);
  }

  private reach(node: TrieNode<T>, path: FieldPath, i: number): boolean {
    if (i === path.length)
      return node.keys !== undefined || node.anyKey !== undefined || node.anyIndex !== undefined;
    const seg = path[i];
    if (typeof seg === 'number') {
      if (node.anyIndex && this.reach(node.anyIndex, path, i + 1)) return true;
      return node.anyKey ? this.reach(node.anyKey, path, i + 1) : false;
    }
    const literal = node.keys?.get(seg as string);
    if (literal && this.reach(literal, path, i + 1)) return true;
    return node.anyKey ? this.reach(node.anyKey, path, i + 1) : false;
  }
}

/**
 * A position in a RuleTable while walking a document: the trie nodes matching the path so far, in
 * preference order (a literal segment before `*`, `[]` before `*`), so `rule` is the one `get`
 * would return for the same path.
 */
export class RuleCursor<T> {
  constructor(private readonly nodes: readonly TrieNode<T>[]) {}

  /** The rule for exactly this path, if any. */
  get rule(): T | undefined {
    for (const node of this.nodes) if (node.rule !== undefined) return node.rule;
    return undefined;
  }

  /** The cursor one segment down, or undefined when no pattern goes there. */
  step(seg: string | number): RuleCursor<T> | undefined {
    const next: TrieNode<T>[] = [];
    for (const node of this.nodes) {
      if (typeof seg === 'number') {
        if (node.anyIndex) next.push(node.anyIndex);
      } else {
        const literal = node.keys?.get(seg);
        if (literal) next.push(literal);
      }
      if (node.anyKey) next.push(node.anyKey);
    }
    return next.length === 0 ? undefined : new RuleCursor(next);
  }
}
