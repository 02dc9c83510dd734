import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firewallStateOf } from '../../../src/engine/network/network-converge.js';
import { NetworkStore } from '../../../src/engine/network/network-store.js';
import { renderFirewallTable } from '../../../src/engine/network/index.js';
import { enginePaths } from '../../../src/engine/store/index.js';
import { FakeContainer, openTestEngine, run, type TestEngine } from './support/test-engine.js';

/**
 * Networks as host objects: bridge, sysctls, the nft table (golden dump after setup, exactly the
 * removed network's rules gone after a removal, no table after teardown), two engine roots side
 * by side.
 */
let a: TestEngine;
let b: TestEngine;
const X = 1 + Math.floor(Math.random() * 250); // 172.16.X.0/24: outside every default pool

async function sysctl(key: string): Promise<string> {
  return (await readFile(`/proc/sys/${key}`, 'utf8')).trim();
}

async function link(
  name: string,
): Promise<{ address: string; operstate: string; master?: string } | undefined> {
  const r = await run(undefined, ['ip', '-j', 'link', 'show', 'dev', name]);
  return r.code === 0
    ? (JSON.parse(r.stdout) as { address: string; operstate: string; master?: string }[])[0]
    : undefined;
}

async function recordsOf(engine: TestEngine) {
  return new NetworkStore(enginePaths(engine.root).networks).list();
}

/**
 * Stands for another engine's table (Docker's `ip docker-bridges`, Podman's `inet netavark`):
 * whatever we do, it stays byte for byte as it was. Named with "tscompose" so that host-leaks
 * would report it if this file forgot it.
 */
const FOREIGN = `tscompose_foreign_${Math.random().toString(16).slice(2, 8)}`;
const FOREIGN_RULES = `table ip ${FOREIGN} {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip saddr 192.0.2.0/24 accept
	}

	chain nat-prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		tcp dport 60999 dnat to 192.0.2.200:80
	}
}
`;

let allRouteLocalnet = '';
beforeAll(async () => {
  allRouteLocalnet = await sysctl('net/ipv4/conf/all/route_localnet');
  a = await openTestEngine('net-life-a');
  b = await openTestEngine('net-life-b');
  const r = await run(undefined, ['nft', '-f', '-'], 10_000, FOREIGN_RULES);
  expect(r.stderr).toBe('');
});

afterAll(async () => {
  await run(undefined, ['nft', 'delete', 'table', 'ip', FOREIGN]);
  for (const e of [a, b]) {
    for (const n of (await e?.manager.list()) ?? []) await e.manager.remove(n.name).catch(() => undefined);
  }
  expect(a.leaks()).toEqual([]);
  expect(b.leaks()).toEqual([]);
  await a?.cleanup();
  await b?.cleanup();
});

