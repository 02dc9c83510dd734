import { PassThrough, Readable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { EngineError } from '../errors.js';
import type { LayerCompression } from './media-types.js';

/** Node's zstd decompressor when this Node has one (zlib gained zstd in Node 22.15 / 23.8). */
const zstdFactory = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;

export function hasZstd(): boolean {
  return typeof zstdFactory === 'function';
}

/** Recognises a stream's compression from its first bytes (gzip 1f 8b, zstd 28 b5 2f fd). */
export function detectCompression(head: Uint8Array): LayerCompression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd)
    return 'zstd';
  return 'none';
}

/**
 * Looks at the first chunk of `source` and returns the compression it shows plus a stream of all
 * the bytes (the first chunk included). Docker's loader detects the same way: media types lie
 * sometimes. Destroying the returned stream destroys the source.
 */
export async function sniffCompression(
  source: Readable,
): Promise<{ compression: LayerCompression; stream: Readable }> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await it.next();
  const toBuffer = (v: Buffer | string): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v));
  const head = first.done ? Buffer.alloc(0) : toBuffer(first.value);
  const stream = Readable.from(
    (async function* () {
      try {
        if (head.length > 0) yield head;
        if (first.done) return;
        for (;;) {
          const r = await it.next();
          if (r.done) return;
          yield toBuffer(r.value);
        }
      } finally {
        await it.return?.();
      }
    })(),
    { objectMode: false, highWaterMark: 1 << 20 },
  );
  return { compression: detectCompression(head), stream };
}

/**
 * A transform that undoes `compression`. `mediaType` names the layer in the error when this Node
 * cannot read zstd (no dependency is worth it for that yet: see docs/images.md).
 */
export function createDecompressor(
  compression: LayerCompression,
  mediaType: string,
  what: string,
): Transform {
  switch (compression) {
    case 'none':
      return new PassThrough({ highWaterMark: 1 << 20 });
    case 'gzip':
      return zlib.createGunzip({ chunkSize: 128 * 1024 });
    case 'zstd':
      if (zstdFactory) return zstdFactory();
      throw new EngineError(
        'IMAGE_LAYER_UNSUPPORTED',
        `${what}: media type ${mediaType} is zstd-compressed, which this Node.js ${process.version} cannot decompress`,
        'use Node.js >= 22.15 (zlib zstd), or pull a gzip variant of the image',
      );
  }
}
