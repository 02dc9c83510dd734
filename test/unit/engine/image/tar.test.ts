import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeHeader, parsePax } from '../../../../src/engine/image/archive/tar-header.js';
import { readTar } from '../../../../src/engine/image/archive/tar-reader.js';
import { TarWriter } from '../../../../src/engine/image/archive/tar-writer.js';

async function collect(stream: PassThrough): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((r) => stream.on('end', r));
  return Buffer.concat(chunks);
}

async function entries(
  data: Buffer,
  chunkSize = 1000,
): Promise<{ name: string; type: string; body: string; linkname: string }[]> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) pieces.push(data.subarray(i, i + chunkSize));
  const out = [];
  for await (const e of readTar(Readable.from(pieces))) {
    let body = '';
    for await (const c of e.body) body += (c as Buffer).toString();
    out.push({ name: e.name, type: e.type, body, linkname: e.linkname });
  }
  return out;
}

describe('tar writer and reader', () => {
  it('round-trips files, directories, long names and streamed bodies, in any chunking', async () => {
    const out = new PassThrough();
    const done = collect(out);
    const w = new TarWriter(out);
    const longName = `blobs/${'x'.repeat(150)}/file`;
    await w.directory('blobs');
    await w.file('a.txt', Buffer.from('hello'));
    await w.file(longName, Readable.from([Buffer.from('stream'), Buffer.from('ed')]), 8);
    await w.file('empty', Buffer.alloc(0));
    await w.file('ünïcode', Buffer.from('u'));
    await w.finish();
    out.end();
    const data = await done;
    expect(data.length % 512).toBe(0);
    for (const chunk of [1, 7, 512, 100000]) {
      expect(await entries(data, chunk)).toEqual([
        { name: 'blobs/', type: 'directory', body: '', linkname: '' },
        { name: 'a.txt', type: 'file', body: 'hello', linkname: '' },
        { name: longName, type: 'file', body: 'streamed', linkname: '' },
        { name: 'empty', type: 'file', body: '', linkname: '' },
        { name: 'ünïcode', type: 'file', body: 'u', linkname: '' },
      ]);
    }
  });

  it('skips bodies the reader does not consume', async () => {
    const out = new PassThrough();
    const done = collect(out);
    const w = new TarWriter(out);
    await w.file('big', Buffer.alloc(5000, 1));
    await w.file('next', Buffer.from('n'));
    await w.finish();
    out.end();
    const names = [];
    for await (const e of readTar(Readable.from([await done]))) names.push(e.name);
    expect(names).toEqual(['big', 'next']);
  });

  it('refuses a streamed body of the wrong length', async () => {
    const w = new TarWriter(new PassThrough());
    await expect(w.file('x', Readable.from([Buffer.from('abc')]), 5)).rejects.toThrow(/3 bytes, 5 declared/);
  });

  it('reads GNU long names (L) and symlinks', async () => {
    const gnu = (name: string, flag: string, size: number, link = ''): Buffer => {
      const h = encodeHeader({ name, type: 'file', size, mode: 0o644, mtime: 0, linkname: link });
      h.write(flag, 156, 1, 'ascii');
      let sum = 0;
      h.fill(0x20, 148, 156);
      for (const b of h) sum += b;
      h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'binary');
      return h;
    };
    const long = 'd/'.repeat(80) + 'f';
    const body = Buffer.alloc(512);
    body.write(long);
    const data = Buffer.concat([
      gnu('././@LongLink', 'L', long.length),
      body,
      gnu('short', '0', 0),
      gnu('link', '2', 0, 'target'),
      Buffer.alloc(1024),
    ]);
    expect(await entries(data)).toEqual([
      { name: long, type: 'file', body: '', linkname: '' },
      { name: 'link', type: 'symlink', body: '', linkname: 'target' },
    ]);
  });

  it('refuses garbage and truncation with ARCHIVE_INVALID', async () => {
    await expect(entries(Buffer.alloc(512, 7))).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' });
    const h = encodeHeader({ name: 'f', type: 'file', size: 100, mode: 0o644, mtime: 0, linkname: '' });
    await expect(entries(Buffer.concat([h, Buffer.alloc(10)]))).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
    });
  });

  it('parses pax records', () => {
    expect(parsePax(Buffer.from('16 path=abc/def\n12 size=123\n'))).toEqual({ path: 'abc/def', size: '123' });
  });
});
