import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TarWriter } from './tar-writer.js';

/** Where `save` puts an archive's files: into a tar stream, or into a directory (an OCI layout dir). */
export interface LayoutSink {
  directory(path: string): Promise<void>;
  file(path: string, body: Buffer | Readable, size?: number): Promise<void>;
  finish(): Promise<void>;
}

export class TarSink implements LayoutSink {
  private readonly tar: TarWriter;
  constructor(out: Writable) {
    this.tar = new TarWriter(out);
  }
  directory(path: string): Promise<void> {
    return this.tar.directory(path);
  }
  file(path: string, body: Buffer | Readable, size?: number): Promise<void> {
    return this.tar.file(path, body, size);
  }
  finish(): Promise<void> {
    return this.tar.finish();
  }
}

export class DirSink implements LayoutSink {
  constructor(private readonly root: string) {}
  async directory(path: string): Promise<void> {
    await mkdir(join(this.root, path), { recursive: true });
  }
  async file(path: string, body: Buffer | Readable): Promise<void> {
    const full = join(this.root, path);
    await mkdir(dirname(full), { recursive: true });
    if (Buffer.isBuffer(body)) await writeFile(full, body);
    else await pipeline(body, createWriteStream(full));
  }
  async finish(): Promise<void> {}
}
