import { describe, expect, it } from 'vitest';
import {
  formatIpv4,
  formatPrefix,
  parseCidr,
  parseIpv4,
  prefixContains,
  prefixCovers,
  prefixLast,
  prefixMask,
  prefixesOverlap,
} from '../../../../src/engine/network/ipv4.js';

const p = (text: string) => parseCidr(text)!.prefix;

describe('parseIpv4', () => {
  it.each([
    ['zero', '0.0.0.0', 0],
    ['private', '10.64.3.2', 0x0a400302],
    ['broadcast', '255.255.255.255', 0xffffffff],
    ['top bit', '192.168.1.1', 0xc0a80101],
  ])('%s: %s', (_name, text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(formatIpv4(value)).toBe(text);
  });

  it.each([
    ['three octets', '10.0.0'],
    ['five octets', '10.0.0.0.1'],
    ['octet above 255', '10.0.0.256'],
    ['leading zero (octal in some tools)', '10.0.0.010'],
    ['sign', '10.0.0.+1'],
    ['empty octet', '10..0.1'],
    ['hex', '0x0a.0.0.1'],
    ['ipv6', '::1'],
    ['space', ' 10.0.0.1'],
  ])('rejects %s: %s', (_name, text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it.each([
    ['network address', '10.64.0.0/24', '10.64.0.0/24', 0x0a400000],
    ['host bits set keep the address', '10.64.0.7/24', '10.64.0.0/24', 0x0a400007],
    ['bare address is /32', '10.1.2.3', '10.1.2.3/32', 0x0a010203],
    ['/0', '0.0.0.0/0', '0.0.0.0/0', 0],
    ['/12', '10.79.1.1/12', '10.64.0.0/12', 0x0a4f0101],
  ])('%s: %s', (_name, text, prefix, address) => {
    const c = parseCidr(text)!;
    expect(formatPrefix(c.prefix)).toBe(prefix);
    expect(c.address).toBe(address);
  });

  it.each([
    ['length 33', '10.0.0.0/33'],
    ['negative', '10.0.0.0/-1'],
    ['leading zero length', '10.0.0.0/024'],
    ['no length', '10.0.0.0/'],
    ['bad address', '10.0.0/8'],
  ])('rejects %s: %s', (_name, text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('prefix arithmetic', () => {
  it.each([
    [0, 0],
    [8, 0xff000000],
    [24, 0xffffff00],
    [32, 0xffffffff],
  ])('mask /%i', (length, mask) => {
    expect(prefixMask(length)).toBe(mask);
  });

  it('last address', () => {
    expect(formatIpv4(prefixLast(p('10.64.0.0/24')))).toBe('10.64.0.255');
    expect(formatIpv4(prefixLast(p('0.0.0.0/0')))).toBe('255.255.255.255');
  });

  it.each([
    ['inside', '10.64.0.0/24', '10.64.0.77', true],
    ['just outside', '10.64.0.0/24', '10.64.1.0', false],
    ['/32 itself', '10.1.1.1/32', '10.1.1.1', true],
  ])('contains: %s', (_name, prefix, address, expected) => {
    expect(prefixContains(p(prefix), parseIpv4(address)!)).toBe(expected);
  });

  it.each([
    ['same', '10.64.0.0/24', '10.64.0.0/24', true, true],
    ['outer covers inner', '10.64.0.0/12', '10.70.1.0/24', true, true],
    ['inner does not cover outer', '10.70.1.0/24', '10.64.0.0/12', false, true],
    ['neighbours', '10.64.0.0/24', '10.64.1.0/24', false, false],
    ['host route in subnet', '192.0.2.0/24', '192.0.2.2/32', true, true],
  ])('covers/overlaps: %s', (_name, a, b, covers, overlaps) => {
    expect(prefixCovers(p(a), p(b))).toBe(covers);
    expect(prefixesOverlap(p(a), p(b))).toBe(overlaps);
    expect(prefixesOverlap(p(b), p(a))).toBe(overlaps);
  });
});
