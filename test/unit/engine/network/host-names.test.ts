import { describe, expect, it } from 'vitest';
import { hostNamesFor } from '../../../../src/engine/network/host-names.js';
import { macForAddress, parseMacAddress } from '../../../../src/engine/network/mac-address.js';

describe('hostNamesFor', () => {
  const a = hostNamesFor('/var/lib/tscompose');
  const b = hostNamesFor('/tmp/tscompose-test-x');
  const id = 'ab'.repeat(32);

  it('every name starts with tsc and carries the root tag; links fit IFNAMSIZ', () => {
    expect(a.linkPrefix).toBe(`tsc${a.rootTag}`);
    expect(a.bridge(id)).toMatch(new RegExp(`^tsc${a.rootTag}b${id.slice(0, 7)}$`));
    expect(a.bridge(id)).toHaveLength(15);
    expect(a.hostVeth('c1', id)).toMatch(new RegExp(`^tsc${a.rootTag}v[0-9a-f]{7}$`));
    expect(a.netns('c1')).toBe(`tsc${a.rootTag}-c1`);
    expect(a.table).toMatch(/^tscompose_[0-9a-f]{12}$/);
  });

  it('two roots never share a table, a bridge or a netns name', () => {
    expect(a.table).not.toBe(b.table);
    expect(a.bridge(id)).not.toBe(b.bridge(id));
    expect(a.netns('c1')).not.toBe(b.netns('c1'));
    expect(a.hostVeth('c1', id)).not.toBe(b.hostVeth('c1', id));
  });

  it('is stable for one root; veths differ per container and per network', () => {
    expect(hostNamesFor('/var/lib/tscompose').table).toBe(a.table);
    expect(a.hostVeth('c1', id)).not.toBe(a.hostVeth('c2', id));
    expect(a.hostVeth('c1', id)).not.toBe(a.hostVeth('c1', 'cd'.repeat(32)));
  });
});

describe('MAC addresses', () => {
  it.each([
    [0x0a400002, '02:74:0a:40:00:02'],
    [0xc0a80101, '02:74:c0:a8:01:01'],
  ])('derived from the address %i', (address, mac) => {
    expect(macForAddress(address)).toBe(mac);
  });

  it.each([
    ['02:42:AC:11:00:02', '02:42:ac:11:00:02'],
    ['0a:58:0a:f4:00:05', '0a:58:0a:f4:00:05'],
  ])('accepts %s', (text, mac) => {
    expect(parseMacAddress(text)).toBe(mac);
  });

  it.each([
    ['02:42:ac:11:00', 'expected six hex bytes'],
    ['02-42-ac-11-00-02', 'expected six hex bytes'],
    ['01:00:5e:00:00:01', 'multicast'],
  ])('rejects %s', (text, why) => {
    expect(() => parseMacAddress(text)).toThrow(why);
  });
});
