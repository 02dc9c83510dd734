import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNativeBinary } from '../../../src/engine/native-binary.js';
import { DnsResponder } from '../../../src/engine/network/dns-process.js';
import { DnsRecordsDir, type DnsNetwork } from '../../../src/engine/network/dns-records.js';
import { Runtime } from '../../../src/engine/runtime.js';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';
import { FakeUpstream, query, RCODE, TYPE } from './support/dns-message.js';

/**
 * The native DNS responder on its own: records written by the engine's writer, the process
 * started, reloaded and stopped by the engine's controller, queries sent from loopback
 * addresses that stand for containers (127.0.0.0/8 is all local, so every "container address"
 * can be bound as a source and every "gateway" listened on — no namespaces needed here).
 */
const X = 2 + Math.floor(Math.random() * 250);
const Y = 2 + Math.floor(Math.random() * 250);
const a = (n: number) => `127.${X}.${Y}.${n}`;
const UPSTREAM = a(200);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const n1: DnsNetwork = {
  name: 'n1',
  gateway: a(1),
  subnet: `${a(0)}/26`,
  internal: false,
  entries: [
    { containerId: 'c1', address: a(2), names: ['web-1', 'web'] },
    { containerId: 'c2', address: a(3), names: ['web-2', 'web'] },
  ],
};
const n2: DnsNetwork = {
  name: 'n2',
  gateway: a(65),
  subnet: `${a(64)}/26`,
  internal: false,
  entries: [
    { containerId: 'c1', address: a(66), names: ['web-1', 'web'] },
    { containerId: 'c3', address: a(67), names: ['db-1', 'db'] },
  ],
};
const internal: DnsNetwork = {
  name: 'int',
  gateway: a(129),
  subnet: `${a(128)}/26`,
  internal: true,
  entries: [{ containerId: 'c4', address: a(130), names: ['int-1'] }],
};

let root: { root: string; cleanup: () => Promise<void> };
let records: DnsRecordsDir;
let responder: DnsResponder;
let runtime: Runtime;
const upstream = new FakeUpstream(UPSTREAM, {
  'example.test': '203.0.113.7',
  'web.example.test': '203.0.113.8',
});

beforeAll(async () => {
  root = await makeEngineRoot('dns');
  const dir = join(root.root, 'run', 'dns');
  records = new DnsRecordsDir(dir);
  runtime = new Runtime({ binary: findNativeBinary() });
  responder = new DnsResponder({ dir, start: (d, log) => runtime.startDns(d, log) });
  await upstream.start();
  const { generation } = await records.write([n1, n2, internal], [{ address: UPSTREAM, port: 53 }]);
  const status = await responder.apply(generation);
  expect(status.errors).toEqual([]);
  expect([...status.listening].sort()).toEqual([a(1), a(129), a(65)].sort());
});

afterAll(async () => {
  await responder?.stop();
  await upstream.stop();
  await root?.cleanup();
  expect(hostLeaks(root.root)).toEqual([]);
});

