import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  chainIds,
  digestHex,
  isDigest,
  sha256Digest,
  shortDigest,
} from '../../../../src/engine/image/digest.js';

const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

describe('digests and chain ids', () => {
  it('chainID of one layer is its diffID; later ones hash "parent diffID" (image-spec config.md)', () => {
    const d = [sha('a'), sha('b'), sha('c')];
    const c1 = sha(`${d[0]} ${d[1]}`);
    expect(chainIds(d)).toEqual([d[0], c1, sha(`${c1} ${d[2]}`)]);
    expect(chainIds([])).toEqual([]);
  });

  it.each([
    ['sha256', `sha256:${'a'.repeat(64)}`, true],
    ['sha512 form', `sha512:${'a'.repeat(128)}`, true],
    ['algorithm with separator', `multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8`, true],
    ['no algorithm', 'a'.repeat(64), false],
    ['empty encoded', 'sha256:', false],
  ])('isDigest %s', (_n, value, ok) => {
    expect(isDigest(value)).toBe(ok);
  });

  it.each([
    ['uppercase hex', `sha256:${'A'.repeat(64)}`],
    ['short', 'sha256:abc'],
    ['path traversal', 'sha256:../../etc/passwd'],
    ['sha512', `sha512:${'a'.repeat(128)}`],
  ])('digestHex refuses %s (it becomes a file name)', (_n, value) => {
    expect(() => digestHex(value)).toThrow(/expected sha256/);
  });

  it('short ids are 12 hex digits', () => {
    expect(shortDigest(sha256Digest('x'))).toBe(sha('x').slice(7, 19));
  });
});
