import { Writable } from 'node:stream';

/**
 * Feeds a child's stdin, and keeps accepting (and dropping) bytes once the child stopped reading.
 * A tar reader may exit after the end-of-archive blocks and leave the record padding unread, but
 * the diffID covers every byte of the layer stream: the hashing side must see all of it, so a
 * closed pipe is not an error here (the child's exit status is judged separately).
 */
export class ChildSink extends Writable {
  private childGone = false;

  constructor(private readonly stdin: Writable) {
    super({ highWaterMark: 1 << 20 });
    stdin.on('error', () => (this.childGone = true));
    stdin.on('close', () => (this.childGone = true));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.childGone) return cb();
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.stdin.off('drain', finish);
      this.stdin.off('close', finish);
      cb();
    };
    if (this.stdin.write(chunk)) return finish();
    this.stdin.once('drain', finish);
    this.stdin.once('close', finish);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.childGone) return cb();
    this.stdin.end(() => cb());
    this.stdin.once('close', () => cb());
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    // On failure the child must see EOF now (and fail on the truncated tar) instead of waiting.
    if (err) this.stdin.destroy();
    cb(err);
  }
}
