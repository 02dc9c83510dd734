import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { BLOCK, encodeHeader, padding, type TarHeader } from './tar-header.js';

/**
 * Writes a tar stream to `out`, entry by entry, honouring backpressure. Bodies come from a buffer
 * or a stream whose length is known up front (tar headers carry the size).
 */
export class TarWriter {
  private readonly mtime = Math.floor(Date.now() / 1000);

  constructor(private readonly out: Writable) {}

  private async put(data: Buffer): Promise<void> {
    if (data.length === 0) return;
    if (!this.out.write(data)) await once(this.out, 'drain');
  }

  async directory(name: string): Promise<void> {
    const n = name.endsWith('/') ? name : `${name}/`;
    await this.put(
      encodeHeader({ name: n, type: 'directory', size: 0, mode: 0o755, mtime: this.mtime, linkname: '' }),
    );
  }

  async file(name: string, body: Buffer | Readable, size?: number, mode = 0o644): Promise<void> {
    const length = Buffer.isBuffer(body) ? body.length : size;
    if (length === undefined) throw new Error(`tar entry ${name}: the size of a streamed body must be known`);
    const header: TarHeader = { name, type: 'file', size: length, mode, mtime: this.mtime, linkname: '' };
    await this.put(encodeHeader(header));
    if (Buffer.isBuffer(body)) await this.put(body);
    else {
      let written = 0;
      for await (const chunk of body) {
        const c = chunk as Buffer;
        written += c.length;
        if (written > length)
          throw new Error(`tar entry ${name}: body longer than its declared ${length} bytes`);
        await this.put(c);
      }
      if (written !== length)
        throw new Error(`tar entry ${name}: body of ${written} bytes, ${length} declared`);
    }
    await this.put(Buffer.alloc(padding(length)));
  }

  /** Writes the end-of-archive marker (two zero blocks). The caller ends `out`. */
  async finish(): Promise<void> {
    await this.put(Buffer.alloc(2 * BLOCK));
  }
}
