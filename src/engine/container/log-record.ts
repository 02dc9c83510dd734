import { EngineError } from '../errors.js';

/** One record of the shim's log file (CRI "k8s-file" format, see docs/native-shim.md). */
export interface LogRecord {
  /** RFC 3339 UTC with 9 fraction digits, as written. */
  readonly time: string;
  readonly stream: 'stdout' | 'stderr';
  /** `P`: a piece of a line continued by the next record of the same stream. */
  readonly partial: boolean;
  readonly text: Buffer;
}

/** A line as `logs` prints it: records of one stream joined up to a full line (or the last piece). */
export interface LogLine {
  readonly time: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: Buffer;
  /** The line ended (a newline follows it); false for the program's last, unterminated output. */
  readonly complete: boolean;
}

const SPACE = 0x20;

/** Parses one line of the log file (without its newline); undefined for a malformed line. */
export function parseLogRecord(line: Buffer): LogRecord | undefined {
  const a = line.indexOf(SPACE);
  const b = a < 0 ? -1 : line.indexOf(SPACE, a + 1);
  const c = b < 0 ? -1 : line.indexOf(SPACE, b + 1);
  if (c < 0 && !(b > 0 && line.length === b + 2)) return undefined;
  const time = line.subarray(0, a).toString('latin1');
  const stream = line.subarray(a + 1, b).toString('latin1');
  const tag = line.subarray(b + 1, c < 0 ? line.length : c).toString('latin1');
  if ((stream !== 'stdout' && stream !== 'stderr') || (tag !== 'F' && tag !== 'P')) return undefined;
  return { time, stream, partial: tag === 'P', text: c < 0 ? Buffer.alloc(0) : line.subarray(c + 1) };
}

/** Joins records into lines, per stream (a partial stdout piece does not swallow a stderr line). */
export class LineAssembler {
  private readonly pending = new Map<string, { time: string; parts: Buffer[] }>();

  /** Feeds one record; returns the line it completes, if any. */
  push(r: LogRecord): LogLine | undefined {
    const p = this.pending.get(r.stream);
    if (r.partial) {
      if (p) p.parts.push(r.text);
      else this.pending.set(r.stream, { time: r.time, parts: [r.text] });
      return undefined;
    }
    this.pending.delete(r.stream);
    return {
      time: p?.time ?? r.time,
      stream: r.stream,
      text: p ? Buffer.concat([...p.parts, r.text]) : r.text,
      complete: true,
    };
  }

  /** The unterminated pieces left (the program's output without a final newline). */
  flush(): LogLine[] {
    const out = [...this.pending.entries()].map(([stream, p]) => ({
      time: p.time,
      stream: stream as 'stdout' | 'stderr',
      text: Buffer.concat(p.parts),
      complete: false,
    }));
    this.pending.clear();
    return out;
  }
}

/** A log timestamp as nanoseconds since the epoch (exact: the ms part from Date, the rest as digits). */
export function logTimeNs(time: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  if (!m) return 0n;
  const seconds = BigInt(Date.parse(`${m[1]}${m[3]}`) / 1000);
  const frac = BigInt((m[2] ?? '').padEnd(9, '0'));
  return seconds * 1_000_000_000n + frac;
}

/**
 * Docker's `--since`/`--until` values: an RFC 3339 date-time (with or without a zone; UTC
 * assumed without), a date, a Unix timestamp with optional fraction, or a duration before `now`
 * (`10m`, `1h30m`, `2.5s`). Returns nanoseconds since the epoch.
 */
export function parseLogTimeBound(value: string, nowMs: number): bigint {
  const v = value.trim();
  if (/^\d+(\.\d{1,9})?$/.test(v)) {
    const [s, f = ''] = v.split('.');
    return BigInt(s!) * 1_000_000_000n + BigInt(f.padEnd(9, '0'));
  }
  const dur = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(v);
  if (dur && v !== '') {
    const ms =
      Number(dur[1] ?? 0) * 3_600_000 +
      Number(dur[2] ?? 0) * 60_000 +
      Number(dur[3] ?? 0) * 1000 +
      Number(dur[4] ?? 0);
    return BigInt(Math.round(nowMs - ms)) * 1_000_000n;
  }
  const withZone = /^\d{4}-\d{2}-\d{2}$/.test(v)
    ? `${v}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(v)
      ? v
      : `${v}Z`;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?([zZ]|[+-]\d{2}:?\d{2})$/.exec(
    withZone,
  );
  if (m) {
    const base = Date.parse(`${m[1]}${m[3]!.toUpperCase()}`);
    if (!Number.isNaN(base)) return BigInt(base) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
  }
  throw new EngineError(
    'CONTAINER_LOGS_TIME_INVALID',
    `"${value}" is not a time`,
    'use an RFC 3339 time (2024-01-02T15:04:05Z), a Unix timestamp, or a duration such as 10m or 1h30m',
  );
}
