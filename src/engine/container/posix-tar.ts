/**
 * POSIX tar headers (ustar + pax extended headers) with the metadata a root filesystem needs:
 * owners, modes, device numbers, links, long names, large ids and sizes. Used to write layers
 * (`commit`), exports, and copies in and out of containers.
 */
export type TarType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarEntry {
  /** Relative name, `/`-separated; directories end with `/`. */
  readonly name: string;
  readonly type: TarType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Data bytes following the header (regular files only). */
  readonly size: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly linkname?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
}

export const BLOCK = 512;

const TYPEFLAG: Record<TarType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

function writeOctal(buf: Buffer, offset: number, length: number, value: number): boolean {
  const text = Math.max(0, Math.floor(value)).toString(8);
  if (text.length > length - 1) return false;
  buf.write(text.padStart(length - 1, '0'), offset, length - 1, 'ascii');
  buf[offset + length - 1] = 0;
  return true;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** Splits a long name into ustar's prefix (155) + name (100) when possible. */
function splitName(name: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '')
      return { prefix, name: rest };
  }
  return undefined;
}

function block(
  e: { name: string; prefix: string; mode: number; uid: number; gid: number; size: number; mtime: number },
  typeflag: string,
  linkname: string,
  devmajor: number,
  devminor: number,
): Buffer {
  const buf = Buffer.alloc(BLOCK);
  buf.write(e.name, 0, 100, 'utf8');
  writeOctal(buf, 100, 8, e.mode & 0o7777);
  writeOctal(buf, 108, 8, e.uid);
  writeOctal(buf, 116, 8, e.gid);
  writeOctal(buf, 124, 12, e.size);
  writeOctal(buf, 136, 12, e.mtime);
  buf.fill(0x20, 148, 156);
  buf.write(typeflag, 156, 1, 'ascii');
  buf.write(linkname, 157, 100, 'utf8');
  buf.write('ustar\u000000', 257, 8, 'binary');
  writeOctal(buf, 329, 8, devmajor);
  writeOctal(buf, 337, 8, devminor);
  buf.write(e.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += buf[i]!;
  buf.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'binary');
  return buf;
}

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
const MAX_OCTAL_8 = 0o7777777;
const MAX_OCTAL_12 = 0o77777777777;

/** The header block(s) of an entry: a pax `x` header first when a field does not fit ustar. */
export function encodeTarHeader(e: TarEntry): Buffer {
  const pax: string[] = [];
  let split = ASCII_PRINTABLE.test(e.name) ? splitName(e.name) : undefined;
  if (!split) {
    pax.push(paxRecord('path', e.name));
    split = { prefix: '', name: e.name.slice(0, 99) };
  }
  const linkname = e.linkname ?? '';
  if (Buffer.byteLength(linkname) > 100 || !ASCII_PRINTABLE.test(linkname))
    pax.push(paxRecord('linkpath', linkname));
  if (e.uid > MAX_OCTAL_8) pax.push(paxRecord('uid', String(e.uid)));
  if (e.gid > MAX_OCTAL_8) pax.push(paxRecord('gid', String(e.gid)));
  if (e.size > MAX_OCTAL_12) pax.push(paxRecord('size', String(e.size)));
  const main = block(
    {
      name: split.name,
      prefix: split.prefix,
      mode: e.mode,
      uid: e.uid > MAX_OCTAL_8 ? 0 : e.uid,
      gid: e.gid > MAX_OCTAL_8 ? 0 : e.gid,
      size: e.size > MAX_OCTAL_12 ? 0 : e.size,
      mtime: e.mtime,
    },
    TYPEFLAG[e.type],
    linkname.slice(0, 100),
    e.devmajor ?? 0,
    e.devminor ?? 0,
  );
  if (pax.length === 0) return main;
  const body = Buffer.from(pax.join(''), 'utf8');
  const paxHeader = block(
    { name: 'PaxHeader', prefix: '', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: e.mtime },
    'x',
    '',
    0,
    0,
  );
  return Buffer.concat([paxHeader, body, Buffer.alloc(padding(body.length)), main]);
}

export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Two zero blocks: the end-of-archive marker. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);
