import { Transform, type TransformCallback, type Writable } from 'node:stream';

/**
 * Passes bytes through (the main path: a blob being stored) and also writes them to `side` (the
 * unpacker's input), honouring the side's backpressure, so one download feeds both. The side may
 * fail or stop reading (a corrupt layer): the main path goes on alone, so the blob can still be
 * verified and the right error told. A failure of the main path is passed to the side.
 */
export class TeeStream extends Transform {
  private sideGone = false;

  constructor(private readonly side: Writable) {
    super({ highWaterMark: 1 << 20 });
    side.on('error', () => (this.sideGone = true));
    side.on('close', () => (this.sideGone = true));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.sideGone || this.side.write(chunk)) return cb(null, chunk);
    const resume = (): void => {
      this.side.off('drain', resume);
      this.side.off('close', resume);
      cb(null, chunk);
    };
    this.side.once('drain', resume);
    this.side.once('close', resume);
  }

  override _flush(cb: TransformCallback): void {
    if (!this.sideGone) this.side.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (err && !this.sideGone) this.side.destroy(err);
    cb(err);
  }
}
