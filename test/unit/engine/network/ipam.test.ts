import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../src/engine/errors.js';
import {
  allocateAddress,
  chooseSubnet,
  DEFAULT_POOLS,
  FOREIGN_DEFAULT_RANGES,
  resolveAddressing,
  type NetworkAddressing,
} from '../../../../src/engine/network/ipam.js';
import {
  formatIpv4,
  formatPrefix,
  parseCidr,
  parseIpv4,
  prefixesOverlap,
} from '../../../../src/engine/network/ipv4.js';

const p = (text: string) => parseCidr(text)!.prefix;
const ip = (text: string) => parseIpv4(text)!;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof EngineError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe('default pool', () => {
  it.each([
    ['Docker 172.17.0.0/16', '172.17.0.0/16'],
    ['Docker 172.31.0.0/16', '172.31.0.0/16'],
    ['Docker 192.168.0.0/16 (/20s)', '192.168.0.0/16'],
    ['Podman 10.88.0.0/16', '10.88.0.0/16'],
    ['Podman 10.89.0.0/24', '10.89.0.0/24'],
    ['Podman 10.255.255.0/24', '10.255.255.0/24'],
    ['Kubernetes services 10.96.0.0/12', '10.96.0.0/12'],
    ['flannel 10.244.0.0/16', '10.244.0.0/16'],
    ['k3s 10.42.0.0/16', '10.42.0.0/16'],
  ])('stays clear of %s', (_name, range) => {
    for (const pool of DEFAULT_POOLS) expect(prefixesOverlap(pool.range, p(range))).toBe(false);
  });

  it.each([
    ['172.17.5.0/24', true],
    ['172.24.0.0/16', true],
    ['172.31.255.0/24', true],
    ['172.16.0.0/24', false],
    ['172.32.0.0/24', false],
    ['10.88.3.0/24', true],
    ['10.87.255.0/24', false],
    ['10.200.0.0/24', true],
    ['192.168.32.0/20', true],
  ])('foreign default ranges cover %s: %s', (range, covered) => {
    expect(FOREIGN_DEFAULT_RANGES.some((f) => prefixesOverlap(f, p(range)))).toBe(covered);
  });
});

describe('chooseSubnet', () => {
  it.each([
    ['nothing taken', [], '10.64.0.0/24'],
    ['first taken', ['10.64.0.0/24'], '10.64.1.0/24'],
    ['gap is reused', ['10.64.0.0/24', '10.64.2.0/24'], '10.64.1.0/24'],
    ['host route /16 skipped at once', ['10.64.0.0/16'], '10.65.0.0/24'],
    ['host address inside a candidate', ['10.64.0.9/32'], '10.64.1.0/24'],
    ['larger route covering the pool start', ['10.64.0.0/14'], '10.68.0.0/24'],
  ])('%s', (_name, taken, expected) => {
    expect(formatPrefix(chooseSubnet(taken.map(p)))).toBe(expected);
  });

  it('pool exhausted', () => {
    expect(codeOf(() => chooseSubnet([p('10.64.0.0/12')]))).toBe(
      'NETWORK_POOL_EXHAUSTED: no free subnet left in the default pool (10.64.0.0/12 in /24s)',
    );
  });

  it('a custom pool never yields a foreign default range', () => {
    const pool = [{ range: p('172.16.0.0/12'), size: 24 }];
    expect(formatPrefix(chooseSubnet([], pool))).toBe('172.16.0.0/24');
    // 172.17.0.0 … 172.31.255.255 is Docker's: nothing left once 172.16/16 is taken.
    expect(codeOf(() => chooseSubnet([p('172.16.0.0/16')], pool))).toMatch(/^NETWORK_POOL_EXHAUSTED/);
  });
});

describe('resolveAddressing', () => {
  it.each([
    ['subnet only', ['10.70.0.0/24'], '10.70.0.0/24 gw 10.70.0.1 range 10.70.0.0/24'],
    ['custom gateway', ['10.70.0.0/24', '10.70.0.254'], '10.70.0.0/24 gw 10.70.0.254 range 10.70.0.0/24'],
    ['ip range', ['10.70.0.0/24', '', '10.70.0.128/25'], '10.70.0.0/24 gw 10.70.0.1 range 10.70.0.128/25'],
    ['large subnet', ['172.16.0.0/16'], '172.16.0.0/16 gw 172.16.0.1 range 172.16.0.0/16'],
  ])('%s', (_name, args, expected) => {
    const a = resolveAddressing(...(args as [string, string?, string?]));
    expect(`${formatPrefix(a.subnet)} gw ${formatIpv4(a.gateway)} range ${formatPrefix(a.range)}`).toBe(
      expected,
    );
  });

  it.each([
    [
      'not a cidr',
      ['10.70.0.0'],
      'NETWORK_ADDRESSING_INVALID: subnet "10.70.0.0": expected an IPv4 CIDR such as 10.64.5.0/24',
    ],
    ['host bits', ['10.70.0.5/24'], 'NETWORK_ADDRESSING_INVALID: subnet "10.70.0.5/24": host bits are set'],
    [
      'too small',
      ['10.70.0.0/30'],
      'NETWORK_ADDRESSING_INVALID: subnet "10.70.0.0/30": the prefix length must be between /8 and /29',
    ],
    [
      'gateway outside',
      ['10.70.0.0/24', '10.71.0.1'],
      'NETWORK_ADDRESSING_INVALID: gateway "10.71.0.1": not a host address of subnet 10.70.0.0/24',
    ],
    [
      'gateway = network address',
      ['10.70.0.0/24', '10.70.0.0'],
      'NETWORK_ADDRESSING_INVALID: gateway "10.70.0.0": not a host address of subnet 10.70.0.0/24',
    ],
    [
      'gateway = broadcast',
      ['10.70.0.0/24', '10.70.0.255'],
      'NETWORK_ADDRESSING_INVALID: gateway "10.70.0.255": not a host address of subnet 10.70.0.0/24',
    ],
    [
      'gateway not an address',
      ['10.70.0.0/24', 'gw'],
      'NETWORK_ADDRESSING_INVALID: gateway "gw": expected an IPv4 address',
    ],
    [
      'range outside',
      ['10.70.0.0/24', '', '10.71.0.0/25'],
      'NETWORK_ADDRESSING_INVALID: ip_range "10.71.0.0/25": not inside subnet 10.70.0.0/24',
    ],
    [
      'range larger',
      ['10.70.0.0/24', '', '10.70.0.0/23'],
      'NETWORK_ADDRESSING_INVALID: ip_range "10.70.0.0/23": not inside subnet 10.70.0.0/24',
    ],
  ])('rejects %s', (_name, args, expected) => {
    expect(codeOf(() => resolveAddressing(...(args as [string, string?, string?])))).toBe(expected);
  });
});

