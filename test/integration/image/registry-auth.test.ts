import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../src/common/progress.js';
import { DockerConfigCredentials, Engine } from '../../../src/engine/index.js';
import { parseReference } from '../../../src/engine/image/reference.js';
import { RegistryClient } from '../../../src/engine/image/registry/registry-client.js';
import { addImageToEngine, buildBusyboxImage, type TestImage } from '../../fixtures/busybox-image.js';
import {
  hasDockerRegistry,
  startDockerRegistry,
  type RunningRegistry,
} from '../../fixtures/registry/docker-registry.js';
import { startTokenServer, type RunningTokenServer } from '../../fixtures/registry/token-server.js';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';

const MARKER = 'img-auth';
const canRun = process.getuid?.() === 0 && hasDockerRegistry();
const FAST_RETRY = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 };

describe.skipIf(!canRun)('registry authentication', () => {
  const cleanups: (() => Promise<void>)[] = [];
  const engines: Engine[] = [];
  let image: TestImage;
  let tmp: string;

  async function engineWith(
    credentials?: Record<string, { username: string; password: string }>,
    extra = {},
  ): Promise<Engine> {
    const r = await makeEngineRoot(MARKER);
    cleanups.push(r.cleanup);
    const configPath = join(tmp, `config-${engines.length}.json`);
    const auths = Object.fromEntries(
      Object.entries(credentials ?? {}).map(([host, c]) => [
        host,
        { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') },
      ]),
    );
    await writeFile(configPath, JSON.stringify({ auths }));
    const engine = await Engine.open({
      root: r.root,
      credentials: new DockerConfigCredentials(configPath),
      registry: { retry: FAST_RETRY, ...extra },
    });
    engines.push(engine);
    return engine;
  }

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), `tscompose-${MARKER}-`));
    image = await buildBusyboxImage({ extraLayers: [{ files: { 'etc/secret': 'auth test\n' } }] });
  });

  afterAll(async () => {
    for (const e of engines) e.close();
    for (const c of cleanups.reverse()) await c();
    await rm(tmp, { recursive: true, force: true });
    expect(hostLeaks(MARKER)).toEqual([]);
  });

  describe('htpasswd (Basic)', () => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await startDockerRegistry({
        marker: MARKER,
        auth: { kind: 'htpasswd', username: 'alice', password: 's3cret' },
      });
      cleanups.push(() => registry.stop());
    });

    it('refuses anonymous pulls with REGISTRY_UNAUTHORIZED naming reference and registry', async () => {
      const e = await engineWith();
      const err = await e.images.pull(`${registry.host}/private/app:1`).catch((x: unknown) => x);
      expect(err).toMatchObject({ code: 'REGISTRY_UNAUTHORIZED' });
      expect((err as Error).message).toContain(`pull ${registry.host}/private/app:1: ${registry.host}: 401`);
      expect((err as { hint?: string }).hint).toContain(`tscompose login ${registry.host}`);
    });

    it('pushes and pulls with credentials from config.json', async () => {
      const a = await engineWith({ [registry.host]: { username: 'alice', password: 's3cret' } });
      await addImageToEngine(a, image, `${registry.host}/private/app:1`);
      expect((await a.images.push(`${registry.host}/private/app:1`)).digest).toBe(image.digest);
      const b = await engineWith({ [`http://${registry.host}/`]: { username: 'alice', password: 's3cret' } });
      expect((await b.images.pull(`${registry.host}/private/app:1`)).digest).toBe(image.digest);
    });

    it('rejects a wrong password, and login checks credentials', async () => {
      const e = await engineWith({ [registry.host]: { username: 'alice', password: 'wrong' } });
      await expect(e.images.pull(`${registry.host}/private/app:1`)).rejects.toMatchObject({
        code: 'REGISTRY_UNAUTHORIZED',
      });
      await expect(
        e.images.login(registry.host, { username: 'alice', password: 'wrong' }),
      ).rejects.toMatchObject({
        code: 'REGISTRY_UNAUTHORIZED',
      });
      await e.images.login(registry.host, { username: 'alice', password: 's3cret' });
    });
  });

  describe('token service (Bearer)', () => {
    let registry: RunningRegistry;
    let tokens: RunningTokenServer;
    beforeAll(async () => {
      tokens = await startTokenServer({ users: { bob: 'hunter2' }, publicPrefixes: ['public/'] });
      cleanups.push(() => tokens.stop());
      registry = await startDockerRegistry({
        marker: MARKER,
        auth: {
          kind: 'token',
          realm: tokens.realm,
          service: tokens.service,
          issuer: tokens.issuer,
          certPath: tokens.certPath,
        },
      });
      cleanups.push(() => registry.stop());
    });

    it('pushes with a password (OAuth2 POST, scope pull,push) and mounts blobs across repositories', async () => {
      const a = await engineWith({ [registry.host]: { username: 'bob', password: 'hunter2' } });
      await addImageToEngine(a, image, `${registry.host}/public/app:1`);
      await a.images.push(`${registry.host}/public/app:1`);
      const post = tokens.requests.find((r) => r.method === 'POST' && r.grantType === 'password');
      expect(post).toMatchObject({ status: 200, account: 'bob' });
      expect(post!.scopes).toContain('repository:public/app:pull,push');

      await a.images.tag(`${registry.host}/public/app:1`, `${registry.host}/public/copy:1`);
      const events: ProgressEvent[] = [];
      await a.images.push(`${registry.host}/public/copy:1`, { progress: { emit: (e) => events.push(e) } });
      // The layers came from public/app on the same registry: mounted, not uploaded.
      const done = events.filter((e) => e.status === 'done' && e.id.startsWith('layer:')).map((e) => e.text);
      expect(done.filter((t) => t === 'Mounted').length).toBe(image.layers.length + 1);
      // New scopes were fetched with the refresh token the first answer carried, not the password again.
      expect(
        tokens.requests.some(
          (r) => r.method === 'POST' && r.grantType === 'refresh_token' && r.status === 200,
        ),
      ).toBe(true);
      expect(
        tokens.requests.some(
          (r) =>
            r.scopes.includes('repository:public/app:pull') &&
            r.scopes.includes('repository:public/copy:pull,push'),
        ),
      ).toBe(true);
    });

    it('pulls anonymously where the token service allows it, and not elsewhere', async () => {
      const anon = await engineWith();
      expect((await anon.images.pull(`${registry.host}/public/app:1`)).digest).toBe(image.digest);
      expect(
        tokens.requests.some(
          (r) =>
            r.method === 'GET' && r.account === undefined && r.scopes.includes('repository:public/app:pull'),
        ),
      ).toBe(true);
      const owner = await engineWith({ [registry.host]: { username: 'bob', password: 'hunter2' } });
      await addImageToEngine(owner, image, `${registry.host}/private/app:1`, { unpack: false });
      await owner.images.push(`${registry.host}/private/app:1`);
      await expect(anon.images.pull(`${registry.host}/private/app:1`)).rejects.toMatchObject({
        code: 'REGISTRY_UNAUTHORIZED',
      });
    });

    it('caches tokens until they expire, then fetches a new one', async () => {
      let now = Date.now();
      const client = new RegistryClient({ now: () => now, retry: FAST_RETRY });
      try {
        const repo = client.repository(parseReference(`${registry.host}/public/app:1`), 'pull');
        const before = tokens.requests.length;
        await repo.getManifest('1');
        await repo.getManifest('1');
        expect(tokens.requests.length - before).toBe(1);
        now += 10 * 60 * 1000;
        await repo.getManifest('1');
        expect(tokens.requests.length - before).toBe(2);
      } finally {
        client.close();
      }
    });
  });

  describe('token service without the OAuth2 POST form', () => {
    let registry: RunningRegistry;
    let tokens: RunningTokenServer;
    beforeAll(async () => {
      tokens = await startTokenServer({ users: { carol: 'pw' }, supportPost: false });
      cleanups.push(() => tokens.stop());
      registry = await startDockerRegistry({
        marker: MARKER,
        auth: {
          kind: 'token',
          realm: tokens.realm,
          service: tokens.service,
          issuer: tokens.issuer,
          certPath: tokens.certPath,
        },
      });
      cleanups.push(() => registry.stop());
    });

    it('falls back to GET with Basic credentials', async () => {
      const e = await engineWith({ [registry.host]: { username: 'carol', password: 'pw' } });
      await addImageToEngine(e, image, `${registry.host}/team/app:1`, { unpack: false });
      await e.images.push(`${registry.host}/team/app:1`);
      expect(tokens.requests.some((r) => r.method === 'POST' && r.status === 405)).toBe(true);
      expect(
        tokens.requests.some((r) => r.method === 'GET' && r.account === 'carol' && r.status === 200),
      ).toBe(true);
    });
  });
});
