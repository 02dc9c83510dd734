import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DockerConfigCredentials,
  authKeyFor,
  authKeyHost,
} from '../../../../../src/engine/image/registry/credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('Docker config credentials', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscompose-unit-creds-'));
    path = join(dir, 'config.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['Docker Hub URL key', 'https://index.docker.io/v1/', 'docker.io'],
    ['registry-1', 'registry-1.docker.io', 'docker.io'],
    ['bare host', 'localhost:5000', 'localhost:5000'],
    ['URL with path', 'http://Registry.Example:5000/v2/', 'registry.example:5000'],
  ])('authKeyHost: %s', (_n, key, host) => {
    expect(authKeyHost(key)).toBe(host);
  });

  it('login writes Hub under its URL key, others by host', () => {
    expect(authKeyFor('docker.io')).toBe('https://index.docker.io/v1/');
    expect(authKeyFor('https://localhost:5000')).toBe('localhost:5000');
  });

  it('reads auth (base64), username/password and identitytoken entries', async () => {
    await writeFile(
      path,
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
          'http://r1.example/': { username: 'u1', password: 'p1' },
          'r2.example': { identitytoken: 'refresh-me' },
        },
        credsStore: 'desktop',
      }),
    );
    const store = new DockerConfigCredentials(path);
    expect(await store.get('docker.io')).toEqual({ username: 'hubuser', password: 'hub:pass' });
    expect(await store.get('r1.example')).toEqual({ username: 'u1', password: 'p1' });
    expect(await store.get('r2.example')).toEqual({ identityToken: 'refresh-me' });
    expect(await store.get('r3.example')).toBeUndefined();
  });

  it('a missing file means no credentials; a damaged one is an error', async () => {
    expect(await new DockerConfigCredentials(path).get('x')).toBeUndefined();
    await writeFile(path, '{ not json');
    await expect(new DockerConfigCredentials(path).get('x')).rejects.toMatchObject({
      code: 'REGISTRY_CONFIG_INVALID',
    });
  });

  it('store keeps other fields, replaces equivalent keys, writes mode 0600; remove drops them', async () => {
    await writeFile(
      path,
      JSON.stringify({ auths: { 'http://localhost:5000/': { auth: b64('old:old') } }, psFormat: 'table' }),
    );
    const store = new DockerConfigCredentials(path);
    await store.store('localhost:5000', 'new', 'secret');
    const written = JSON.parse(await readFile(path, 'utf8')) as {
      auths: Record<string, { auth: string }>;
      psFormat: string;
    };
    expect(written.psFormat).toBe('table');
    expect(Object.keys(written.auths)).toEqual(['localhost:5000']);
    expect(Buffer.from(written.auths['localhost:5000']!.auth, 'base64').toString()).toBe('new:secret');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await store.remove('localhost:5000')).toBe(true);
    expect(await store.remove('localhost:5000')).toBe(false);
    expect(await store.get('localhost:5000')).toBeUndefined();
  });
});
