import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/index.js';
import { RegistryClient } from '../../../src/engine/image/registry/registry-client.js';
import { parseReference } from '../../../src/engine/image/reference.js';
import {
  addImageToEngine,
  buildBusyboxImage,
  buildImage,
  buildIndex,
  imageBlobs,
  pushImageWithSkopeo,
  type TestImage,
} from '../../fixtures/busybox-image.js';
import {
  hasDockerRegistry,
  startDockerRegistry,
  type RunningRegistry,
} from '../../fixtures/registry/docker-registry.js';
import { startFaultyRegistry } from '../../fixtures/registry/faulty-registry.js';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';

const MARKER = 'img-roundtrip';
const canRun = process.getuid?.() === 0 && hasDockerRegistry();

function skopeo(args: string[]): string {
  const r = spawnSync('skopeo', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`skopeo ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!canRun)('registry round trip (docker-registry, plain HTTP)', () => {
  let registry: RunningRegistry;
  const roots: { root: string; cleanup: () => Promise<void> }[] = [];
  const engines: Engine[] = [];
  let image: TestImage;

  async function freshEngine(): Promise<Engine> {
    const r = await makeEngineRoot(MARKER);
    roots.push(r);
    const engine = await Engine.open({
      root: r.root,
      registry: { retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 } },
    });
    engines.push(engine);
    return engine;
  }

  beforeAll(async () => {
    registry = await startDockerRegistry({ marker: MARKER });
    image = await buildBusyboxImage({ extraLayers: [{ files: { 'etc/motd': 'hello from layer 2\n' } }] });
  });

  afterAll(async () => {
    for (const e of engines) e.close();
    await registry?.stop();
    for (const r of roots) await r.cleanup();
    expect(hostLeaks(MARKER)).toEqual([]);
  });

  it('pushes an image and pulls it back on a fresh root with the same digests', async () => {
    const a = await freshEngine();
    await addImageToEngine(a, image, `${registry.host}/test/busybox:1`);
    const pushed = await a.images.push(`${registry.host}/test/busybox:1`);
    expect(pushed.digest).toBe(image.digest);
    // Pushing again uploads nothing: every blob answers HEAD.
    const texts: string[] = [];
    await a.images.push(`${registry.host}/test/busybox:1`, {
      progress: { emit: (e) => e.status === 'done' && texts.push(e.text) },
    });
    expect(texts.filter((t) => t === 'Layer already exists')).toHaveLength(image.layers.length + 1);

    const b = await freshEngine();
    const pulled = await b.images.pull(`${registry.host}/test/busybox:1`);
    expect(pulled.digest).toBe(image.digest);
    expect(pulled.id).toBe(image.configDigest);
    const info = await b.images.inspect(`${registry.host}/test/busybox:1`);
    expect(info.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.digest));
    expect(info.layers.map((l) => l.diffId)).toEqual(image.layers.map((l) => l.diffId));
    // Every blob is in the new root's content store, byte for byte.
    for (const [digest, data] of imageBlobs(image)) {
      const stored = await readFile(b.content.path(digest));
      expect(createHash('sha256').update(stored).digest('hex')).toBe(digest.slice(7));
      expect(stored.length).toBe(data.length);
    }
    // And unpacked: the top snapshot holds the second layer's file.
    const top = await b.snapshots.get(info.topChainId!);
    expect(await readFile(join(top!.path, 'etc/motd'), 'utf8')).toBe('hello from layer 2\n');
    const second = await b.images.pull(`${registry.host}/test/busybox:1`);
    expect(second.status).toBe('up to date');
  });

  it('pulls what skopeo pushed, and skopeo reads what we pushed (same digests)', async () => {
    // Docker media types and an uncompressed layer: both must be read as they are.
    const other = await buildImage({
      layers: [{ files: { 'hello.txt': 'skopeo\n' } }],
      format: 'docker',
      compression: 'none',
      label: 'skopeo',
    });
    await pushImageWithSkopeo(other, `${registry.host}/test/from-skopeo:v1`);
    const e = await freshEngine();
    const pulled = await e.images.pull(`${registry.host}/test/from-skopeo:v1`);
    const raw = skopeo([
      'inspect',
      '--tls-verify=false',
      '--raw',
      `docker://${registry.host}/test/from-skopeo:v1`,
    ]);
    expect(pulled.digest).toBe(`sha256:${createHash('sha256').update(raw).digest('hex')}`);

    await e.images.tag(`${registry.host}/test/from-skopeo:v1`, `${registry.host}/test/pushed-by-us:v2`);
    const pushed = await e.images.push(`${registry.host}/test/pushed-by-us:v2`);
    const inspected = JSON.parse(
      skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/test/pushed-by-us:v2`]),
    ) as { Digest: string };
    expect(inspected.Digest).toBe(pushed.digest);
    const out = await mkdtemp(join(tmpdir(), `tscompose-${MARKER}-oci-`));
    try {
      // dir: keeps the manifest byte for byte (oci: would convert a Docker manifest).
      skopeo([
        'copy',
        '--src-tls-verify=false',
        `docker://${registry.host}/test/pushed-by-us:v2`,
        `dir:${out}`,
      ]);
      const manifest = await readFile(join(out, 'manifest.json'));
      expect(`sha256:${createHash('sha256').update(manifest).digest('hex')}`).toBe(pushed.digest);
      for (const layer of other.layers) {
        expect(
          createHash('sha256')
            .update(await readFile(join(out, layer.digest.slice(7))))
            .digest('hex'),
        ).toBe(layer.digest.slice(7));
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('selects the requested platform from a manifest list', async () => {
    const amd = await buildImage({
      layers: [{ files: { platform: 'amd64\n' } }],
      platform: { os: 'linux', architecture: 'amd64' },
    });
    const arm = await buildImage({
      layers: [{ files: { platform: 'arm64\n' } }],
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    const index = buildIndex([amd, arm]);
    const client = new RegistryClient({});
    try {
      const repo = client.repository(parseReference(`${registry.host}/test/multi:1`), 'push');
      for (const img of [amd, arm]) {
        for (const [digest, data] of imageBlobs(img)) {
          if (digest === img.digest) continue;
          await repo.pushBlob(
            { mediaType: 'application/octet-stream', digest, size: data.length },
            async () => Readable.from([data]),
          );
        }
        await repo.putManifest(img.digest, img.manifest, img.mediaType);
      }
      await repo.putManifest('1', index.bytes, index.mediaType);
    } finally {
      client.close();
    }
    const e = await freshEngine();
    const arm64 = await e.images.pull(`${registry.host}/test/multi:1`, {
      platform: { os: 'linux', architecture: 'arm64' },
      unpack: false,
    });
    expect(arm64.digest).toBe(arm.digest);
    expect(arm64.repoDigest).toBe(`${registry.host}/test/multi@${index.digest}`);
    const amd64 = await e.images.pull(`${registry.host}/test/multi:1`, {
      platform: { os: 'linux', architecture: 'amd64' },
      unpack: false,
    });
    expect(amd64.digest).toBe(amd.digest);
    await expect(
      e.images.pull(`${registry.host}/test/multi:1`, { platform: { os: 'linux', architecture: 's390x' } }),
    ).rejects.toMatchObject({
      code: 'IMAGE_PLATFORM_NOT_FOUND',
    });
  });

  it('uploads big blobs in chunks (PATCH with Content-Range), readable by skopeo', async () => {
    const r = await makeEngineRoot(MARKER);
    roots.push(r);
    const e = await Engine.open({
      root: r.root,
      registry: { chunkThresholdBytes: 64 * 1024, chunkSizeBytes: 96 * 1024 },
    });
    engines.push(e);
    await addImageToEngine(e, image, `${registry.host}/test/chunked:1`, { unpack: false });
    expect(image.layers[0]!.blob.length).toBeGreaterThan(5 * 96 * 1024);
    const pushed = await e.images.push(`${registry.host}/test/chunked:1`);
    const out = await mkdtemp(join(tmpdir(), `tscompose-${MARKER}-chunked-`));
    try {
      skopeo(['copy', '--src-tls-verify=false', `docker://${registry.host}/test/chunked:1`, `dir:${out}`]);
      expect(
        `sha256:${createHash('sha256')
          .update(await readFile(join(out, 'manifest.json')))
          .digest('hex')}`,
      ).toBe(pushed.digest);
      const layer = await readFile(join(out, image.layers[0]!.digest.slice(7)));
      expect(layer.equals(image.layers[0]!.blob)).toBe(true);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('pulls through a configured mirror first, and falls back to the registry when the mirror fails', async () => {
    const broken = await startFaultyRegistry({}, []);
    const mirror = await startFaultyRegistry({ 'library/mirrored': { image, tag: '1' } }, []);
    try {
      const r = await makeEngineRoot(MARKER);
      roots.push(r);
      const e = await Engine.open({
        root: r.root,
        config: {
          registries: {
            // Docker Hub is unreachable here: the mirror alone must serve `mirrored:1`.
            'docker.io': { mirrors: [`http://${mirror.host}`] },
            [registry.host]: { mirrors: [`http://${broken.host}`] },
          },
        },
        registry: { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
      });
      engines.push(e);
      expect((await e.images.pull('mirrored:1', { unpack: false })).digest).toBe(image.digest);
      expect(mirror.log).toContain('GET /v2/library/mirrored/manifests/1');
      expect((await e.images.pull(`${registry.host}/test/busybox:1`, { unpack: false })).digest).toBe(
        image.digest,
      );
      expect(broken.log.some((l) => l.startsWith('GET /v2/test/busybox/manifests/'))).toBe(true);
    } finally {
      await broken.stop();
      await mirror.stop();
    }
  });

  it('reports a missing image as IMAGE_NOT_FOUND naming the reference and the registry', async () => {
    const e = await freshEngine();
    const err = await e.images.pull(`${registry.host}/test/nope:1`).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'IMAGE_NOT_FOUND' });
    expect((err as Error).message).toMatch(
      new RegExp(
        `^pull ${registry.host.replace('.', '\\.')}/test/nope:1: ${registry.host.replace('.', '\\.')}: 404`,
      ),
    );
  });
});
