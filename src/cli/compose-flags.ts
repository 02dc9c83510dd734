import { UsageError } from '../common/usage-error.js';

/**
 * Parsers for the values of project commands' flags, with the messages users read when a value
 * is wrong (exit 2). Kept free of heavy imports: command modules load them at start-up.
 */

/** Commander's collector for repeatable flags. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--scale web=3 --scale api=0` → `{ web: 3, api: 0 }`. */
export function parseScale(values: readonly string[] | undefined): Record<string, number> | undefined {
  if (!values || values.length === 0) return undefined;
  const out: Record<string, number> = {};
  for (const v of values) {
    const m = /^([^=]+)=([0-9]+)$/.exec(v);
    if (!m) throw new UsageError(`--scale: expected SERVICE=NUM, got "${v}"`);
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}

/** `-t 10` (seconds, Compose's unit) → milliseconds; undefined when absent. */
export function secondsFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text))
    throw new UsageError(`${flag}: expected a number of seconds, got "${text}"`);
  return Math.round(Number(text) * 1000);
}

/** A positive integer flag (`--index 2`). */
export function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(text))
    throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  return Number(text);
}

/** `--tail 20` / `--tail all` → number of lines, undefined for all. */
export function parseTail(text: string | undefined): number | undefined {
  if (text === undefined || text === 'all' || text === '-1') return undefined;
  if (!/^[0-9]+$/.test(text))
    throw new UsageError(`--tail: expected a number of lines or "all", got "${text}"`);
  return Number(text);
}

const RELATIVE_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`/`--until`: an RFC 3339 timestamp (`2026-01-02T15:04:05Z`), a Unix timestamp
 * (`1767369845`, fractions allowed), or a duration before now (`10m`, `1h30m`) → ISO 8601.
 */
export function parseInstant(text: string | undefined, flag: string, nowMs: number): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return new Date(Number(text) * 1000).toISOString();
  if (/^([0-9]+(\.[0-9]+)?(ms|s|m|h|d))+$/.test(text)) {
    let ms = 0;
    for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)/g)) {
      ms += Number(m[1]) * (RELATIVE_UNITS[m[2] as string] as number);
    }
    return new Date(nowMs - ms).toISOString();
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new UsageError(
      `${flag}: expected a timestamp (2026-01-02T15:04:05Z), Unix seconds or a duration (10m), got "${text}"`,
    );
  }
  return new Date(t).toISOString();
}

/** `-e KEY=VALUE` / `-e KEY` (value from the CLI's environment; left out when unset there). */
export function parseEnvFlags(
  values: readonly string[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq === 0) throw new UsageError(`-e: expected KEY=VALUE or KEY, got "${v}"`);
    if (eq > 0) out[v.slice(0, eq)] = v.slice(eq + 1);
    else if (env[v] !== undefined) out[v] = env[v] as string;
  }
  return out;
}
