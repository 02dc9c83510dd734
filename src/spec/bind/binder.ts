import {
  formatGoNumber,
  isYamlMap,
  scalarToString,
  type YamlMap,
  type YamlValue,
} from '../document/yaml-value.js';
import { describeValue } from '../errors.js';
import type { FieldPath } from '../field-path.js';
import type { LoaderContext } from '../load-context.js';
import { EXTENSIONS, type ExtensionFields } from '../service-types.js';
import { ByteSizeSyntaxError, parseByteSize } from '../values/byte-size.js';
import { DurationSyntaxError, formatDuration, parseDuration } from '../values/duration.js';
import { ShellWordsError, splitShellWords } from '../values/shell-words.js';

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Converts canonical document values to the model's types, as compose-go's decoders do (strings
 * to booleans and numbers where the model wants them, numbers to strings, durations, byte sizes,
 * shell words), and reports anything it cannot convert at the value's source position.
 * Methods return `undefined` for values Compose leaves out of the model (empty strings, false, 0).
 */
export class Binder {
  constructor(
    private readonly ctx: LoaderContext,
    /** The document paths are relative to (for error positions). */
    readonly root: YamlMap,
  ) {}

  fail(path: FieldPath, detail: string, hint?: string): never {
    return this.ctx.fail('SPEC_INVALID', detail, { root: this.root, path, ...(hint ? { hint } : {}) });
  }

  warn(path: FieldPath, message: string): void {
    this.ctx.warn(message, this.root, path);
  }