describe('bridge networks', () => {
  let web: FakeContainer;

  it('creates a bridge with a pinned MAC, the gateway address and per-bridge sysctls only', async () => {
    const alpha = await a.manager.create({ name: 'alpha', labels: { 'io.tscompose.project': 'p' } });
    expect(alpha.bridge).toMatch(new RegExp(`^${a.manager.hostNames.linkPrefix}b[0-9a-f]{7}$`));
    expect(alpha.subnet).toMatch(/^10\.(6[4-9]|7[0-9])\.\d+\.0\/24$/);
    const br = await link(alpha.bridge);
    expect(br?.address).toBe(
      `02:74:${alpha.gateway
        .split('.')
        .map((o) => Number(o).toString(16).padStart(2, '0'))
        .join(':')}`,
    );
    expect(await readFile(`/sys/class/net/${alpha.bridge}/addr_assign_type`, 'utf8')).toBe('3\n'); // NET_ADDR_SET
    const addrs = await run(undefined, ['ip', '-j', '-4', 'addr', 'show', 'dev', alpha.bridge]);
    expect(addrs.stdout).toContain(`"local":"${alpha.gateway}","prefixlen":24`);
    expect(await sysctl(`net/ipv4/conf/${alpha.bridge}/route_localnet`)).toBe('1');
    expect(await sysctl(`net/ipv4/conf/${alpha.bridge}/rp_filter`)).toBe('2');
    expect(await sysctl(`net/ipv4/conf/${alpha.bridge}/forwarding`)).toBe('1');
    expect(await sysctl('net/ipv4/conf/all/route_localnet')).toBe(allRouteLocalnet);
    expect(await sysctl('net/ipv4/ip_forward')).toBe('1');
  });

  it('honours subnet, gateway and ip_range; internal bridges do not forward', async () => {
    const beta = await a.manager.create({
      name: 'beta',
      subnet: `172.16.${X}.0/24`,
      gateway: `172.16.${X}.254`,
      ipRange: `172.16.${X}.128/25`,
      internal: true,
    });
    expect([beta.subnet, beta.gateway, beta.ipRange, beta.internal]).toEqual([
      `172.16.${X}.0/24`,
      `172.16.${X}.254`,
      `172.16.${X}.128/25`,
      true,
    ]);
    expect(await sysctl(`net/ipv4/conf/${beta.bridge}/forwarding`)).toBe('0');
  });

  it('refuses what it cannot do, with clear errors', async () => {
    await expect(a.manager.create({ name: 'alpha' })).rejects.toThrow(
      'network with name alpha already exists',
    );
    await expect(a.manager.create({ name: 'gamma', subnet: `172.16.${X}.128/25` })).rejects.toThrow(
      `network gamma: subnet 172.16.${X}.128/25 overlaps network beta (172.16.${X}.0/24)`,
    );
    await expect(a.manager.create({ name: 'six', enableIpv6: true })).rejects.toMatchObject({
      code: 'NETWORK_IPV6_UNSUPPORTED',
    });
    await expect(a.manager.create({ name: 'bad/name' })).rejects.toMatchObject({
      code: 'NETWORK_NAME_INVALID',
    });
    await expect(a.manager.remove('nope')).rejects.toThrow('network nope not found');
  });

  it('the nft table is exactly the rendering of the records (golden dump)', async () => {
    web = await new FakeContainer(a, 'web1', 'p-web-1').create();
    await web.connect('alpha', { aliases: ['web'] });
    await web.connect('beta', { ipv4Address: `172.16.${X}.5` });
    const published = await a.manager.publish('web1', [
      { hostIp: '127.0.0.1', containerPort: 80 },
      { containerPort: 53, protocol: 'udp' },
    ]);
    const dump = await a.manager.firewall.dump();
    expect(dump).toBe(renderFirewallTable(a.manager.hostNames.table, firewallStateOf(await recordsOf(a))));
    const alpha = await a.manager.inspect('alpha');
    const beta = await a.manager.inspect('beta');
    const [tcp, udp] = published;
    const golden = `table inet ${a.manager.hostNames.table} {
	chain raw-prerouting {
		type filter hook prerouting priority raw; policy accept;
		ip daddr ${alpha.subnet} iifname != "${alpha.bridge}" drop
		ip daddr ${beta.subnet} iifname != "${beta.bridge}" drop
	}

	chain nat-prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		fib daddr type local jump hostports
	}

	chain nat-output {
		type nat hook output priority -100; policy accept;
		fib daddr type local jump hostports
	}

	chain nat-postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "${alpha.bridge}" jump nw-alpha-postrouting-in
		ip saddr ${alpha.subnet} jump nw-alpha-postrouting-out
		oifname "${beta.bridge}" jump nw-beta-postrouting-in
	}

	chain filter-forward {
		type filter hook forward priority filter; policy accept;
		oifname "${alpha.bridge}" jump nw-alpha-forward-in
		iifname "${alpha.bridge}" jump nw-alpha-forward-out
		oifname "${beta.bridge}" jump nw-beta-forward-in
		iifname "${beta.bridge}" jump nw-beta-forward-out
	}

	chain hostports {
		ip daddr ${alpha.gateway} meta l4proto { tcp, udp } th dport 53 return
		ip daddr ${beta.gateway} meta l4proto { tcp, udp } th dport 53 return
		jump ports-web1
	}

	chain nw-alpha-forward-in {
		ct state established,related accept
		iifname "${alpha.bridge}" accept
		ct status dnat accept
		drop
	}

	chain nw-alpha-forward-out {
		accept
	}

	chain nw-alpha-postrouting-in {
		ct status dnat ip saddr ${alpha.subnet} masquerade
		ct status dnat fib saddr type local masquerade
	}

	chain nw-alpha-postrouting-out {
		oifname != "${alpha.bridge}" ip daddr != 224.0.0.0/4 masquerade
	}

	chain nw-beta-forward-in {
		ct state established,related accept
		iifname "${beta.bridge}" accept
		drop
	}

	chain nw-beta-forward-out {
		drop
	}

	chain nw-beta-postrouting-in {
		ct status dnat ip saddr ${beta.subnet} masquerade
		ct status dnat fib saddr type local masquerade
	}

	chain ports-web1 {
		ip daddr 127.0.0.1 tcp dport ${tcp!.hostPort} dnat ip to ${web.address('alpha')}:80
		udp dport ${udp!.hostPort} dnat ip to ${web.address('alpha')}:53
	}
}
`;
    expect(dump).toBe(golden);
  });

  it('endpoints: eth0, eth1, the default route on the first non-internal network, static address kept', async () => {
    const eps = await a.manager.endpointsOf('web1');
    expect(eps.map((e) => [e.networkName, e.interfaceName, e.isDefaultRoute])).toEqual([
      ['alpha', 'eth0', true],
      ['beta', 'eth1', false],
    ]);
    expect(eps[1]!.ipv4Address).toBe(`172.16.${X}.5`);
    const routes = await web.exec(['ip', '-4', 'route', 'show', 'default']);
    expect(routes.stdout).toBe(`default via ${eps[0]!.gateway} dev eth0 \n`);
    const mac = await web.exec(['cat', '/sys/class/net/eth1/address']);
    expect(mac.stdout).toBe('02:74:ac:10:' + X.toString(16).padStart(2, '0') + ':05\n');
    expect((await link(eps[0]!.hostInterface))?.master).toBe(
      eps[0]!.hostInterface && (await a.manager.inspect('alpha')).bridge,
    );
  });

  it('connecting again keeps the address (the netns survives a restart; after a reboot it is replugged)', async () => {
    const before = await a.manager.endpointsOf('web1');
    const again = await web.connect('alpha', { aliases: ['web'] });
    expect(again.ipv4Address).toBe(before[0]!.ipv4Address);
    // A "reboot": the netns and its interfaces vanish; the container comes back in a new one.
    await a.manager.removeNetns('web1');
    await web.create();
    const replugged = await web.connect('alpha', { aliases: ['web'] });
    expect([replugged.ipv4Address, replugged.macAddress]).toEqual([
      before[0]!.ipv4Address,
      before[0]!.macAddress,
    ]);
    expect((await web.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout).toContain(
      `inet ${before[0]!.ipv4Address}/24`,
    );
    await web.connect('beta', { ipv4Address: `172.16.${X}.5` });
  });

  it('a network with containers cannot be removed', async () => {
    await expect(a.manager.remove('alpha')).rejects.toThrow('network alpha has active endpoints (p-web-1)');
  });

  it('two engine roots run side by side with their own tables, bridges and subnets', async () => {
    const otherAlpha = await b.manager.create({ name: 'alpha' });
    const mine = await a.manager.inspect('alpha');
    expect(otherAlpha.bridge).not.toBe(mine.bridge);
    expect(otherAlpha.subnet).not.toBe(mine.subnet);
    expect(b.manager.hostNames.table).not.toBe(a.manager.hostNames.table);
    const bDump = await b.manager.firewall.dump();
    expect(bDump).toBe(renderFirewallTable(b.manager.hostNames.table, firewallStateOf(await recordsOf(b))));
    // Changes in root A leave root B's table alone, and the other way round.
    await a.manager.unpublish('web1');
    expect(await b.manager.firewall.dump()).toBe(bDump);
    const aDump = await a.manager.firewall.dump();
    await b.manager.remove('alpha');
    expect(await b.manager.firewall.dump()).toBeUndefined();
    expect(await a.manager.firewall.dump()).toBe(aDump);
  });

  it('removing a network removes exactly its rules; the last one takes the table with it', async () => {
    await web.remove();
    const before = (await a.manager.firewall.dump())!;
    const beta = await a.manager.inspect('beta');
    await a.manager.remove('beta');
    const after = (await a.manager.firewall.dump())!;
    // The table's closing brace follows the last chain: keep it out of the chain blocks.
    const expected = `${before
      .slice(0, -'}\n'.length)
      .split('\n\n')
      .filter((chain) => !/^\tchain nw-beta-/m.test(chain))
      .map((chain) =>
        chain
          .split('\n')
          .filter(
            (line) =>
              !line.includes(beta.bridge) &&
              !line.includes(beta.subnet) &&
              !line.includes(`${beta.gateway} `),
          )
          .join('\n'),
      )
      .join('\n\n')
      .replace(/\n?$/, '\n')}}\n`;
    expect(after).toBe(expected);
    expect(await link(beta.bridge)).toBeUndefined();
    const alpha = await a.manager.inspect('alpha');
    await a.manager.remove('alpha');
    expect(await a.manager.firewall.dump()).toBeUndefined();
    expect(await link(alpha.bridge)).toBeUndefined();
    expect(await a.manager.list()).toEqual([]);
    expect(await a.manager.dns.runningPid()).toBeUndefined();
  });

  it('never touched another engine’s table', async () => {
    expect((await run(undefined, ['nft', 'list', 'table', 'ip', FOREIGN])).stdout).toBe(FOREIGN_RULES);
  });
});
