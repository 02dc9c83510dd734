/** A duration Compose cannot read. */
export class DurationSyntaxError extends Error {}

const UNITS_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};
const PART = /^([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h|d|w)/;

/**
 * Parses a duration as Compose does (Go's time.ParseDuration plus `d` and `w` units): a sequence
 * of decimal numbers with units, `1h30m`, `1.5s`, `2d`; `0` alone is zero. Returns nanoseconds.
 */
export function parseDuration(text: string): bigint {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new DurationSyntaxError(`invalid duration ${JSON.stringify(text)}`);
  let total = 0n;
  while (s !== '') {
    const m = PART.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) {
      throw new DurationSyntaxError(
        /^[0-9.]+$/.test(s)
          ? `missing unit in duration ${JSON.stringify(text)}`
          : `invalid duration ${JSON.stringify(text)}`,
      );
    }
    const unit = UNITS_NS[m[3] as string] as bigint;
    const whole = BigInt(m[1] === '' ? '0' : (m[1] as string));
    let value = whole * unit;
    const frac = m[2] ?? '';
    if (frac !== '') {
      const scale = 10n ** BigInt(frac.length);
      value += (BigInt(frac) * unit) / scale;
    }
    total += value;
    s = s.slice(m[0].length);
  }
  return negative ? -total : total;
}

/** Go's time.Duration.String(): `0s`, `500ms`, `1.5s`, `1m0s`, `1h2m3s`. */
export function formatDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const negative = nanoseconds < 0n;
  const u = negative ? -nanoseconds : nanoseconds;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u < 1_000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${fraction(u, 3)}µs`;
    else out = `${fraction(u, 6)}ms`;
  } else {
    const seconds = u / 1_000_000_000n;
    const secText = fraction(u % 60_000_000_000n, 9);
    const minutes = seconds / 60n;
    const hours = minutes / 60n;
    out = '';
    if (hours > 0n) out += `${hours}h`;
    if (minutes > 0n) out += `${minutes % 60n}m`;
    out += `${secText}s`;
  }
  return negative ? `-${out}` : out;
}

/** `value / 10^digits` in decimal, trailing zeros of the fraction removed. */
function fraction(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = value / scale;
  const frac = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac === '' ? `${whole}` : `${whole}.${frac}`;
}

/** Normalizes a duration string to Go's form (`60s` → `1m0s`). */
export function normalizeDuration(text: string): string {
  return formatDuration(parseDuration(text));
}
