/** A scalar as the loader sees it after YAML resolution (Go-YAML rules, see resolve-scalar.ts). */
export type YamlScalar = string | number | boolean | null;

/** A mapping of a stack document. Keys are always strings (Compose converts every key). */
export interface YamlMap {
  [key: string]: YamlValue;
}

/** Any node of a stack document between parsing and binding to the typed model. */
export type YamlValue = YamlScalar | YamlValue[] | YamlMap;

export function isYamlMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isYamlSeq(value: unknown): value is YamlValue[] {
  return Array.isArray(value);
}

/** A deep copy, so that stages may mutate a document without touching another's data. */
export function cloneValue<T extends YamlValue>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneValue(v)) as T;
  if (isYamlMap(value)) {
    const out: YamlMap = {};
    for (const key of Object.keys(value)) out[key] = cloneValue(value[key] as YamlValue);
    return out as T;
  }
  return value;
}

/** Structural equality of two documents (key order does not matter). */
export function valuesEqual(a: YamlValue | undefined, b: YamlValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => valuesEqual(v, b[i]));
  }
  if (isYamlMap(a)) {
    if (!isYamlMap(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => k in b && valuesEqual(a[k], b[k]));
  }
  return false;
}

/** Go's `fmt.Sprint` of a scalar, used where Compose turns values into strings. */
export function scalarToString(value: YamlValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatGoNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/**
 * Numbers print as Go prints them: integers plainly, floats in the shortest form (`0.3`, `1e+21`).
 * JavaScript's `String()` agrees except for exponents, which Go writes with a sign and two digits.
 */
export function formatGoNumber(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const s = String(n);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  return `${m[1]}e${m[2]}${(m[3] ?? '').padStart(2, '0')}`;
}
