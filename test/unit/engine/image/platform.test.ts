import { describe, expect, it } from 'vitest';
import {
  formatPlatform,
  normalizePlatform,
  parsePlatform,
  platformRank,
  selectPlatform,
  type Platform,
} from '../../../../src/engine/image/platform.js';

describe('platforms', () => {
  it.each([
    ['os/arch', 'linux/amd64', 'linux/amd64'],
    ['arch alone means linux', 'arm64', 'linux/arm64'],
    ['arm64/v8 is arm64', 'linux/arm64/v8', 'linux/arm64'],
    ['x86_64 alias', 'linux/x86_64', 'linux/amd64'],
    ['aarch64 alias', 'linux/aarch64', 'linux/arm64'],
    ['armhf alias', 'linux/armhf', 'linux/arm/v7'],
    ['arm variant digit', 'linux/arm/7', 'linux/arm/v7'],
    ['case', 'Linux/AMD64', 'linux/amd64'],
    ['windows', 'windows/amd64', 'windows/amd64'],
  ])('parses %s', (_name, text, expected) => {
    expect(formatPlatform(parsePlatform(text))).toBe(expected);
  });

  it.each([
    ['empty part', 'linux//amd64'],
    ['too many parts', 'a/b/c/d'],
    ['empty', ''],
  ])('refuses %s', (_n, text) => {
    expect(() => parsePlatform(text)).toThrow(/expected os\/arch/);
  });

  const entry = (p: string, d: string) => ({ platform: parsePlatform(p), digest: d });
  const index: { platform?: Platform; digest: string }[] = [
    entry('linux/amd64', 'amd64'),
    entry('linux/arm/v6', 'armv6'),
    entry('linux/arm/v7', 'armv7'),
    entry('linux/arm64/v8', 'arm64'),
    { platform: { os: 'unknown', architecture: 'unknown' }, digest: 'attestation' },
    { digest: 'no-platform' },
  ];

  it.each([
    ['amd64', 'linux/amd64', 'amd64'],
    ['arm64 matches arm64/v8', 'linux/arm64', 'arm64'],
    ['exact arm variant', 'linux/arm/v6', 'armv6'],
    ['newest compatible arm', 'linux/arm/v8', 'armv7'],
    ['arm without variant (v7 assumed)', 'linux/arm', 'armv7'],
  ])('selects %s', (_name, wanted, digest) => {
    expect(selectPlatform(index, parsePlatform(wanted))?.digest).toBe(digest);
  });

  it.each([
    ['other os', 'windows/amd64'],
    ['missing arch', 'linux/s390x'],
    ['arm v5 cannot run v6', 'linux/arm/v5'],
  ])('finds nothing for %s', (_n, wanted) => {
    expect(selectPlatform(index, parsePlatform(wanted))).toBeUndefined();
  });

  it('never selects unknown/unknown attestation entries', () => {
    expect(
      selectPlatform([{ platform: { os: 'unknown', architecture: 'unknown' } }], {
        os: 'unknown',
        architecture: 'unknown',
      }),
    ).toBeUndefined();
  });

  it('prefers an entry without variant when none is asked', () => {
    const list = [entry('linux/amd64/v3', 'v3'), entry('linux/amd64', 'plain')];
    expect(selectPlatform(list, parsePlatform('linux/amd64'))?.digest).toBe('plain');
    expect(platformRank(parsePlatform('linux/amd64'), parsePlatform('linux/amd64/v3'))).toBe(1);
  });

  it('normalizes without inventing variants', () => {
    expect(normalizePlatform({ os: 'linux', architecture: 'amd64' })).toEqual({
      os: 'linux',
      architecture: 'amd64',
    });
  });
});
