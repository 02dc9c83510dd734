import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalImageStore, type ImageRecord } from '../../../../src/engine/image/image-store.js';
import { parseReference } from '../../../../src/engine/image/reference.js';

function record(n: string, config = n): ImageRecord {
  return {
    digest: `sha256:${n.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 100,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${config.repeat(64)}`,
      size: 10,
    },
    layers: [],
    platform: { os: 'linux', architecture: 'amd64' },
    repoDigests: [],
    sources: [],
    lastUpdated: '2024-01-01T00:00:00Z',
  };
}

describe('LocalImageStore', () => {
  let dir: string;
  let store: LocalImageStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscompose-unit-images-'));
    store = new LocalImageStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('finds images by reference, familiar name, repo digest and id prefix', async () => {
    await store.put({ ...record('a'), repoDigests: [`docker.io/library/redis@sha256:${'f'.repeat(64)}`] }, [
      parseReference('redis:7'),
    ]);
    await store.put(record('b'), [parseReference('ghcr.io/org/app:1')]);
    expect((await store.find('redis:7'))?.record.digest).toBe(record('a').digest);
    expect((await store.find('docker.io/library/redis:7'))?.record.digest).toBe(record('a').digest);
    expect((await store.find(`redis@sha256:${'f'.repeat(64)}`))?.record.digest).toBe(record('a').digest);
    expect((await store.find('bbbb'))?.record.digest).toBe(record('b').digest);
    expect((await store.find(`sha256:${'b'.repeat(12)}`))?.record.digest).toBe(record('b').digest);
    expect(await store.find('redis')).toBeUndefined(); // redis:latest is not redis:7
    expect(await store.find('cccc')).toBeUndefined();
  });

  it('reports an ambiguous id prefix', async () => {
    await store.put(record('1', 'ab'), []);
    await store.put(record('2', 'ac'), []);
    await expect(store.find('a')).rejects.toMatchObject({ code: 'IMAGE_ID_AMBIGUOUS' });
  });

  it('moves a tag, leaving the old image untagged (dangling), and deletes with its references', async () => {
    await store.put(record('a'), [parseReference('app:1')]);
    expect(await store.put(record('b'), [parseReference('app:1')])).toEqual([record('a').digest]);
    const all = await store.list();
    expect(all.find((i) => i.record.digest === record('a').digest)?.refs).toEqual([]);
    expect(all.find((i) => i.record.digest === record('b').digest)?.refs).toEqual([
      'docker.io/library/app:1',
    ]);
    await store.tag(record('b').digest, parseReference('app:2'));
    expect(await store.delete(record('b').digest)).toEqual([
      'docker.io/library/app:1',
      'docker.io/library/app:2',
    ]);
    expect((await store.list()).map((i) => i.record.digest)).toEqual([record('a').digest]);
  });

  it('merges repo digests and sources, and records uncompressed sizes', async () => {
    const r = {
      ...record('a'),
      layers: [{ digest: 'd', mediaType: 'm', size: 1, diffId: 'x', chainId: 'x' }],
    };
    await store.put({ ...r, repoDigests: ['one@x'], sources: ['one'] }, []);
    await store.put({ ...r, repoDigests: ['two@x'], sources: ['two'] }, []);
    await store.amend(r.digest, { uncompressedSizes: [42] });
    const got = (await store.get(r.digest))!.record;
    expect(got.repoDigests).toEqual(['one@x', 'two@x']);
    expect(got.sources).toEqual(['one', 'two']);
    expect(got.layers[0]!.uncompressedSize).toBe(42);
  });
});
