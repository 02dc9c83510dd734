import { describe, expect, it } from 'vitest';
import { renderFirewallTable, type FirewallState } from '../../../../src/engine/network/firewall-rules.js';

const app = {
  name: 'app_default',
  bridge: 'tsc1a2bb0000001',
  subnet: '10.64.0.0/24',
  gateway: '10.64.0.1',
  internal: false,
};
const back = {
  name: 'app_back',
  bridge: 'tsc1a2bb0000002',
  subnet: '10.64.1.0/24',
  gateway: '10.64.1.1',
  internal: true,
};

const state: FirewallState = {
  networks: [app, back],
  published: [
    {
      containerId: 'web1',
      address: '10.64.0.2',
      ports: [
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
        { hostIp: '127.0.0.1', hostPort: 8443, containerPort: 443, protocol: 'tcp' },
        { hostIp: '0.0.0.0', hostPort: 5353, containerPort: 53, protocol: 'udp' },
      ],
    },
    { containerId: 'idle', address: '10.64.0.3', ports: [] },
  ],
};

// What `nft list table inet tscompose_test` prints after loading this text: the integration test
// (test/integration/network/firewall.test.ts) checks that the kernel agrees.
const GOLDEN = `table inet tscompose_test {
	chain raw-prerouting {
		type filter hook prerouting priority raw; policy accept;
		ip daddr 10.64.1.0/24 iifname != "tsc1a2bb0000002" drop
		ip daddr 10.64.0.0/24 iifname != "tsc1a2bb0000001" drop
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
		oifname "tsc1a2bb0000002" jump nw-app_back-postrouting-in
		oifname "tsc1a2bb0000001" jump nw-app_default-postrouting-in
		ip saddr 10.64.0.0/24 jump nw-app_default-postrouting-out
	}

	chain filter-forward {
		type filter hook forward priority filter; policy accept;
		oifname "tsc1a2bb0000002" jump nw-app_back-forward-in
		iifname "tsc1a2bb0000002" jump nw-app_back-forward-out
		oifname "tsc1a2bb0000001" jump nw-app_default-forward-in
		iifname "tsc1a2bb0000001" jump nw-app_default-forward-out
	}

	chain hostports {
		ip daddr 10.64.1.1 meta l4proto { tcp, udp } th dport 53 return
		ip daddr 10.64.0.1 meta l4proto { tcp, udp } th dport 53 return
		jump ports-web1
	}

	chain nw-app_back-forward-in {
		ct state established,related accept
		iifname "tsc1a2bb0000002" accept
		drop
	}

	chain nw-app_back-forward-out {
		drop
	}

	chain nw-app_back-postrouting-in {
		ct status dnat ip saddr 10.64.1.0/24 masquerade
		ct status dnat fib saddr type local masquerade
	}

	chain nw-app_default-forward-in {
		ct state established,related accept
		iifname "tsc1a2bb0000001" accept
		ct status dnat accept
		drop
	}

	chain nw-app_default-forward-out {
		accept
	}

	chain nw-app_default-postrouting-in {
		ct status dnat ip saddr 10.64.0.0/24 masquerade
		ct status dnat fib saddr type local masquerade
	}

	chain nw-app_default-postrouting-out {
		oifname != "tsc1a2bb0000001" ip daddr != 224.0.0.0/4 masquerade
	}

	chain ports-web1 {
		tcp dport 8080 dnat ip to 10.64.0.2:80
		ip daddr 127.0.0.1 tcp dport 8443 dnat ip to 10.64.0.2:443
		udp dport 5353 dnat ip to 10.64.0.2:53
	}
}
`;

describe('renderFirewallTable', () => {
  it('renders the table exactly (golden)', () => {
    expect(renderFirewallTable('tscompose_test', state)).toBe(GOLDEN);
  });

  it('does not depend on the order of its input', () => {
    const shuffled: FirewallState = {
      networks: [back, app],
      published: [...state.published].reverse().map((p) => ({ ...p, ports: [...p.ports].reverse() })),
    };
    expect(renderFirewallTable('tscompose_test', shuffled)).toBe(GOLDEN);
  });

  it('removing a network removes exactly its chains and the lines that name it', () => {
    const both = renderFirewallTable('t', state);
    const onlyApp = renderFirewallTable('t', { ...state, networks: [app] });
    const names = /tsc1a2bb0000002|10\.64\.1\./;
    const expected = both
      .split('\n\n')
      .filter((chain) => !/^\tchain nw-app_back-/m.test(chain))
      .map((chain) =>
        chain
          .split('\n')
          .filter((line) => !names.test(line))
          .join('\n'),
      )
      .join('\n\n');
    expect(onlyApp).toBe(expected);
    expect(both.length - onlyApp.length).toBeGreaterThan(0);
  });

  it('a container without ports gets no chain; ports on all addresses have no daddr', () => {
    const text = renderFirewallTable('t', {
      networks: [app],
      published: [
        {
          containerId: 'c',
          address: '10.64.0.9',
          ports: [{ hostIp: '0.0.0.0', hostPort: 1, containerPort: 2, protocol: 'tcp' }],
        },
      ],
    });
    expect(text).toContain('\tchain ports-c {\n\t\ttcp dport 1 dnat ip to 10.64.0.9:2\n\t}\n');
    expect(text).not.toContain('ports-idle');
  });
});
