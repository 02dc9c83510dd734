import { describe, expect, it } from 'vitest';
import { parseProcLimits, resolveRlimits } from '../../../../src/engine/container/rlimits.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            20000                20000                files
Max processes             96365                96365                processes
Max core file size        0                    unlimited            bytes
`;

describe('rlimits', () => {
  const current = parseProcLimits(LIMITS);

  it('parses /proc/self/limits', () => {
    expect(current.get('RLIMIT_NOFILE')).toEqual({ soft: 20000, hard: 20000 });
    expect(current.get('RLIMIT_CPU')).toEqual({ soft: Infinity, hard: Infinity });
  });

  it('sets Docker’s default open files, clamped to the current hard limit', () => {
    expect(resolveRlimits(undefined, current)).toEqual([{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 20000 }]);
    expect(resolveRlimits(undefined, new Map())).toEqual([
      { type: 'RLIMIT_NOFILE', soft: 1024, hard: 524288 },
    ]);
  });

  it.each([
    [
      'within the limits',
      [{ name: 'nofile', soft: 100, hard: 200 }],
      [{ type: 'RLIMIT_NOFILE', soft: 100, hard: 200 }],
    ],
    [
      'another limit keeps the default nofile',
      [{ name: 'nproc', soft: 10, hard: 10 }],
      [
        { type: 'RLIMIT_NPROC', soft: 10, hard: 10 },
        { type: 'RLIMIT_NOFILE', soft: 1024, hard: 20000 },
      ],
    ],
    [
      'unlimited where the engine is unlimited',
      [{ name: 'core', soft: -1, hard: -1 }],
      [
        { type: 'RLIMIT_CORE', soft: Number.MAX_SAFE_INTEGER, hard: Number.MAX_SAFE_INTEGER },
        { type: 'RLIMIT_NOFILE', soft: 1024, hard: 20000 },
      ],
    ],
  ])('%s', (_n, ulimits, expected) => expect(resolveRlimits(ulimits, current)).toEqual(expected));

  it.each([
    [
      'a hard limit above the engine’s (no CAP_SYS_RESOURCE)',
      [{ name: 'nofile', soft: 10, hard: 30000 }],
      'CONTAINER_ULIMIT_TOO_HIGH',
    ],
    ['soft above hard', [{ name: 'nofile', soft: 20, hard: 10 }], 'CONTAINER_ULIMIT_INVALID'],
    ['an unknown name', [{ name: 'bogus', soft: 1, hard: 1 }], 'CONTAINER_ULIMIT_INVALID'],
  ])('refuses %s', (_n, ulimits, code) => {
    expect(() => resolveRlimits(ulimits, current)).toThrow(expect.objectContaining({ code }));
  });
});
