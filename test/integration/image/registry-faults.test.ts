import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/index.js';
import { buildBusyboxImage, type TestImage } from '../../fixtures/busybox-image.js';
import {
  startFaultyRegistry,
  type Fault,
  type FaultyRegistry,
} from '../../fixtures/registry/faulty-registry.js';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';

const MARKER = 'img-faults';
const canRun = process.getuid?.() === 0;

describe.skipIf(!canRun)('registry faults (a faulty registry of our own)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  const engines: Engine[] = [];
  let image: TestImage;

  async function freshEngine(): Promise<{ engine: Engine; root: string }> {
    const r = await makeEngineRoot(MARKER);
    cleanups.push(r.cleanup);
    const engine = await Engine.open({
      root: r.root,
      registry: { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10 } },
    });
    engines.push(engine);
    return { engine, root: r.root };
  }

  async function serve(faults: Fault[]): Promise<FaultyRegistry> {
    const reg = await startFaultyRegistry({ 'test/app': { image, tag: '1' } }, faults);
    cleanups.push(() => reg.stop());
    return reg;
  }

  async function storedBlobs(root: string): Promise<string[]> {
    return (await readdir(join(root, 'content', 'blobs', 'sha256'))).map((h) => `sha256:${h}`);
  }

  beforeAll(async () => {
    image = await buildBusyboxImage({ extraLayers: [{ files: { 'etc/faults': 'x\n' } }] });
  });

  afterAll(async () => {
    for (const e of engines) e.close();
    for (const c of cleanups.reverse()) await c();
    expect(hostLeaks(MARKER)).toEqual([]);
  });

  it('rejects a corrupted blob and stores nothing of it (no snapshot, no image)', async () => {
    const bad = image.layers[0]!.digest;
    const reg = await serve([{ path: new RegExp(`/blobs/${bad}$`), times: 100, kind: 'corrupt' }]);
    const { engine, root } = await freshEngine();
    const err = await engine.images.pull(`${reg.host}/test/app:1`).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'BLOB_DIGEST_MISMATCH' });
    expect((err as Error).message).toContain(`pull ${reg.host}/test/app:1:`);
    expect((err as Error).message).toContain(bad);
    expect(await storedBlobs(root)).not.toContain(bad);
    expect(await engine.images.find(`${reg.host}/test/app:1`)).toBeUndefined();
    expect((await engine.snapshots.list()).map((s) => s.diffId)).not.toContain(image.layers[0]!.diffId);
    expect(await readdir(join(root, 'content', 'ingest'))).toEqual([]);
    // Digest mismatches are not retried: the same corrupt bytes would come again.
    expect(reg.log.filter((l) => l === `GET /v2/test/app/blobs/${bad}`).length).toBe(1);
  });

  it('retries a 500 and succeeds', async () => {
    const reg = await serve([
      { path: /\/manifests\/1$/, times: 1, kind: 'status', status: 500 },
      { path: new RegExp(`/blobs/${image.layers[1]!.digest}$`), times: 1, kind: 'status', status: 503 },
    ]);
    const { engine } = await freshEngine();
    const pulled = await engine.images.pull(`${reg.host}/test/app:1`);
    expect(pulled.digest).toBe(image.digest);
    expect(reg.log.filter((l) => l === 'GET /v2/test/app/manifests/1').length).toBe(2);
    expect(reg.log.filter((l) => l === `GET /v2/test/app/blobs/${image.layers[1]!.digest}`).length).toBe(2);
    // Pulling again only asks whether the tag moved (HEAD: free on Docker Hub).
    const gets = reg.log.filter((l) => l.startsWith('GET ')).length;
    expect((await engine.images.pull(`${reg.host}/test/app:1`)).status).toBe('up to date');
    expect(reg.log.filter((l) => l.startsWith('GET ')).length).toBe(gets);
    expect(reg.log).toContain('HEAD /v2/test/app/manifests/1');
  });

  it('retries a connection dropped in the middle of a layer', async () => {
    const layer = image.layers[0]!.digest;
    const reg = await serve([{ path: new RegExp(`/blobs/${layer}$`), times: 1, kind: 'drop' }]);
    const { engine, root } = await freshEngine();
    expect((await engine.images.pull(`${reg.host}/test/app:1`)).digest).toBe(image.digest);
    expect(await storedBlobs(root)).toContain(layer);
    expect(reg.log.filter((l) => l === `GET /v2/test/app/blobs/${layer}`).length).toBe(2);
  });

  it('stops reading a blob at its declared size', async () => {
    const layer = image.layers[1]!.digest;
    const reg = await serve([{ path: new RegExp(`/blobs/${layer}$`), times: 100, kind: 'oversize' }]);
    const { engine, root } = await freshEngine();
    await expect(engine.images.pull(`${reg.host}/test/app:1`)).rejects.toMatchObject({
      code: 'BLOB_SIZE_MISMATCH',
    });
    expect(await storedBlobs(root)).not.toContain(layer);
  });

  it('gives up after the retries with REGISTRY_UNAVAILABLE naming the registry', async () => {
    const reg = await serve([{ path: /\/manifests\/1$/, times: 100, kind: 'status', status: 502 }]);
    const { engine } = await freshEngine();
    const err = await engine.images.pull(`${reg.host}/test/app:1`).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
    expect((err as Error).message).toBe(
      `pull ${reg.host}/test/app:1: ${reg.host}: 502 unknown: injected failure`,
    );
    expect(reg.log.filter((l) => l === 'GET /v2/test/app/manifests/1').length).toBe(3);
  });

  it('reports a registry nobody listens on as REGISTRY_UNREACHABLE', async () => {
    const reg = await serve([]);
    const host = reg.host;
    await reg.stop();
    const { engine } = await freshEngine();
    await expect(engine.images.pull(`${host}/test/app:1`)).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
    });
  });
});
