import { createHash, randomBytes, type Hash } from 'node:crypto';
import { close, createReadStream, fsync, open, write } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../errors.js';
import { fsyncDir } from '../store/atomic-write.js';
import { digestHex, sha256Digest } from './digest.js';

import type { BlobInfo, ContentStore } from '../types.js';

export type { BlobInfo };

/** What a writer must receive; either may be unknown (an archive member's digest is computed). */
export interface ExpectedBlob {
  readonly digest?: string;
  readonly size?: number;
}

/**
 * A blob being written: a Writable that hashes and counts what passes, refuses bytes beyond the
 * expected size, and becomes visible only at `commit()` — after its size and digest were checked
 * and the data fsynced (containerd `content/local/writer.go` Commit does the same).
 */
export class BlobWriter extends Writable {
  private readonly hash: Hash = createHash('sha256');
  private fd = -1;
  private opened: Promise<void>;
  written = 0;
  private settled = false;
  private committed: BlobInfo | undefined;

  constructor(
    private readonly store: LocalContentStore,
    private readonly tmpPath: string,
    readonly expected: ExpectedBlob,
    private readonly what: string,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.opened = new Promise((resolve, reject) =>
      open(tmpPath, 'wx', 0o600, (err, fd) => {
        if (err) return reject(err);
        this.fd = fd;
        resolve();
      }),
    );
    // An open failure surfaces through the first write or commit.
    this.opened.catch(() => undefined);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const limit = this.expected.size;
    if (limit !== undefined && this.written + chunk.length > limit) {
      cb(
        new EngineError(
          'BLOB_SIZE_MISMATCH',
          `${this.what}: more than the expected ${limit} bytes`,
          'the source sent more data than its descriptor declares; it is corrupt or malicious',
        ),
      );
      return;
    }
    this.written += chunk.length;
    this.hash.update(chunk);
    this.opened.then(
      () => writeAll(this.fd, chunk, cb),
      (err: Error) => cb(err),
    );
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.opened.then(
      () => cb(),
      (err: Error) => cb(err),
    );
  }

