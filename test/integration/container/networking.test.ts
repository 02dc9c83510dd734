import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAddress, httpGet } from '../network/support/test-engine.js';
import {
  containerSpec as spec,
  captureStdio,
  openTestEngine,
  waitFor,
  type TestEngine,
} from './support/container-engine.js';

const canRun = process.getuid?.() === 0;

/** busybox httpd serving `body` from a directory made in the container. */
function httpd(port: number, body: string): string[] {
  return ['sh', '-c', `mkdir -p /www && echo ${body} > /www/index.html && exec httpd -f -p ${port} -h /www`];
}

/** A TCP port free on the host right now (the kernel picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '0.0.0.0', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!canRun)('containers on networks', () => {
  let t: TestEngine;
  let hostServer: Server | undefined;
  beforeAll(async () => {
    t = await openTestEngine('ctr-net');
    const net = await t.engine.networks();
    await net.create({ name: 'front' });
    await net.create({ name: 'sealed', internal: true });
  });
  afterAll(async () => {
    hostServer?.close();
    await t?.cleanup();
    expect(t.leaks()).toEqual([]);
  });

  const exec = async (name: string, command: string[]): Promise<{ code: number; out: string }> => {
    const io = captureStdio();
    const code = await t.engine.containers.exec(name, { command }, io.stdio);
    return { code, out: io.out() };
  };

  it('two containers on one network reach each other by name', async () => {
    await t.engine.containers.create(
      spec('web', httpd(80, 'hello-from-web'), {
        network: { mode: 'bridge', networks: [{ network: 'front', aliases: ['www'] }] },
      }),
    );
    await t.engine.containers.start('web');
    await t.engine.containers.create(
      spec('client', ['sleep', '300'], { network: { mode: 'bridge', networks: [{ network: 'front' }] } }),
    );
    await t.engine.containers.start('client');
    for (const name of ['web', 'www']) {
      const r = await waitFor(`wget http://${name}/`, async () => {
        const x = await exec('client', ['wget', '-q', '-O-', `http://${name}/`]);
        return x.code === 0 ? x : undefined;
      });
      expect(r.out).toBe('hello-from-web\n');
    }
    const info = await t.engine.containers.inspect('web');
    expect(info.networks).toEqual([
      expect.objectContaining({ network: 'front', interfaceName: 'eth0', aliases: ['www'] }),
    ]);
  });

  it('a published port answers on 127.0.0.1 and on the host’s own address', async () => {
    const port = await freePort();
    const c = await t.engine.containers.create(
      spec('pub', httpd(8080, 'published'), {
        network: { mode: 'bridge', networks: [{ network: 'front' }] },
        ports: [{ containerPort: 8080, hostPort: port }],
      }),
    );
    expect(c.ports).toEqual([{ hostIp: '0.0.0.0', hostPort: port, containerPort: 8080, protocol: 'tcp' }]);
    await t.engine.containers.start('pub');
    expect(await waitFor('127.0.0.1', () => httpGet(undefined, `http://127.0.0.1:${port}/`))).toBe(
      'published\n',
    );
    expect(await waitFor('host address', () => httpGet(undefined, `http://${hostAddress()}:${port}/`))).toBe(
      'published\n',
    );
    const doc = (await t.engine.containers.inspectDocker('pub')) as {
      NetworkSettings: { Ports: Record<string, unknown> };
    };
    expect(doc.NetworkSettings.Ports['8080/tcp']).toEqual([{ HostIp: '0.0.0.0', HostPort: String(port) }]);
  });

  it('an unpublished port is not reachable through the host’s addresses', async () => {
    const port = await freePort();
    // `web` listens on 80 without publishing; this one listens on a port nothing on the host uses.
    await t.engine.containers.create(
      spec('hidden', httpd(port, 'hidden'), {
        network: { mode: 'bridge', networks: [{ network: 'front' }] },
      }),
    );
    await t.engine.containers.start('hidden');
    await waitFor(
      'hidden listens',
      async () => (await exec('client', ['wget', '-q', '-O-', `http://hidden:${port}/`])).code === 0,
    );
    expect(await httpGet(undefined, `http://127.0.0.1:${port}/`, 1)).toBeUndefined();
    expect(await httpGet(undefined, `http://${hostAddress()}:${port}/`, 1)).toBeUndefined();
  });

  it('an internal network has no egress, but its containers reach each other', async () => {
    // A server on the host's own address: reachable from a normal network, not from an internal one.
    const port = await freePort();
    hostServer = createServer((s) => s.end('host-says-hi\n'));
    await new Promise<void>((resolve) => hostServer!.listen(port, '0.0.0.0', resolve));
    const probe = ['sh', '-c', `nc -w 2 ${hostAddress()} ${port} </dev/null`];
    expect((await exec('client', probe)).out).toBe('host-says-hi\n');
    await t.engine.containers.create(
      spec('inside', httpd(80, 'inside'), { network: { mode: 'bridge', networks: [{ network: 'sealed' }] } }),
    );
    await t.engine.containers.start('inside');
    await t.engine.containers.create(
      spec('inside2', ['sleep', '300'], { network: { mode: 'bridge', networks: [{ network: 'sealed' }] } }),
    );
    await t.engine.containers.start('inside2');
    expect(
      (
        await waitFor('inside reachable', async () => {
          const r = await exec('inside2', ['wget', '-q', '-O-', 'http://inside/']);
          return r.code === 0 ? r : undefined;
        })
      ).out,
    ).toBe('inside\n');
    const blocked = await exec('inside2', probe);
    expect(blocked.out).toBe('');
  });

  it('network_mode none has loopback only; container:X shares X’s network namespace', async () => {
    await t.engine.containers.create(spec('lonely', ['sleep', '300']));
    await t.engine.containers.start('lonely');
    expect(
      (await exec('lonely', ['sh', '-c', 'ls /sys/class/net'])).out.split(/\s+/).filter((x) => x !== ''),
    ).toEqual(['lo']);
    await t.engine.containers.create(
      spec('sidecar', ['sleep', '300'], { network: { mode: 'container', container: 'web' } }),
    );
    await t.engine.containers.start('sidecar');
    expect((await exec('sidecar', ['wget', '-q', '-O-', 'http://127.0.0.1/'])).out).toBe('hello-from-web\n');
    const info = await t.engine.containers.inspect('sidecar');
    expect(info.namespaceOwners.network).toBe((await t.engine.containers.inspect('web')).id);
  });

  it('connect/disconnect a running container to another network; a rename moves its DNS name', async () => {
    const net = await t.engine.networks();
    await net.create({ name: 'back' });
    await t.engine.containers.create(
      spec('db', httpd(80, 'db-data'), { network: { mode: 'bridge', networks: [{ network: 'back' }] } }),
    );
    await t.engine.containers.start('db');
    expect((await exec('client', ['timeout', '2', 'wget', '-q', '-O-', 'http://db/'])).code).not.toBe(0);
    await t.engine.containers.connect('client', { network: 'back', aliases: ['cli'] });
    expect(
      (
        await waitFor('db via back', async () => {
          const r = await exec('client', ['wget', '-q', '-O-', 'http://db/']);
          return r.code === 0 ? r : undefined;
        })
      ).out,
    ).toBe('db-data\n');
    expect((await t.engine.containers.inspect('client')).networks.map((n) => n.network)).toEqual([
      'front',
      'back',
    ]);
    await t.engine.containers.disconnect('client', 'back');
    expect((await t.engine.containers.inspect('client')).networks.map((n) => n.network)).toEqual(['front']);
    expect(
      (await exec('client', ['sh', '-c', 'ls /sys/class/net'])).out
        .split(/\s+/)
        .filter((x) => x !== '')
        .sort(),
    ).toEqual(['eth0', 'lo']);
    await t.engine.containers.rename('db', 'database');
    await t.engine.containers.connect('client', { network: 'back' });
    expect(
      (
        await waitFor('renamed db', async () => {
          const r = await exec('client', ['wget', '-q', '-O-', 'http://database/']);
          return r.code === 0 ? r : undefined;
        })
      ).out,
    ).toBe('db-data\n');
  });

  it('a restart keeps the container’s address', async () => {
    const before = (await t.engine.containers.inspect('web')).networks[0]!.ipv4Address;
    await t.engine.containers.restart('web', { timeoutMs: 1000 });
    expect((await t.engine.containers.inspect('web')).networks[0]!.ipv4Address).toBe(before);
    expect(
      (
        await waitFor('web back', async () => {
          const r = await exec('client', ['wget', '-q', '-O-', 'http://web/']);
          return r.code === 0 ? r : undefined;
        })
      ).out,
    ).toBe('hello-from-web\n');
  });
});
