import { describe, expect, it } from 'vitest';
import {
  LineAssembler,
  logTimeNs,
  parseLogRecord,
  parseLogTimeBound,
} from '../../../../src/engine/container/log-record.js';

const rec = (s: string) => parseLogRecord(Buffer.from(s));

describe('the shim’s log records (CRI format)', () => {
  it.each([
    [
      'a full line',
      '2026-01-02T03:04:05.123456789Z stdout F hello world',
      { stream: 'stdout', partial: false, text: 'hello world' },
    ],
    [
      'a partial piece',
      '2026-01-02T03:04:05.123456789Z stderr P a part',
      { stream: 'stderr', partial: true, text: 'a part' },
    ],
    [
      'an empty line',
      '2026-01-02T03:04:05.123456789Z stdout F ',
      { stream: 'stdout', partial: false, text: '' },
    ],
    [
      'an empty line without the space',
      '2026-01-02T03:04:05.123456789Z stdout F',
      { stream: 'stdout', partial: false, text: '' },
    ],
  ])('parses %s', (_n, line, expected) => {
    const r = rec(line)!;
    expect({ stream: r.stream, partial: r.partial, text: r.text.toString() }).toEqual(expected);
  });

  it.each([['garbage'], ['2026-01-02T03:04:05Z stdin F x'], ['2026-01-02T03:04:05Z stdout X x']])(
    'rejects %s',
    (line) => {
      expect(rec(line)).toBeUndefined();
    },
  );

  it('joins pieces per stream', () => {
    const a = new LineAssembler();
    expect(a.push(rec('t1 stdout P ab')!)).toBeUndefined();
    expect(a.push(rec('t2 stderr F err')!)).toMatchObject({ stream: 'stderr', time: 't2' });
    const line = a.push(rec('t3 stdout F cd')!)!;
    expect({ time: line.time, text: line.text.toString(), complete: line.complete }).toEqual({
      time: 't1',
      text: 'abcd',
      complete: true,
    });
    a.push(rec('t4 stdout P tail')!);
    expect(a.flush().map((l) => [l.text.toString(), l.complete])).toEqual([['tail', false]]);
  });

  it('orders times exactly, to the nanosecond', () => {
    expect(logTimeNs('2026-01-02T03:04:05.000000002Z') - logTimeNs('2026-01-02T03:04:05.000000001Z')).toBe(
      1n,
    );
    expect(logTimeNs('1970-01-01T00:00:01.5Z')).toBe(1_500_000_000n);
  });

  const now = Date.parse('2026-01-02T03:04:05Z');
  it.each([
    ['RFC 3339 with zone', '2026-01-02T03:04:05.25Z', 1767323045250000000n],
    ['RFC 3339 with offset', '2026-01-02T04:04:05+01:00', 1767323045000000000n],
    ['without zone (UTC)', '2026-01-02T03:04:05', 1767323045000000000n],
    ['a date', '2026-01-02', 1767312000000000000n],
    ['a Unix timestamp with fraction', '1767323045.5', 1767323045500000000n],
    ['a duration', '10m', BigInt(now - 600_000) * 1_000_000n],
    ['a compound duration', '1h30m', BigInt(now - 5_400_000) * 1_000_000n],
  ])('time bound: %s', (_n, value, ns) => expect(parseLogTimeBound(value, now)).toBe(ns));

  it('refuses what is no time', () => {
    expect(() => parseLogTimeBound('yesterday', now)).toThrow(
      expect.objectContaining({ code: 'CONTAINER_LOGS_TIME_INVALID' }),
    );
  });
});
