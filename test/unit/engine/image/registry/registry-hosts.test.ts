import { describe, expect, it } from 'vitest';
import { isLoopbackHost, resolveEndpoints } from '../../../../../src/engine/image/registry/registry-hosts.js';

describe('registry endpoints', () => {
  it.each([
    ['Docker Hub', 'docker.io', {}, 'pull', ['https://registry-1.docker.io']],
    ['a registry', 'ghcr.io', {}, 'pull', ['https://ghcr.io']],
    ['loopback is plain HTTP', '127.0.0.1:5000', {}, 'pull', ['http://127.0.0.1:5000']],
    ['localhost', 'localhost:5000', {}, 'pull', ['http://localhost:5000']],
    ['ipv6 loopback', '[::1]:5000', {}, 'pull', ['http://[::1]:5000']],
    [
      'configured insecure',
      'reg.lan:5000',
      { registries: { 'reg.lan:5000': { insecure: true } } },
      'pull',
      ['http://reg.lan:5000'],
    ],
    [
      'loopback forced to TLS',
      'localhost:443',
      { registries: { 'localhost:443': { insecure: false } } },
      'pull',
      ['https://localhost:443'],
    ],
    [
      'mirrors first for pulls',
      'docker.io',
      { registries: { 'docker.io': { mirrors: ['mirror.example', 'http://127.0.0.1:5001/prefix/'] } } },
      'pull',
      ['https://mirror.example', 'http://127.0.0.1:5001/prefix', 'https://registry-1.docker.io'],
    ],
    [
      'no mirrors for pushes',
      'docker.io',
      { registries: { 'docker.io': { mirrors: ['mirror.example'] } } },
      'push',
      ['https://registry-1.docker.io'],
    ],
    [
      'a mirror on loopback without scheme',
      'docker.io',
      { registries: { 'docker.io': { mirrors: ['127.0.0.1:5002'] } } },
      'pull',
      ['http://127.0.0.1:5002', 'https://registry-1.docker.io'],
    ],
  ] as const)('%s', (_n, domain, config, purpose, bases) => {
    expect(resolveEndpoints(domain, config, purpose).map((e) => e.base)).toEqual(bases);
  });

  it('looks credentials up by the reference domain, and by the mirror host for a mirror', () => {
    const eps = resolveEndpoints(
      'docker.io',
      { registries: { 'docker.io': { mirrors: ['m.example:8443'] } } },
      'pull',
    );
    expect(eps.map((e) => [e.credentialsKey, e.isMirror])).toEqual([
      ['m.example:8443', true],
      ['docker.io', false],
    ]);
  });

  it.each([
    ['localhost', true],
    ['127.1.2.3:80', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['localhost.example.com', false],
  ])('isLoopbackHost(%s)', (host, yes) => {
    expect(isLoopbackHost(host)).toBe(yes);
  });
});
