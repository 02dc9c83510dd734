import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../src/engine/errors.js';
import {
  normalizeBinding,
  resolvePorts,
  type PortProbeResult,
  type ResolvePortsRequest,
} from '../../../../src/engine/network/port-allocator.js';
import type { PortBindingSpec, PublishedPort } from '../../../../src/engine/network/types.js';

/** A probe that says `in-use` for the listed `ip:port/proto` and `not-local` for 192.0.2.99. */
function probe(busy: string[] = []): ResolvePortsRequest['probe'] {
  return (hostIp, port, protocol): Promise<PortProbeResult> => {
    if (hostIp === '192.0.2.99') return Promise.resolve('not-local');
    return Promise.resolve(busy.includes(`${hostIp}:${port}/${protocol}`) ? 'in-use' : 'free');
  };
}

/** A deterministic "random" sequence. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

function request(bindings: PortBindingSpec[], over: Partial<ResolvePortsRequest> = {}): ResolvePortsRequest {
  return {
    bindings,
    taken: [],
    localPortRange: [40000, 40009],
    probe: probe(),
    random: sequence(0),
    containerName: 'web-1',
    ...over,
  };
}

const show = (ports: PublishedPort[]) =>
  ports.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`);

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof EngineError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe('resolvePorts', () => {
  it.each<[string, PortBindingSpec[], string[]]>([
    ['single port', [{ hostPort: 8080, containerPort: 80 }], ['0.0.0.0:8080->80/tcp']],
    ['udp', [{ hostPort: 5353, containerPort: 53, protocol: 'udp' }], ['0.0.0.0:5353->53/udp']],
    ['host ip', [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80 }], ['127.0.0.1:8080->80/tcp']],
    ['empty host ip = all', [{ hostIp: '', hostPort: 8080, containerPort: 80 }], ['0.0.0.0:8080->80/tcp']],
    [
      'ranges map 1:1',
      [{ hostPort: 9000, hostPortEnd: 9002, containerPort: 7000, containerPortEnd: 7002 }],
      ['0.0.0.0:9000->7000/tcp', '0.0.0.0:9001->7001/tcp', '0.0.0.0:9002->7002/tcp'],
    ],
    [
      'host range, one container port: first port',
      [{ hostPort: 9000, hostPortEnd: 9005, containerPort: 80 }],
      ['0.0.0.0:9000->80/tcp'],
    ],
    ['random port from the local range', [{ containerPort: 80 }], ['0.0.0.0:40000->80/tcp']],
    ['host port 0 = random', [{ hostPort: 0, containerPort: 80 }], ['0.0.0.0:40000->80/tcp']],
    [
      'container range, random host ports',
      [{ containerPort: 80, containerPortEnd: 81 }],
      ['0.0.0.0:40000->80/tcp', '0.0.0.0:40001->81/tcp'],
    ],
    [
      'same port, tcp and udp',
      [
        { hostPort: 53, containerPort: 53, protocol: 'tcp' },
        { hostPort: 53, containerPort: 53, protocol: 'udp' },
      ],
      ['0.0.0.0:53->53/tcp', '0.0.0.0:53->53/udp'],
    ],
    [
      'same port on two host addresses',
      [
        { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80 },
        { hostIp: '127.0.0.2', hostPort: 8080, containerPort: 81 },
      ],
      ['127.0.0.1:8080->80/tcp', '127.0.0.2:8080->81/tcp'],
    ],
  ])('%s', async (_name, bindings, expected) => {
    expect(show(await resolvePorts(request(bindings)))).toEqual(expected);
  });

  it('random ports skip taken, busy and already chosen ports', async () => {
    const ports = await resolvePorts(
      request([{ containerPort: 80 }, { containerPort: 81 }], {
        taken: [
          { hostIp: '0.0.0.0', hostPort: 40003, containerPort: 1, protocol: 'tcp', containerId: 'other' },
        ],
        probe: probe(['0.0.0.0:40005/tcp']),
        random: sequence(0.3, 0.5, 0.3, 0.7),
      }),
    );
    // 40003 is taken, 40005 busy; the second port finds 40007 chosen and, after its random
    // tries, takes the first free port of a sweep.
    expect(show(ports)).toEqual(['0.0.0.0:40007->80/tcp', '0.0.0.0:40000->81/tcp']);
  });

  it('host range skips busy ports', async () => {
    const ports = await resolvePorts(
      request([{ hostPort: 9000, hostPortEnd: 9003, containerPort: 80 }], {
        probe: probe(['0.0.0.0:9000/tcp', '0.0.0.0:9001/tcp']),
      }),
    );
    expect(show(ports)).toEqual(['0.0.0.0:9002->80/tcp']);
  });

  it.each<[string, PortBindingSpec[], Partial<ResolvePortsRequest>, string]>([
    [
      'taken by another container',
      [{ hostPort: 8080, containerPort: 80 }],
      {
        taken: [
          { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp', containerId: 'db-1' },
        ],
      },
      'NETWORK_PORT_IN_USE: cannot publish 0.0.0.0:8080/tcp: already published by container db-1',
    ],
    [
      'a specific address clashes with all addresses',
      [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80 }],
      {
        taken: [
          { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp', containerId: 'db-1' },
        ],
      },
      'NETWORK_PORT_IN_USE: cannot publish 127.0.0.1:8080/tcp: already published by container db-1',
    ],
    [
      'twice in one request',
      [
        { hostPort: 8080, containerPort: 80 },
        { hostPort: 8080, containerPort: 81 },
      ],
      {},
      'NETWORK_PORT_IN_USE: cannot publish 0.0.0.0:8080/tcp: already published by container web-1',
    ],
    [
      'a host process listens',
      [{ hostPort: 8080, containerPort: 80 }],
      { probe: probe(['0.0.0.0:8080/tcp']) },
      'NETWORK_PORT_IN_USE: cannot publish 0.0.0.0:8080/tcp: in use by a process on the host',
    ],
    [
      'not a host address',
      [{ hostIp: '192.0.2.99', containerPort: 80 }],
      {},
      'NETWORK_PORT_IN_USE: cannot publish 192.0.2.99:40000/tcp: 192.0.2.99 is not an address of this host',
    ],
    [
      'host range exhausted',
      [{ hostPort: 9000, hostPortEnd: 9001, containerPort: 80 }],
      { probe: probe(['0.0.0.0:9000/tcp', '0.0.0.0:9001/tcp']) },
      'NETWORK_PORT_IN_USE: cannot publish container port 80/tcp: no free host port in 9000-9001 (in use by a process on the host)',
    ],
  ])('refuses: %s', async (_name, bindings, over, expected) => {
    expect(await errorOf(resolvePorts(request(bindings, over)))).toBe(expected);
  });
});

describe('normalizeBinding', () => {
  it.each<[string, PortBindingSpec, string]>([
    [
      'port 0 in the container',
      { containerPort: 0 },
      'NETWORK_PORT_INVALID: port 0/tcp: container port must be 1-65535',
    ],
    [
      'port above 65535',
      { hostPort: 70000, containerPort: 80 },
      'NETWORK_PORT_INVALID: port 70000:80/tcp: host port must be 1-65535',
    ],
    [
      'reversed range',
      { containerPort: 90, containerPortEnd: 80 },
      'NETWORK_PORT_INVALID: port 90-80/tcp: invalid container port range',
    ],
    [
      'range sizes differ',
      { hostPort: 8000, hostPortEnd: 8001, containerPort: 80, containerPortEnd: 82 },
      'NETWORK_PORT_INVALID: port 8000-8001:80-82/tcp: the host and container port ranges must have the same size',
    ],
    [
      'bad protocol',
      { containerPort: 80, protocol: 'sctp' as 'tcp' },
      'NETWORK_PORT_INVALID: port 80/sctp: protocol must be tcp or udp',
    ],
    [
      'bad host ip',
      { hostIp: 'localhost', containerPort: 80 },
      'NETWORK_PORT_INVALID: port localhost:80/tcp: host address "localhost" is not an IPv4 address',
    ],
    [
      'ipv6 host ip',
      { hostIp: '::', containerPort: 80 },
      'NETWORK_IPV6_UNSUPPORTED: port :::80/tcp: IPv6 host addresses are not supported yet',
    ],
  ])('rejects %s', (_name, binding, expected) => {
    let message = 'no error';
    try {
      normalizeBinding(binding);
    } catch (err) {
      message = `${(err as EngineError).code}: ${(err as EngineError).message}`;
    }
    expect(message).toBe(expected);
  });
});
