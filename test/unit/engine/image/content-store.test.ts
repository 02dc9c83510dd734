import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalContentStore } from '../../../../src/engine/image/content-store.js';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('LocalContentStore', () => {
  let dir: string;
  let store: LocalContentStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscompose-unit-content-'));
    store = new LocalContentStore(join(dir, 'blobs'), join(dir, 'ingest'));
    await store.init();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stores verified blobs read-only under blobs/sha256/<hex> and reads them back', async () => {
    const data = Buffer.from('hello content');
    const info = await store.ingest(Readable.from([data]), { digest: sha(data), size: data.length });
    expect(info).toEqual({ digest: sha(data), size: data.length });
    expect(store.path(info.digest)).toBe(join(dir, 'blobs', 'sha256', sha(data).slice(7)));
    expect((await stat(store.path(info.digest))).mode & 0o777).toBe(0o400);
    expect((await store.readBytes(info.digest, 100)).toString()).toBe('hello content');
    expect(await store.list()).toEqual([info]);
    expect(await readdir(join(dir, 'ingest'))).toEqual([]);
  });

  it.each([
    ['wrong digest', { digest: sha('other') }, 'BLOB_DIGEST_MISMATCH'],
    ['too short', { size: 100 }, 'BLOB_SIZE_MISMATCH'],
    ['too long (refused while streaming)', { size: 3 }, 'BLOB_SIZE_MISMATCH'],
  ])('refuses a blob with %s and leaves nothing behind', async (_n, expected, code) => {
    await expect(store.ingest(Readable.from([Buffer.from('some bytes')]), expected)).rejects.toMatchObject({
      code,
    });
    expect(await store.list()).toEqual([]);
    expect(await readdir(join(dir, 'ingest'))).toEqual([]);
  });

  it('computes the digest when none is expected; writing the same blob twice is harmless', async () => {
    const a = await store.putBytes(Buffer.from('x'));
    const b = await store.putBytes(Buffer.from('x'), sha('x'));
    expect(a).toEqual(b);
    await expect(store.putBytes(Buffer.from('x'), sha('y'))).rejects.toMatchObject({
      code: 'BLOB_DIGEST_MISMATCH',
    });
  });

  it('refuses reading a blob above a size limit, and reports missing ones', async () => {
    const info = await store.putBytes(Buffer.alloc(100));
    await expect(store.readBytes(info.digest, 99)).rejects.toMatchObject({ code: 'BLOB_TOO_LARGE' });
    await expect(store.openRead(sha('missing'))).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    expect(await store.has(sha('missing'))).toBe(false);
  });

  it('reads ranges and deletes', async () => {
    const info = await store.putBytes(Buffer.from('0123456789'));
    const chunks: Buffer[] = [];
    for await (const c of await store.openRead(info.digest, 2, 5)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('2345');
    expect(await store.delete(info.digest)).toBe(true);
    expect(await store.delete(info.digest)).toBe(false);
  });

  it('refuses digests that are not sha256 hex before they become paths', () => {
    expect(() => store.path('sha256:../../etc/passwd')).toThrow(/expected sha256/);
  });
});