describe('allocateAddress', () => {
  const net = (subnet: string, gateway?: string, range?: string): NetworkAddressing =>
    resolveAddressing(subnet, gateway, range);
  const alloc = (a: NetworkAddressing, used: string[], last?: string, requested?: string) =>
    formatIpv4(
      allocateAddress({
        addressing: a,
        used: new Set(used.map(ip)),
        ...(last ? { last: ip(last) } : {}),
        ...(requested ? { requested } : {}),
        networkName: 'app',
      }),
    );

  it.each([
    ['first after the gateway', net('10.70.0.0/24'), [], undefined, '10.70.0.2'],
    ['skips used', net('10.70.0.0/24'), ['10.70.0.2', '10.70.0.3'], undefined, '10.70.0.4'],
    ['after the last handed out, not the lowest free', net('10.70.0.0/24'), [], '10.70.0.9', '10.70.0.10'],
    ['wraps around after the top', net('10.70.0.0/24'), [], '10.70.0.254', '10.70.0.2'],
    [
      'gateway at the top is skipped',
      net('10.70.0.0/29', '10.70.0.6'),
      ['10.70.0.1', '10.70.0.2', '10.70.0.3', '10.70.0.4'],
      undefined,
      '10.70.0.5',
    ],
    ['custom gateway frees .1', net('10.70.0.0/24', '10.70.0.254'), [], undefined, '10.70.0.1'],
    ['ip range', net('10.70.0.0/24', undefined, '10.70.0.128/25'), [], undefined, '10.70.0.128'],
    [
      'ip range never hands out broadcast',
      net('10.70.0.0/24', undefined, '10.70.0.252/30'),
      ['10.70.0.252', '10.70.0.253'],
      undefined,
      '10.70.0.254',
    ],
  ])('%s', (_name, a, used, last, expected) => {
    expect(alloc(a, used, last)).toBe(expected);
  });

  it.each([
    ['static inside the range', '10.70.0.50', '10.70.0.50'],
    ['static outside the ip range but inside the subnet', '10.70.0.20', '10.70.0.20'],
  ])('%s', (_name, requested, expected) => {
    expect(alloc(net('10.70.0.0/24', undefined, '10.70.0.128/25'), [], undefined, requested)).toBe(expected);
  });

  it.each([
    [
      'static in use',
      ['10.70.0.7'],
      '10.70.0.7',
      'NETWORK_ADDRESS_IN_USE: ipv4_address 10.70.0.7 is already in use on network app',
    ],
    [
      'static = gateway',
      [],
      '10.70.0.1',
      'NETWORK_ADDRESS_IN_USE: ipv4_address 10.70.0.1 is already in use on network app',
    ],
    [
      'static outside',
      [],
      '10.71.0.7',
      'NETWORK_ADDRESS_INVALID: ipv4_address 10.71.0.7: not a host address of network app (10.70.0.0/24)',
    ],
    [
      'static broadcast',
      [],
      '10.70.0.255',
      'NETWORK_ADDRESS_INVALID: ipv4_address 10.70.0.255: not a host address of network app (10.70.0.0/24)',
    ],
    ['static garbage', [], 'x', 'NETWORK_ADDRESS_INVALID: ipv4_address "x": not an IPv4 address'],
  ])('rejects %s', (_name, used, requested, expected) => {
    expect(codeOf(() => alloc(net('10.70.0.0/24'), used, undefined, requested))).toBe(expected);
  });

  it('full network', () => {
    const a = net('10.70.0.0/29');
    expect(codeOf(() => alloc(a, ['10.70.0.2', '10.70.0.3', '10.70.0.4', '10.70.0.5', '10.70.0.6']))).toBe(
      'NETWORK_NO_FREE_ADDRESS: network app: no free address left in 10.70.0.0/29',
    );
  });
});
