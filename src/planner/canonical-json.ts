import { createHash } from 'node:crypto';

/** A JSON value as the planner hashes and stores it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A deep copy in canonical form: object keys sorted (by UTF-16 code units, locale-independent),
 * `undefined` members dropped, empty objects dropped (an absent mapping and an empty one mean the
 * same in a stack file: `deploy: {}` vs no `deploy`), arrays kept in order (order is meaningful
 * in `command`, `dns`, …; lists where it is not are turned into maps before hashing). Non-JSON
 * values (functions, bigints, symbols) are bugs and throw.
 */
export function toCanonical(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonical JSON: non-finite number ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => toCanonical(v) ?? null);
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) {
      const v = toCanonical((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  throw new Error(`canonical JSON: unsupported ${typeof value}`);
}

/** Canonical JSON text of a value (see toCanonical); `{}` for a value that is entirely empty. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(toCanonical(value) ?? {});
}

/** `sha256` of UTF-8 text, lower-case hex (64 digits). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `sha256:<hex>` of UTF-8 text: the digest form content digests use. */
export function sha256Digest(text: string): string {
  return `sha256:${sha256Hex(text)}`;
}
