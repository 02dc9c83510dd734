import * as z from 'zod';
import { describeValue } from '../errors.js';

/**
 * Building blocks that give zod the JSON-Schema semantics the Compose schema relies on:
 * `additionalProperties: false` with `^x-` extensions, `oneOf` over disjoint JSON types (with an
 * error that names every accepted form, or the precise nested error of the one form that applies),
 * `patternProperties`-keyed maps and `uniqueItems`. Only verdicts and issue paths matter here: the
 * loader binds values itself later.
 */
export type Schema = z.ZodType<unknown>;

/** An error map that names what was expected when the value has the wrong type (or no branch fits). */
function expected(label: string): { error: (iss: { code?: string }) => string | undefined } {
  return {
    error: (iss) =>
      iss.code === 'invalid_type' || iss.code === 'invalid_union' ? `expected ${label}` : undefined,
  };
}

export interface TypeBranches {
  readonly null?: Schema;
  readonly boolean?: Schema;
  /** Any number; `integer` is tried first when both are given. */
  readonly number?: Schema;
  readonly integer?: Schema;
  readonly string?: Schema;
  readonly array?: Schema;
  readonly object?: Schema;
}

/**
 * JSON Schema `oneOf`/`type: [...]` over branches of different JSON types, as a zod union. When no
 * branch accepts the value, validate-schema.ts reports the error of the branch of the value's type
 * (a nested error), or `expected <label>, got <value>` when the type fits no branch.
 */
export function oneOf(label: string, branches: TypeBranches): Schema {
  // Most values are strings, then mappings: trying those branches first saves failed attempts.
  const options = [
    branches.string,
    branches.object,
    branches.array,
    branches.integer,
    branches.number,
    branches.boolean,
    branches.null,
  ].filter((b): b is Schema => b !== undefined);
  return z.union(options as [Schema, Schema, ...Schema[]], expected(label));
}

/**
 * A mapping with known keys (`additionalProperties: false`) that also accepts `x-*` extensions.
 * Unknown keys are reported with `params.unknownKey` so the message can point at the key.
 */
export function strictObject(
  label: string,
  shape: Record<string, Schema>,
  options: { required?: string[] } = {},
): Schema {
  const known = new Set(Object.keys(shape));
  const optionalShape: Record<string, Schema> = {};
  for (const [key, schema] of Object.entries(shape)) optionalShape[key] = schema.optional();
  return z.looseObject(optionalShape, expected(label)).check((ctx) => {
    const value = ctx.value as Record<string, unknown>;
    for (const key of options.required ?? []) {
      if (!Object.hasOwn(value, key)) {
        ctx.issues.push({ code: 'custom', message: `missing required key "${key}"`, input: value });
      }
    }
    for (const key of Object.keys(value)) {
      if (known.has(key) || key.startsWith('x-')) continue;
      ctx.issues.push(unknownKeyIssue(key, known, value));
    }
  });
}

/** A mapping whose keys must all be known, without `x-*` (`additionalProperties: false` alone). */
export function closedObject(label: string, shape: Record<string, Schema>): Schema {
  const known = new Set(Object.keys(shape));
  const optionalShape: Record<string, Schema> = {};
  for (const [key, schema] of Object.entries(shape)) optionalShape[key] = schema.optional();
  return z.looseObject(optionalShape, expected(label)).check((ctx) => {
    for (const key of Object.keys(ctx.value as object)) {
      if (!known.has(key)) ctx.issues.push(unknownKeyIssue(key, known, ctx.value));
    }
  });
}

/** A mapping with arbitrary keys (`type: object` without further constraints). */
export const anyObject: Schema = z.looseObject({}, expected('a mapping'));

function unknownKeyIssue(key: string, known: Set<string>, input: unknown): z.core.$ZodRawIssue {
  const suggestion = closest(key, known);
  return {
    code: 'custom',
    message: `unknown key "${key}"`,
    path: [key],
    input,
    params: { unknownKey: key, suggestion },
  };
}

/** The known key nearest to `key` (edit distance <= 2), for "did you mean" hints. */
function closest(key: string, known: Set<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

export interface KeyedOptions {
  /** Keys not matching the pattern are errors (`additionalProperties: false`). */
  readonly strict: boolean;
  /** What a key names, for messages ("service name"). */
  readonly keyLabel: string;
}

/**
 * `patternProperties` maps (services, networks, ...): entries whose key matches `pattern` are
 * validated with `value`; other keys are errors when `strict`, ignored otherwise.
 */
export function keyedMap(label: string, pattern: RegExp, value: Schema, options: KeyedOptions): Schema {
  if (options.strict) {
    return z.record(z.string(), value, expected(label)).check((ctx) => {
      for (const key of Object.keys(ctx.value as object)) {
        if (!pattern.test(key)) ctx.issues.push(invalidKeyIssue(key, options.keyLabel, ctx.value));
      }
    });
  }
  // Keys outside the pattern are not validated at all (no `additionalProperties: false`).
  return z.record(z.string(), z.unknown(), expected(label)).check((ctx) => {
    const map = ctx.value as Record<string, unknown>;
    for (const key of Object.keys(map)) {
      if (!pattern.test(key)) continue;
      const result = value.safeParse(map[key], { reportInput: true });
      if (result.success) continue;
      for (const issue of result.error.issues) {
        ctx.issues.push({
          ...(issue as z.core.$ZodRawIssue),
          path: [key, ...issue.path],
        } as z.core.$ZodRawIssue);
      }
    }
  });
}

function invalidKeyIssue(key: string, keyLabel: string, input: unknown): z.core.$ZodRawIssue {
  return {
    code: 'custom',
    message: `invalid ${keyLabel} "${key}": expected letters, digits, ".", "_" or "-"`,
    path: [key],
    input,
    params: { unknownKey: key },
  };
}

/** A mapping whose values (for non-empty keys, `^.+$`) must match `value`; keys are free. */
export function valuesOf(label: string, value: Schema, options: { nonEmptyKeys?: boolean } = {}): Schema {
  return keyedMap(label, /.+/u, value, { strict: options.nonEmptyKeys ?? false, keyLabel: 'key' });
}

/** `uniqueItems: true`: no two entries equal as JSON data. */
export function uniqueItems(item: Schema, label = 'a list'): Schema {
  return z.array(item, expected(label)).check((ctx) => {
    const seen = new Map<string, number>();
    (ctx.value as unknown[]).forEach((entry, index) => {
      const key = canonicalJson(entry);
      if (seen.has(key)) {
        ctx.issues.push({
          code: 'custom',
          message: `duplicate entry ${describeValue(entry)} (already at index ${seen.get(key)})`,
          path: [index],
          input: entry,
        });
      } else seen.set(key, index);
    });
  });
}

export function listOf(item: Schema, label = 'a list'): Schema {
  return z.array(item, expected(label));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const str: Schema = z.string();
export const num: Schema = z.number();
export const int: Schema = z.number().int();
export const bool: Schema = z.boolean();
export const nul: Schema = z.null();

/** `type: [boolean, string]`. */
export const boolOrString = oneOf('a boolean or a string', { boolean: bool, string: str });
/** `type: [number, string]`. */
export const numOrString = oneOf('a number or a string', { number: num, string: str });
/** `type: [integer, string]`. */
export const intOrString = oneOf('an integer or a string', { integer: int, string: str });
/** `type: string, enum: [...]`. */
export function enumOf(values: readonly [string, ...string[]]): Schema {
  return z.enum(values);
}
/** `type: string, pattern: ...` (JSON Schema patterns are not anchored). */
export function matching(pattern: RegExp): Schema {
  return z.string().regex(pattern);
}
