import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DnsRecordsDir,
  isDnsName,
  renderDnsNetwork,
  renderUpstreams,
  type DnsNetwork,
} from '../../../../src/engine/network/dns-records.js';

const net: DnsNetwork = {
  name: 'app_default',
  gateway: '10.64.0.1',
  subnet: '10.64.0.0/24',
  internal: false,
  entries: [
    { containerId: 'bbb', address: '10.64.0.3', names: ['app-web-2', 'web'] },
    { containerId: 'aaa', address: '10.64.0.2', names: ['app-web-1', 'web', 'www.example'] },
    { containerId: 'ccc', address: '10.64.0.4', names: ['bad name'] },
  ],
};

describe('renderDnsNetwork', () => {
  it('renders the responder format (native/dns.h), entries sorted, invalid names left out', () => {
    expect(renderDnsNetwork(net)).toBe(
      [
        '# tscompose dns records v1',
        'network app_default 10.64.0.1 10.64.0.0/24 external',
        'aaa 10.64.0.2 app-web-1,web,www.example',
        'bbb 10.64.0.3 app-web-2,web',
        '',
      ].join('\n'),
    );
    expect(renderDnsNetwork({ ...net, internal: true, entries: [] })).toBe(
      '# tscompose dns records v1\nnetwork app_default 10.64.0.1 10.64.0.0/24 internal\n',
    );
  });

  it('renders upstreams', () => {
    expect(
      renderUpstreams([
        { address: '127.0.0.53', port: 53 },
        { address: '10.0.0.2', port: 5353 },
      ]),
    ).toBe('127.0.0.53 53\n10.0.0.2 5353\n');
  });
});

describe('isDnsName', () => {
  it.each([
    ['service', true],
    ['app-web-1', true],
    ['my_service', true],
    ['a.b.c', true],
    ['x'.repeat(63), true],
    ['x'.repeat(64), false],
    ['-lead', false],
    ['trail-', false],
    ['a..b', false],
    ['with space', false],
    ['comma,name', false],
    ['', false],
  ])('%s → %s', (name, ok) => {
    expect(isDnsName(name)).toBe(ok);
  });
});

describe('DnsRecordsDir', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes one file per network, removes stale ones, bumps the generation only on a change', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscompose-unit-dns-'));
    const records = new DnsRecordsDir(join(dir, 'dns'));
    const g1 = await records.write(
      [net, { ...net, name: 'other', entries: [] }],
      [{ address: '10.0.0.2', port: 53 }],
    );
    expect(g1).toEqual({ generation: 1, changed: true });
    expect((await readdir(records.networksDir)).sort()).toEqual(['app_default', 'other']);
    await writeFile(join(records.networksDir, '.tmp-ignored'), 'x');
    const g2 = await records.write([net], []);
    expect(g2).toEqual({ generation: 2, changed: true });
    expect((await readdir(records.networksDir)).sort()).toEqual(['.tmp-ignored', 'app_default']);
    expect(await readFile(join(records.dir, 'generation'), 'utf8')).toBe('2\n');
    expect(await readFile(join(records.dir, 'upstreams'), 'utf8')).toBe('');
    // Nothing changed: no new generation, nothing for the responder to reload.
    expect(await records.write([net], [])).toEqual({ generation: 2, changed: false });
    await records.remove();
    expect(await records.generation()).toBe(0);
  });
});
