import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  createDecompressor,
  detectCompression,
  hasZstd,
  sniffCompression,
} from '../../../../src/engine/image/decompress.js';
import { isForeignLayer, layerCompression } from '../../../../src/engine/image/media-types.js';

async function all(stream: Readable): Promise<string> {
  let s = '';
  for await (const c of stream) s += (c as Buffer).toString();
  return s;
}

describe('layer compression', () => {
  it.each([
    ['gzip', Buffer.from([0x1f, 0x8b, 8, 0]), 'gzip'],
    ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'zstd'],
    ['tar', Buffer.from('ustar'), 'none'],
    ['empty', Buffer.alloc(0), 'none'],
  ])('detects %s from the first bytes', (_n, head, expected) => {
    expect(detectCompression(head)).toBe(expected);
  });

  it('sniffing keeps every byte, in several chunks', async () => {
    const gz = gzipSync('hello world');
    const { compression, stream } = await sniffCompression(
      Readable.from([gz.subarray(0, 3), gz.subarray(3)]),
    );
    expect(compression).toBe('gzip');
    expect(await all(stream.pipe(createDecompressor(compression, 'm', 'w')))).toBe('hello world');
    const plain = await sniffCompression(Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
    expect(plain.compression).toBe('none');
    expect(await all(plain.stream)).toBe('abcd');
    expect(await all((await sniffCompression(Readable.from([]))).stream)).toBe('');
  });

  it.skipIf(hasZstd())('names the media type when this Node cannot read zstd', () => {
    expect(() =>
      createDecompressor('zstd', 'application/vnd.oci.image.layer.v1.tar+zstd', 'layer sha256:x'),
    ).toThrow(
      /layer sha256:x: media type application\/vnd\.oci\.image\.layer\.v1\.tar\+zstd is zstd-compressed/,
    );
  });

  it.each([
    ['application/vnd.oci.image.layer.v1.tar', 'none'],
    ['application/vnd.oci.image.layer.v1.tar+gzip', 'gzip'],
    ['application/vnd.oci.image.layer.v1.tar+zstd', 'zstd'],
    ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'gzip'],
    ['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'gzip'],
    ['application/vnd.oci.image.config.v1+json', undefined],
  ])('%s is %s', (mediaType, compression) => {
    expect(layerCompression(mediaType)).toBe(compression);
  });

  it('knows foreign layers', () => {
    expect(isForeignLayer('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip')).toBe(true);
    expect(isForeignLayer('application/vnd.oci.image.layer.nondistributable.v1.tar')).toBe(true);
    expect(isForeignLayer('application/vnd.oci.image.layer.v1.tar')).toBe(false);
  });
});
