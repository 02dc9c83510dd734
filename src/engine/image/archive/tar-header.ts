/**
 * ustar headers (POSIX.1-1988) with the pax extensions (POSIX.1-2001) the archive readers and
 * writers need: long paths and link targets, sizes beyond 8 GiB. Only what image archives use.
 */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarHeader {
  readonly name: string;
  readonly type: TarEntryType;
  readonly size: number;
  readonly mode: number;
  readonly mtime: number;
  readonly linkname: string;
}

export const BLOCK = 512;

const TYPEFLAG: Record<TarEntryType, string> = {
  file: '0',
  directory: '5',
  symlink: '2',
  hardlink: '1',
  other: '0',
};

function octal(buf: Buffer, offset: number, length: number, value: number): boolean {
  const text = value.toString(8);
  if (text.length > length - 1) return false;
  buf.write(text.padStart(length - 1, '0'), offset, length - 1, 'ascii');
  buf[offset + length - 1] = 0;
  return true;
}

function paxRecord(key: string, value: string): string {
  // The length prefix counts itself: iterate until it is stable.
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function rawHeader(h: TarHeader, name: string, linkname: string, size: number, typeflag: string): Buffer {
  const buf = Buffer.alloc(BLOCK);
  buf.write(name, 0, 100, 'utf8');
  octal(buf, 100, 8, h.mode & 0o7777);
  octal(buf, 108, 8, 0);
  octal(buf, 116, 8, 0);
  octal(buf, 124, 12, size);
  octal(buf, 136, 12, Math.max(0, Math.floor(h.mtime)));
  buf.fill(0x20, 148, 156);
  buf.write(typeflag, 156, 1, 'ascii');
  buf.write(linkname, 157, 100, 'utf8');
  buf.write('ustar\u000000', 257, 8, 'binary');
  buf.write('root', 265, 32, 'ascii');
  buf.write('root', 297, 32, 'ascii');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += buf[i]!;
  buf.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'binary');
  return buf;
}

/** The header block(s) for an entry: a pax header first when the name, link or size needs one. */
export function encodeHeader(h: TarHeader): Buffer {
  const pax: string[] = [];
  if (Buffer.byteLength(h.name) > 100 || /[^\x20-\x7e]/.test(h.name)) pax.push(paxRecord('path', h.name));
  if (Buffer.byteLength(h.linkname) > 100 || /[^\x20-\x7e]/.test(h.linkname))
    pax.push(paxRecord('linkpath', h.linkname));
  const sizeFits = h.size < 8 ** 11;
  if (!sizeFits) pax.push(paxRecord('size', String(h.size)));
  const main = rawHeader(
    h,
    h.name.slice(0, 100),
    h.linkname.slice(0, 100),
    sizeFits ? h.size : 0,
    TYPEFLAG[h.type],
  );
  if (pax.length === 0) return main;
  const body = Buffer.from(pax.join(''), 'utf8');
  const paxHeader = rawHeader(
    { name: 'PaxHeader', type: 'file', size: body.length, mode: 0o644, mtime: h.mtime, linkname: '' },
    'PaxHeader',
    '',
    body.length,
    'x',
  );
  return Buffer.concat([paxHeader, body, Buffer.alloc(padding(body.length)), main]);
}

export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function readString(buf: Buffer, offset: number, length: number): string {
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end >= 0 && end < offset + length ? end : offset + length);
}

function readOctal(buf: Buffer, offset: number, length: number): number {
  // GNU base-256 for big numbers: high bit of the first byte set.
  if (buf[offset]! & 0x80) {
    let value = 0;
    for (let i = offset + 1; i < offset + length; i++) value = value * 256 + buf[i]!;
    return value;
  }
  const text = readString(buf, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

export interface RawHeader {
  readonly name: string;
  readonly typeflag: string;
  readonly size: number;
  readonly mode: number;
  readonly mtime: number;
  readonly linkname: string;
}

/** Parses one header block; throws on a bad checksum (not a tar, or corrupt). */
export function decodeHeader(block: Buffer): RawHeader {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  const stored = readOctal(block, 148, 8);
  if (stored !== sum) throw new Error(`tar header checksum mismatch (stored ${stored}, computed ${sum})`);
  const magic = block.toString('binary', 257, 263);
  let name = readString(block, 0, 100);
  if (magic.startsWith('ustar')) {
    const prefix = readString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    name,
    typeflag: String.fromCharCode(block[156] || 0x30),
    size: readOctal(block, 124, 12),
    mode: readOctal(block, 100, 8),
    mtime: readOctal(block, 136, 12),
    linkname: readString(block, 157, 100),
  };
}

/** Parses pax records (`len key=value\n`...). */
export function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(body.toString('ascii', pos, space), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = body.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

export function entryType(typeflag: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}
