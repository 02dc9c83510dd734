import { describe, expect, it } from 'vitest';
import { dnsNetworksOf, firewallStateOf } from '../../../../src/engine/network/network-converge.js';
import {
  dnsNamesOf,
  networkInfo,
  parseNetworkRecord,
  type EndpointRecord,
  type NetworkRecord,
} from '../../../../src/engine/network/network-record.js';

const ep = (over: Partial<EndpointRecord>): EndpointRecord => ({
  containerId: 'c1',
  containerName: 'app-web-1',
  netnsPath: '/run/netns/tsc0000-c1',
  interfaceName: 'eth0',
  hostInterface: 'tsc0000v1234567',
  ipv4Address: '10.64.0.2',
  macAddress: '02:74:0a:40:00:02',
  aliases: ['web'],
  isDefaultRoute: true,
  ports: [],
  state: 'ready',
  ...over,
});

const record = (over: Partial<NetworkRecord>): NetworkRecord => ({
  version: 1,
  id: 'a'.repeat(64),
  name: 'app_default',
  driver: 'bridge',
  created: '2026-01-01T00:00:00.000Z',
  subnet: '10.64.0.0/24',
  gateway: '10.64.0.1',
  internal: false,
  labels: {},
  options: {},
  bridge: 'tsc0000baaaaaaa',
  bridgeMac: '02:74:0a:40:00:01',
  mtu: 1500,
  state: 'ready',
  endpoints: [],
  ...over,
});

const port = { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' as const };

describe('parseNetworkRecord', () => {
  it('accepts a record and round-trips it through JSON', () => {
    const r = record({ endpoints: [ep({ ports: [port] })] });
    expect(parseNetworkRecord(JSON.parse(JSON.stringify(r)), 'x.json')).toEqual(r);
  });

  it.each([
    [
      'wrong version',
      { ...record({}), version: 2 },
      'x.json: not a network record (version: expected one of 1)',
    ],
    [
      'bad id',
      { ...record({}), id: 'xyz' },
      'x.json: not a network record (id: expected a string matching /^[a-f0-9]{64}$/)',
    ],
    [
      'bad endpoint state',
      record({ endpoints: [{ ...ep({}), state: 'weird' as 'ready' }] }),
      'x.json: not a network record (endpoints.0.state: expected one of "attaching"|"ready"|"detaching")',
    ],
    [
      'a published port out of range',
      record({ endpoints: [ep({ ports: [{ ...port, hostPort: 70000 }] })] }),
      'x.json: not a network record (endpoints.0.ports.0.hostPort: expected an integer from 1 to 65535)',
    ],
    [
      'a label that is not a string',
      { ...record({}), labels: { a: 1 } },
      'x.json: not a network record (labels.a: expected a string)',
    ],
    [
      'a missing field',
      (({ bridge: _b, ...rest }) => rest)(record({})),
      'x.json: not a network record (bridge: expected a string)',
    ],
    ['not an object', [], 'x.json: not a network record (the file: expected an object)'],
  ])('refuses %s', (_name, value, message) => {
    expect(() => parseNetworkRecord(value, 'x.json')).toThrow(message);
  });
});

describe('infos', () => {
  it('dns names: container name first, then aliases, no repeats', () => {
    expect(dnsNamesOf({ containerName: 'web', aliases: ['web', 'api', ''] })).toEqual(['web', 'api']);
  });

  it('networkInfo carries the endpoints with the network’s prefix and gateway', () => {
    const info = networkInfo(record({ endpoints: [ep({})] }));
    expect(info.endpoints[0]).toMatchObject({
      prefixLength: 24,
      gateway: '10.64.0.1',
      networkName: 'app_default',
    });
    expect(info.enableIpv6).toBe(false);
  });
});

describe('converge inputs', () => {
  const records = [
    record({
      endpoints: [
        ep({ ports: [port] }),
        ep({ containerId: 'c2', ipv4Address: '10.64.0.3', state: 'attaching', ports: [port] }),
      ],
    }),
    record({
      name: 'back',
      subnet: '10.64.1.0/24',
      gateway: '10.64.1.1',
      internal: true,
      endpoints: [ep({ containerId: 'c3', ports: [port] })],
    }),
    record({ name: 'gone', state: 'removing' }),
    record({ name: 'half', state: 'creating' }),
  ];

  it('firewall: ready networks only; ports of ready endpoints on non-internal networks only', () => {
    expect(firewallStateOf(records)).toEqual({
      networks: [
        {
          name: 'app_default',
          bridge: 'tsc0000baaaaaaa',
          subnet: '10.64.0.0/24',
          gateway: '10.64.0.1',
          internal: false,
        },
        {
          name: 'back',
          bridge: 'tsc0000baaaaaaa',
          subnet: '10.64.1.0/24',
          gateway: '10.64.1.1',
          internal: true,
        },
      ],
      published: [{ containerId: 'c1', address: '10.64.0.2', ports: [port] }],
    });
  });

  it('dns: ready networks, ready endpoints', () => {
    expect(dnsNetworksOf(records).map((n) => [n.name, n.entries.map((e) => e.containerId)])).toEqual([
      ['app_default', ['c1']],
      ['back', ['c3']],
    ]);
  });
});