  /** Checks size and digest, fsyncs and renames into the store. */
  async commit(): Promise<BlobInfo> {
    if (this.committed) return this.committed;
    if (!this.writableFinished) {
      await new Promise<void>((resolve, reject) => {
        this.once('error', reject);
        this.end(() => resolve());
      });
    }
    try {
      await this.opened;
      const digest = `sha256:${this.hash.digest('hex')}`;
      const { size, digest: want } = this.expected;
      if (size !== undefined && this.written !== size) {
        throw new EngineError(
          'BLOB_SIZE_MISMATCH',
          `${this.what}: received ${this.written} bytes, expected ${size}`,
          'the transfer was cut short or the source is corrupt; retry',
        );
      }
      if (want !== undefined && digest !== want) {
        throw new EngineError(
          'BLOB_DIGEST_MISMATCH',
          `${this.what}: content digest ${digest} does not match the expected ${want}`,
          'the source served corrupt data; nothing was stored',
        );
      }
      await new Promise<void>((resolve, reject) => fsync(this.fd, (err) => (err ? reject(err) : resolve())));
      await this.closeFd();
      await this.store.adopt(this.tmpPath, digest);
      this.settled = true;
      this.committed = { digest, size: this.written };
      return this.committed;
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  /** Drops the partial blob. Safe to call more than once and after commit. */
  async abort(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    if (!this.destroyed) this.destroy();
    await this.opened.catch(() => undefined);
    await this.closeFd();
    await rm(this.tmpPath, { force: true });
  }

  private closeFd(): Promise<void> {
    const fd = this.fd;
    this.fd = -1;
    if (fd < 0) return Promise.resolve();
    return new Promise((resolve) => close(fd, () => resolve()));
  }
}

function writeAll(fd: number, chunk: Buffer, cb: (err?: Error | null) => void, offset = 0): void {
  write(fd, chunk, offset, chunk.length - offset, null, (err, n) => {
    if (err) return cb(err);
    if (offset + n < chunk.length) return writeAll(fd, chunk, cb, offset + n);
    cb();
  });
}

/**
 * Content-addressed blobs under `content/blobs/sha256/<hex>` (manifests, configs, layers), each
 * verified before it appears; in-flight writes under `content/ingest/`. Blobs are immutable and
 * read-only; writing one that exists is harmless (same digest, same bytes).
 */
export class LocalContentStore implements ContentStore {
  private readonly shaDir: string;

  constructor(
    private readonly blobsDir: string,
    private readonly ingestDir: string,
  ) {
    this.shaDir = join(blobsDir, 'sha256');
  }

  async init(): Promise<void> {
    await mkdir(this.shaDir, { recursive: true, mode: 0o700 });
    await mkdir(this.ingestDir, { recursive: true, mode: 0o700 });
  }

  /** The file holding a blob (it may not exist). */
  path(digest: string): string {
    return join(this.shaDir, digestHex(digest));
  }

  async info(digest: string): Promise<BlobInfo | undefined> {
    try {
      const s = await stat(this.path(digest));
      return { digest, size: s.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.info(digest)) !== undefined;
  }

  /** Streams a blob (from `start` to `end` inclusive); `BLOB_NOT_FOUND` when it is missing. */
  async openRead(digest: string, start = 0, end?: number): Promise<Readable> {
    const info = await this.info(digest);
    if (!info) throw blobNotFound(digest);
    return createReadStream(this.path(digest), {
      start,
      ...(end !== undefined ? { end } : {}),
      highWaterMark: 1 << 20,
    });
  }

  /** Reads a small blob (manifest, config) whole, refusing one above `maxBytes`. */
  async readBytes(digest: string, maxBytes: number): Promise<Buffer> {
    const info = await this.info(digest);
    if (!info) throw blobNotFound(digest);
    if (info.size > maxBytes) {
      throw new EngineError(
        'BLOB_TOO_LARGE',
        `blob ${digest}: ${info.size} bytes, more than the limit of ${maxBytes}`,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openRead(digest)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Starts a verified write. `what` names the blob in errors (`layer sha256:… of redis:7`). */
  writer(expected: ExpectedBlob, what = `blob ${expected.digest ?? ''}`.trim()): BlobWriter {
    if (expected.digest !== undefined) digestHex(expected.digest);
    const tmp = join(this.ingestDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    return new BlobWriter(this, tmp, expected, what);
  }

  /** Stores a stream as a blob (verified against `expected`). */
  async ingest(
    source: Readable,
    expected: ExpectedBlob,
    what?: string,
    signal?: AbortSignal,
  ): Promise<BlobInfo> {
    const w = this.writer(expected, what);
    try {
      await pipeline(source, w, { signal });
      return await w.commit();
    } catch (err) {
      await w.abort();
      throw err;
    }
  }

  /** Stores small bytes (a manifest or config we made or received). */
  async putBytes(bytes: Uint8Array, expectedDigest?: string, what?: string): Promise<BlobInfo> {
    const digest = sha256Digest(bytes);
    if (expectedDigest !== undefined && digest !== expectedDigest) {
      throw new EngineError(
        'BLOB_DIGEST_MISMATCH',
        `${what ?? 'blob'}: content digest ${digest} does not match the expected ${expectedDigest}`,
      );
    }
    const existing = await this.info(digest);
    if (existing && existing.size === bytes.length) return existing;
    const w = this.writer({ digest, size: bytes.length }, what);
    w.end(Buffer.from(bytes));
    return w.commit();
  }

  /** Moves a verified temp file into place (called by BlobWriter.commit). */
  async adopt(tmpPath: string, digest: string): Promise<void> {
    const target = this.path(digest);
    await chmod(tmpPath, 0o400);
    await rename(tmpPath, target);
    await fsyncDir(this.shaDir);
  }

  async delete(digest: string): Promise<boolean> {
    try {
      await rm(this.path(digest));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Every stored blob. */
  async list(): Promise<BlobInfo[]> {
    const names = await readdir(this.shaDir).catch(() => [] as string[]);
    const out: BlobInfo[] = [];
    for (const name of names) {
      if (!/^[a-f0-9]{64}$/.test(name)) continue;
      const s = await stat(join(this.shaDir, name)).catch(() => undefined);
      if (s) out.push({ digest: `sha256:${name}`, size: s.size });
    }
    return out;
  }

  /** Removes abandoned ingest files (a crash mid-download), older than `olderThanMs`. */
  async cleanIngest(olderThanMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.ingestDir).catch(() => [] as string[])) {
      const full = join(this.ingestDir, name);
      const s = await stat(full).catch(() => undefined);
      if (s && now - s.mtimeMs > olderThanMs) {
        await rm(full, { force: true, recursive: true });
        removed += 1;
      }
    }
    return removed;
  }
}

export function blobNotFound(digest: string): EngineError {
  return new EngineError('BLOB_NOT_FOUND', `blob ${digest} is not in the content store`);
}