  /** A string; numbers become their decimal text. `''` → undefined. */
  str(v: YamlValue | undefined, path: FieldPath): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v === '' ? undefined : v;
    if (typeof v === 'number') return formatGoNumber(v);
    return this.fail(path, `expected a string, got ${describeValue(v)}`);
  }

  /** A boolean (also from "true"/"false", and YAML 1.1 spellings with a warning). */
  boolean(v: YamlValue | undefined, path: FieldPath): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const lower = v.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (['y', 'yes', 'on', 'n', 'no', 'off'].includes(lower)) {
        const value = ['y', 'yes', 'on'].includes(lower);
        this.warn(path, `"${v}" for boolean is not supported by YAML 1.2, please use \`${value}\``);
        return value;
      }
    }
    return this.fail(path, `expected a boolean, got ${describeValue(v)}`);
  }

  /** `true` or undefined (Compose omits false booleans). */
  flag(v: YamlValue | undefined, path: FieldPath): true | undefined {
    return this.boolean(v, path) === true ? true : undefined;
  }

  int(v: YamlValue | undefined, path: FieldPath): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && INTEGER.test(v)) return Number(v);
    return this.fail(path, `expected an integer, got ${describeValue(v)}`);
  }

  /** An integer Compose omits when zero. */
  nonZeroInt(v: YamlValue | undefined, path: FieldPath): number | undefined {
    const n = this.int(v, path);
    return n === 0 ? undefined : n;
  }

  float(v: YamlValue | undefined, path: FieldPath): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && FLOAT.test(v)) return Number(v);
    return this.fail(path, `expected a number, got ${describeValue(v)}`);
  }

  nonZeroFloat(v: YamlValue | undefined, path: FieldPath): number | undefined {
    const n = this.float(v, path);
    return n === 0 ? undefined : n;
  }

  /** A Go duration string (`1m30s` normalized to `1m30s`, `90s` to `1m30s`). */
  duration(v: YamlValue | undefined, path: FieldPath): string | undefined {
    if (v === undefined || v === null) return undefined;
    try {
      return formatDuration(parseDuration(scalarToString(v)));
    } catch (err) {
      if (!(err instanceof DurationSyntaxError)) throw err;
      return this.fail(
        path,
        `expected a duration such as 10s or 1m30s, got ${describeValue(v)}`,
        err.message,
      );
    }
  }

  /** A duration Compose omits when zero (non-pointer fields). */
  nonZeroDuration(v: YamlValue | undefined, path: FieldPath): string | undefined {
    const d = this.duration(v, path);
    return d === '0s' ? undefined : d;
  }

  /** Bytes as a decimal string (`64m` → `"67108864"`); zero and non-integral numbers are left out. */
  bytes(v: YamlValue | undefined, path: FieldPath): string | undefined {
    if (v === undefined || v === null) return undefined;
    let n: number;
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) return undefined;
      n = v;
    } else if (typeof v === 'string') {
      try {
        n = parseByteSize(v);
      } catch (err) {
        if (!(err instanceof ByteSizeSyntaxError)) throw err;
        return this.fail(path, `expected a size such as 512m or 2g, got ${describeValue(v)}`);
      }
    } else return this.fail(path, `expected a size, got ${describeValue(v)}`);
    return n === 0 ? undefined : String(n);
  }

  /** A list of strings (a single string becomes a one-element list); empty → undefined. */
  strings(v: YamlValue | undefined, path: FieldPath): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) return this.fail(path, `expected a list of strings, got ${describeValue(v)}`);
    const out = list.map((item, i) => {
      if (typeof item === 'string') return item;
      if (typeof item === 'number') return formatGoNumber(item);
      return this.fail([...path, i], `expected a string, got ${describeValue(item)}`);
    });
    return out.length === 0 ? undefined : out;
  }

  /** Compose's `Mapping`: values as strings, a valueless entry is "". */
  mapping(v: YamlValue | undefined, path: FieldPath): Record<string, string> | undefined {
    const entries = this.entries(v, path);
    if (!entries) return undefined;
    const out: Record<string, string> = {};
    for (const [key, value] of entries) out[key] = value ?? '';
    return sortedOrUndefined(out);
  }

  /** Compose's `MappingWithEquals` (environment, args): a valueless entry is null. */
  mappingWithEquals(v: YamlValue | undefined, path: FieldPath): Record<string, string | null> | undefined {
    const entries = this.entries(v, path, true);
    if (!entries) return undefined;
    const out: Record<string, string | null> = {};
    for (const [key, value] of entries) out[key] = value;
    return sortedOrUndefined(out);
  }

  /** Key/value pairs of a mapping or a `KEY=VALUE` list; `null` = no value given. */
  private entries(
    v: YamlValue | undefined,
    path: FieldPath,
    rejectTrailingSpace = false,
  ): [string, string | null][] | undefined {
    if (v === undefined || v === null) return undefined;
    if (isYamlMap(v)) {
      return Object.keys(v).map((key) => {
        const value = v[key] as YamlValue;
        return [key, value === null ? null : scalarToString(value)];
      });
    }
    if (Array.isArray(v)) {
      return v.map((item, i) => {
        const text = scalarToString(item);
        const eq = text.indexOf('=');
        const key = eq < 0 ? text : text.slice(0, eq);
        if (rejectTrailingSpace && /\s$/.test(key)) {
          this.fail([...path, i], `environment variable ${key} is declared with a trailing space`);
        }
        return [key, eq < 0 ? null : text.slice(eq + 1)];
      });
    }
    return this.fail(path, `expected a mapping or a list, got ${describeValue(v)}`);
  }

  /** Driver options and the like: values as strings (null → ""). */
  options(v: YamlValue | undefined, path: FieldPath): Record<string, string> | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isYamlMap(v)) return this.fail(path, `expected a mapping, got ${describeValue(v)}`);
    const out: Record<string, string> = {};
    for (const key of Object.keys(v)) out[key] = scalarToString(v[key]);
    return sortedOrUndefined(out);
  }

  /** `extra_hosts` as sorted `host=ip` entries (IPv6 brackets removed, `a,b` split). */
  hosts(v: YamlValue | undefined, path: FieldPath): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    const hosts = new Map<string, string[]>();
    const add = (host: string, ips: string[]): void => {
      hosts.set(host, [...(hosts.get(host) ?? []), ...ips]);
    };
    if (isYamlMap(v)) {
      for (const host of Object.keys(v)) {
        const value = v[host] as YamlValue;
        add(host, Array.isArray(value) ? value.map((ip) => scalarToString(ip)) : [scalarToString(value)]);
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const text = scalarToString(item);
        const sep = text.includes('=') ? '=' : text.includes(':') ? ':' : undefined;
        if (sep === undefined) this.fail([...path, i], `invalid additional host, missing IP: ${text}`);
        const at = text.indexOf(sep as string);
        add(text.slice(0, at), text.slice(at + 1).split(','));
      });
    } else return this.fail(path, `expected a mapping or a list, got ${describeValue(v)}`);
    const out: string[] = [];
    for (const [host, ips] of hosts) {
      if (host === '' || host.includes(':') || host.includes('=')) this.fail(path, `bad host name '${host}'`);
      for (const ip of ips) {
        const bare = ip.length > 2 && ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
        out.push(`${host}=${bare}`);
      }
    }
    out.sort();
    return out.length === 0 ? undefined : out;
  }

  /** `command`/`entrypoint`: a string is split into words (see shell-words.ts); null stays null. */
  command(v: YamlValue | undefined, path: FieldPath): string[] | null {
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') {
      try {
        return splitShellWords(v);
      } catch (err) {
        if (!(err instanceof ShellWordsError)) throw err;
        return this.fail(
          path,
          `invalid command line string: ${JSON.stringify(v)} (unterminated quote or escape)`,
        );
      }
    }
    if (Array.isArray(v)) return v.map((item) => scalarToString(item));
    return this.fail(path, `expected a string or a list of strings, got ${describeValue(v)}`);
  }

  /** A file mode written as octal text (`"0440"`) or a number, printed as Compose prints it. */
  fileMode(v: YamlValue | undefined, path: FieldPath): string | undefined {
    if (v === undefined || v === null) return undefined;
    let n: number;
    if (typeof v === 'number' && Number.isInteger(v)) n = v;
    else if (typeof v === 'string' && /^[+-]?[0-7]+$/.test(v)) n = parseInt(v, 8);
    else return this.fail(path, `expected an octal file mode such as 0440, got ${describeValue(v)}`);
    return `0${n.toString(8)}`;
  }
}

/** Keeps the `x-*` entries of `raw` on `target` under EXTENSIONS (sorted, as Compose prints them). */
export function copyExtensions<T extends object>(raw: YamlValue | undefined, target: T): T {
  if (!isYamlMap(raw)) return target;
  const keys = Object.keys(raw)
    .filter((k) => k.startsWith('x-') && k !== 'x-#value')
    .sort();
  if (keys.length === 0) return target;
  const extensions: Record<string, unknown> = {};
  for (const key of keys) extensions[key] = raw[key];
  (target as ExtensionFields)[EXTENSIONS] = extensions;
  return target;
}

/** Sets `target[key] = value` unless value is undefined (builds objects in Compose's field order). */
export function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function sortedOrUndefined<V>(record: Record<string, V>): Record<string, V> | undefined {
  const keys = Object.keys(record).sort();
  if (keys.length === 0) return undefined;
  const out: Record<string, V> = {};
  for (const key of keys) out[key] = record[key] as V;
  return out;
}

/** Sorts a record's keys (Go marshals maps in key order). */
export function sortKeys<V>(record: Record<string, V>): Record<string, V> {
  return sortedOrUndefined(record) ?? {};
}
