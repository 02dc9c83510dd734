import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** Passes bytes through and reports the running total (progress of a download or a read). */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(private readonly onBytes: (total: number) => void) {
    super({ highWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes(this.bytes);
    cb(null, chunk);
  }
}

/** `source` piped through a counter; errors of `source` reach the returned stream. */
export function counting(source: Readable, onBytes: (total: number) => void): Readable {
  const counter = new ByteCounter(onBytes);
  source.on('error', (err) => counter.destroy(err));
  return source.pipe(counter);
}