describe('the DNS responder', () => {
  it('answers every replica of a name, TTL 0, authoritative', async () => {
    const r = await query(a(1), 'web', { from: a(3) });
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.authoritative).toBe(true);
    expect([...r.records].sort()).toEqual([a(2), a(3)]);
    expect(r.ttls).toEqual([0, 0]);
  });

  it('rotates the order of several answers (round robin)', async () => {
    const firsts = new Set<string>();
    for (let i = 0; i < 4; i++) firsts.add((await query(a(1), 'web', { from: a(3) })).records[0]!);
    expect(firsts.size).toBe(2);
  });

  it('scopes names by the asking container: its networks, all of them', async () => {
    // c2 is only on n1: db (n2) is not its business, so the name goes upstream (NXDOMAIN there).
    const hidden = await query(a(1), 'db', { from: a(3) });
    expect(hidden.rcode).toBe(RCODE.NXDOMAIN);
    expect(upstream.seen).toContain('db');
    // c1 is on n1 and n2: it resolves db through either gateway.
    expect((await query(a(1), 'db', { from: a(2) })).records).toEqual([a(67)]);
    expect((await query(a(65), 'db', { from: a(66) })).records).toEqual([a(67)]);
    // A name on both of c1's networks: c3 (n2 only) sees c1's n2 address only.
    expect((await query(a(65), 'web-1', { from: a(67) })).records).toEqual([a(66)]);
  });

  it('serves a client that is no container by the gateway it asked', async () => {
    expect([...(await query(a(1), 'web', { from: '127.0.0.1' })).records].sort()).toEqual([a(2), a(3)]);
  });

  it('answers names under tscompose.internal, and NXDOMAIN there without asking upstream', async () => {
    expect((await query(a(1), 'web-2.tscompose.internal', { from: a(2) })).records).toEqual([a(3)]);
    const before = upstream.seen.length;
    expect((await query(a(1), 'nothere.tscompose.internal', { from: a(2) })).rcode).toBe(RCODE.NXDOMAIN);
    expect(upstream.seen.length).toBe(before);
  });

  it('answers AAAA for a known name with no data (IPv4-only), not NXDOMAIN', async () => {
    const r = await query(a(1), 'web', { from: a(2), type: TYPE.AAAA });
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.records).toEqual([]);
  });

  it('answers PTR for container addresses, NXDOMAIN for free addresses of the subnet', async () => {
    expect(
      (await query(a(1), `3.${Y}.${X}.127.in-addr.arpa`, { from: a(2), type: TYPE.PTR })).records,
    ).toEqual(['web-2']);
    expect((await query(a(1), `9.${Y}.${X}.127.in-addr.arpa`, { from: a(2), type: TYPE.PTR })).rcode).toBe(
      RCODE.NXDOMAIN,
    );
  });

  it('forwards other names to the upstream over UDP and over TCP', async () => {
    expect((await query(a(1), 'example.test', { from: a(2) })).records).toEqual(['203.0.113.7']);
    expect((await query(a(1), 'Web.Example.Test', { from: a(2), tcp: true })).records).toEqual([
      '203.0.113.8',
    ]);
  });

  it('answers its own names over TCP', async () => {
    expect([...(await query(a(1), 'web', { from: a(3), tcp: true })).records].sort()).toEqual([a(2), a(3)]);
    // c1 is on n1 and n2: it gets web's addresses on both.
    expect([...(await query(a(1), 'web', { from: a(2), tcp: true })).records].sort()).toEqual([
      a(2),
      a(3),
      a(66),
    ]);
  });

  it('does not forward for internal networks', async () => {
    const before = upstream.seen.length;
    expect((await query(a(129), 'example.test', { from: a(130) })).rcode).toBe(RCODE.NXDOMAIN);
    expect(upstream.seen.length).toBe(before);
    expect((await query(a(129), 'int-1', { from: a(130) })).records).toEqual([a(130)]);
  });

  it('reloads on SIGHUP: a recreated container answers with its new address at once', async () => {
    const pid = await responder.runningPid();
    const changed = {
      ...n1,
      entries: [n1.entries[0]!, { containerId: 'c5', address: a(4), names: ['web-2', 'web'] }],
    };
    const { generation } = await records.write([changed, n2, internal], [{ address: UPSTREAM, port: 53 }]);
    const status = await responder.apply(generation);
    expect(status.pid).toBe(pid);
    expect([...(await query(a(1), 'web', { from: a(4) })).records].sort()).toEqual([a(2), a(4)]);
    expect((await query(a(1), 'web-2', { from: a(2) })).records).toEqual([a(4)]);
  });

  it('stops listening on a gateway whose network is gone', async () => {
    const { generation } = await records.write([n1, n2], [{ address: UPSTREAM, port: 53 }]);
    const status = await responder.apply(generation);
    expect([...status.listening].sort()).toEqual([a(1), a(65)].sort());
    await expect(query(a(129), 'int-1', { from: a(130), timeoutMs: 500 })).rejects.toThrow();
  });

  it('a second responder for the same directory exits; the first keeps serving', async () => {
    const second = await runtime.startDns(records.dir, join(records.dir, 'dns.log'));
    expect(await second.exited).toBe(1);
    expect(await readFile(join(records.dir, 'dns.log'), 'utf8')).toContain('a responder already runs for it');
    expect((await query(a(1), 'web-1', { from: a(3) })).records).toEqual([a(2)]);
  });

  it('stays small: resident memory under 1 MiB', async () => {
    const pid = await responder.runningPid();
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rssKiB = Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]);
    expect(rssKiB).toBeLessThan(1024);
  });

  it('gives up on an upstream that never answers (SERVFAIL after its timeout), then uses the next', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind({ address: a(202), port: 53 }, () => resolve()));
    try {
      const first = await records.write([n1, n2], [{ address: a(202), port: 53 }]);
      await responder.apply(first.generation);
      expect((await query(a(1), 'example.test', { from: a(3) })).rcode).toBe(RCODE.SERVFAIL);
      const second = await records.write(
        [n1, n2],
        [
          { address: a(202), port: 53 },
          { address: UPSTREAM, port: 53 },
        ],
      );
      await responder.apply(second.generation);
      expect((await query(a(1), 'example.test', { from: a(3) })).records).toEqual(['203.0.113.7']);
    } finally {
      silent.close();
    }
  });

  it('answers SERVFAIL when no upstream answers', async () => {
    await upstream.stop();
    const r = await query(a(1), 'gone.example.test', { from: a(2) });
    expect(r.rcode).toBe(RCODE.SERVFAIL);
  });

  it('outlives the process that started it (daemonless: a detached helper, like the shim)', async () => {
    const pid = await responder.runningPid();
    const script = [
      `import { Runtime } from ${JSON.stringify(`${REPO_ROOT}dist/engine/runtime.js`)};`,
      `const r = new Runtime({ binary: ${JSON.stringify(findNativeBinary())} });`,
      `const started = await r.startDns(${JSON.stringify(records.dir)}, '/dev/null');`,
      'console.log(started.pid);',
    ].join('\n');
    // The responder of this file still runs: stop it, so the child's responder is the only one.
    await responder.stop();
    expect(pid).toBeDefined();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    const started = Number(child.stdout.trim());
    const deadline = Date.now() + 5000;
    while ((await responder.runningPid()) !== started && Date.now() < deadline) await sleep(20);
    expect(await responder.runningPid()).toBe(started);
    // Its own session, no parent left from the starter.
    const stat = await readFile(`/proc/${started}/stat`, 'utf8');
    const [, ppid, , session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    expect(Number(session)).toBe(started);
    expect(Number(ppid)).not.toBe(child.pid);
    expect((await query(a(1), 'web-1', { from: a(3) })).records).toEqual([a(2)]);
  });

  it('stops on SIGTERM and removes its pid file', async () => {
    const pid = (await responder.runningPid())!;
    await responder.stop();
    expect(await responder.runningPid()).toBeUndefined();
    await expect(readFile(join(records.dir, 'dns.pid'), 'utf8')).rejects.toThrow();
    // Gone, or a zombie its (new) parent has yet to reap.
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    expect(stat === '' || / Z /.test(stat.slice(stat.lastIndexOf(')')))).toBe(true);
  });
});
