import { describe, expect, it } from 'vitest';
import {
  parseEnvFlags,
  parseInstant,
  parseScale,
  parseTail,
  positiveInt,
  secondsFlag,
} from '../../../src/cli/compose-flags.js';
import { UsageError } from '../../../src/common/usage-error.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('project command flag values', () => {
  it.each<[string, string[], Record<string, number> | string]>([
    ['one service', ['web=3'], { web: 3 }],
    ['several, zero allowed', ['web=3', 'api=0'], { web: 3, api: 0 }],
    ['missing count', ['web'], '--scale: expected SERVICE=NUM, got "web"'],
    ['negative', ['web=-1'], '--scale: expected SERVICE=NUM, got "web=-1"'],
  ])('--scale %s', (_name, values, expected) => {
    const run = (): unknown => parseScale(values);
    if (typeof expected === 'string') expect(run).toThrow(new UsageError(expected));
    else expect(run()).toEqual(expected);
  });

  it.each<[string | undefined, number | undefined | string]>([
    [undefined, undefined],
    ['10', 10_000],
    ['0.5', 500],
    ['0', 0],
    ['ten', '-t: expected a number of seconds, got "ten"'],
  ])('-t %s', (text, expected) => {
    if (typeof expected === 'string') expect(() => secondsFlag(text, '-t')).toThrow(expected);
    else expect(secondsFlag(text, '-t')).toBe(expected);
  });

  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['all', undefined],
    ['-1', undefined],
    ['0', 0],
    ['25', 25],
  ])('--tail %s', (text, expected) => {
    expect(parseTail(text)).toBe(expected);
  });

  it('--tail rejects garbage; --index wants a positive integer', () => {
    expect(() => parseTail('x')).toThrow(UsageError);
    expect(positiveInt('2', '--index')).toBe(2);
    expect(() => positiveInt('0', '--index')).toThrow('--index: expected a positive integer, got "0"');
  });

  it.each<[string, string]>([
    ['2026-01-02T15:04:05Z', '2026-01-02T15:04:05.000Z'],
    ['1767369845', '2026-01-02T16:04:05.000Z'],
    ['10m', '2026-06-01T11:50:00.000Z'],
    ['1h30m', '2026-06-01T10:30:00.000Z'],
    ['45s', '2026-06-01T11:59:15.000Z'],
  ])('--since %s', (text, expected) => {
    expect(parseInstant(text, '--since', NOW)).toBe(expected);
  });

  it('--since rejects what is neither a time nor a duration', () => {
    expect(() => parseInstant('yesterday', '--since', NOW)).toThrow(UsageError);
  });

  it('-e KEY=VALUE, -e KEY from the environment (left out when unset there)', () => {
    expect(parseEnvFlags(['A=1', 'B=x=y', 'HOME', 'NOPE', 'EMPTY='], { HOME: '/root' })).toEqual({
      A: '1',
      B: 'x=y',
      HOME: '/root',
      EMPTY: '',
    });
    expect(() => parseEnvFlags(['=x'], {})).toThrow(UsageError);
  });
});
