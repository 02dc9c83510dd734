import { Readable } from 'node:stream';
import { EngineError } from '../../errors.js';
import { BLOCK, decodeHeader, entryType, padding, parsePax, type TarHeader } from './tar-header.js';

/** An archive member. Read `body` to its end (or not at all: the reader skips what is left). */
export interface TarEntry extends TarHeader {
  readonly body: Readable;
}

/** Pulls exact byte counts out of a stream of chunks. */
class ChunkReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private done = false;
  private readonly it: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        this.buffered.push(r.value);
        this.length += r.value.length;
      }
    }
    return this.length >= n;
  }

  /** Exactly n bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    const out = all.subarray(0, Math.min(n, all.length));
    const rest = all.subarray(out.length);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  /** Up to n bytes, as they arrive (for streaming a member's body). */
  async readSome(n: number): Promise<Buffer> {
    if (this.length === 0) await this.fill(1);
    if (this.length === 0) return Buffer.alloc(0);
    const first = this.buffered[0]!;
    if (first.length <= n) {
      this.buffered.shift();
      this.length -= first.length;
      return first;
    }
    this.buffered[0] = first.subarray(n);
    this.length -= n;
    return first.subarray(0, n);
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const got = await this.readSome(Math.min(left, 1 << 20));
      if (got.length === 0) throw truncated();
      left -= got.length;
    }
  }
}

function truncated(): EngineError {
  return new EngineError('ARCHIVE_INVALID', 'the archive is truncated');
}

/**
 * Reads a tar stream entry by entry (ustar, pax `x` headers, GNU long names). Entry bodies are
 * streamed from the source, never held whole; a body not read to its end is skipped before the
 * next entry.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new ChunkReader(source);
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await reader.read(BLOCK);
    if (block.length === 0) return; // no end-of-archive blocks: accepted, as GNU tar does
    if (block.length < BLOCK) throw truncated();
    if (block.every((b) => b === 0)) return;
    let raw;
    try {
      raw = decodeHeader(block);
    } catch (err) {
      throw new EngineError(
        'ARCHIVE_INVALID',
        `not a tar archive, or a corrupt one (${(err as Error).message})`,
      );
    }
    if (raw.typeflag === 'x' || raw.typeflag === 'g' || raw.typeflag === 'L' || raw.typeflag === 'K') {
      if (raw.size > 16 * 1024 * 1024)
        throw new EngineError('ARCHIVE_INVALID', 'an extended tar header is too large');
      const body = await reader.read(raw.size);
      if (body.length < raw.size) throw truncated();
      await reader.skip(padding(raw.size));
      if (raw.typeflag === 'x') pax = { ...pax, ...parsePax(body) };
      else if (raw.typeflag === 'L') longName = body.toString('utf8').replace(/\0+$/, '');
      else if (raw.typeflag === 'K') longLink = body.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    const size = pax['size'] !== undefined ? Number(pax['size']) : raw.size;
    const type = entryType(raw.typeflag);
    const hasBody = type === 'file' || type === 'other';
    const bodySize = hasBody ? size : 0;
    const name = pax['path'] ?? longName ?? raw.name;
    const linkname = pax['linkpath'] ?? longLink ?? raw.linkname;
    pax = {};
    longName = undefined;
    longLink = undefined;
    // The body reads from the shared reader; the outer loop takes over only after the body is
    // closed and its last read settled, so both never read at once.
    const state = { remaining: bodySize, closed: false, pending: Promise.resolve() as Promise<unknown> };
    const body = Readable.from(
      (async function* () {
        while (state.remaining > 0 && !state.closed) {
          const read = reader.readSome(Math.min(state.remaining, 1 << 20));
          state.pending = read;
          const chunk = await read;
          if (chunk.length === 0) throw truncated();
          state.remaining -= chunk.length;
          yield chunk;
        }
      })(),
      { objectMode: false, highWaterMark: 1 << 20 },
    );
    yield { name, type, size: bodySize, mode: raw.mode, mtime: raw.mtime, linkname, body };
    state.closed = true;
    if (!body.readableEnded) body.destroy();
    await state.pending.catch(() => undefined);
    const remaining = state.remaining;
    await reader.skip(remaining);
    await reader.skip(padding(bodySize));
  }
}
