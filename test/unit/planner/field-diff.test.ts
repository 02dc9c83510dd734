import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/planner/canonical-json.js';
import { canonicalJson } from '../../../src/planner/canonical-json.js';
import { diffPaths, summarizePaths } from '../../../src/planner/field-diff.js';
import { formatDependsOnLabel, parseDependsOnLabel } from '../../../src/planner/labels.js';

describe('diffPaths', () => {
  it.each<[string, JsonValue, JsonValue, string[]]>([
    ['equal', { a: 1 }, { a: 1 }, []],
    ['changed leaf', { a: { b: 1 } }, { a: { b: 2 } }, ['a.b']],
    ['added and removed keys, sorted', { b: 1, a: 1 }, { c: 1, a: 1 }, ['b', 'c']],
    ['array element', { l: [1, 2] }, { l: [1, 3] }, ['l[1]']],
    ['array length', { l: [1] }, { l: [1, 2] }, ['l']],
    ['type change', { a: [1] }, { a: { 0: 1 } }, ['a']],
    [
      'keys needing quotes',
      { m: { 'a.b': 1, '/x': 1 } },
      { m: { 'a.b': 2, '/x': 2 } },
      ['m["/x"]', 'm["a.b"]'],
    ],
    ['root', 1, 2, ['(root)']],
  ])('%s', (_name, a, b, paths) => {
    expect(diffPaths(a, b)).toEqual(paths);
  });

  it('summarizes long lists', () => {
    expect(summarizePaths(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c (+2 more)');
    expect(summarizePaths(['a'])).toBe('a');
  });
});

describe('canonical JSON', () => {
  it('sorts keys, drops undefined and empty mappings, keeps nulls and array order', () => {
    expect(canonicalJson({ b: [2, 1], a: { z: undefined }, c: null, d: {} })).toBe('{"b":[2,1],"c":null}');
  });
});

describe('depends-on label', () => {
  it('round-trips and skips malformed entries', () => {
    const entries = [
      { service: 'db', condition: 'service_healthy', restart: true },
      { service: 'cache', condition: 'service_started', restart: false },
    ];
    expect(formatDependsOnLabel(entries)).toBe('db:service_healthy:true,cache:service_started:false');
    expect(parseDependsOnLabel(`${formatDependsOnLabel(entries)},,:x`)).toEqual(entries);
  });
});
