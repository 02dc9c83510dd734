// `tscompose-native unpack`: a corpus of crafted archives (escapes, whiteouts, formats, corrupt
// streams), each with its expected result, run with openat2 and with the component-walk fallback.
// Every case runs in its own directory beside sentinels; after each run the whole case directory
// outside the target must be exactly as before: nothing is ever written outside the target.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { BLOCK, paxRecords, tar } from '../../fixtures/tar/tar-builder.js';
import { inspect, makeCaseDir, runUnpack, snapshotTree, xattrs } from './unpack-sandbox.js';

interface Ctx {
  /** Absolute path of the sentinel directory beside the target. */
  outside: string;
  target: string;
}

interface Case {
  name: string;
  archive: (c: Ctx) => Buffer;
  setup?: (c: Ctx) => void;
  /** Entries reported on success, or the error expected on stderr. */
  expect: { entries: number; size?: number } | { error: RegExp };
  check?: (c: Ctx) => void;
}

const at = (c: Ctx, p: string) => inspect(join(c.target, p));
const text = (c: Ctx, p: string) => readFileSync(join(c.target, p), 'utf8');
const long = (n: number, ch = 'n') =>
  Array.from({ length: n }, (_, i) => `${ch}${i}`.padEnd(40, ch)).join('/');
// A valid VFS_CAP_REVISION_2 blob granting cap_net_bind_service (bit 10) as permitted + effective.
const CAP_NET_BIND = Buffer.from([1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const BIG = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 123 }, (_, i) => (i * 7919) % 251));

const cases: Case[] = [
  // --- ordinary content ---------------------------------------------------------------------
  {
    name: 'files and directories keep modes, owners and mtimes (directory mtimes set last)',
    archive: () =>
      tar()
        .dir('etc', { mode: 0o751, mtime: 1000 })
        .file('etc/hostname', 'box\n', { mode: 0o640, uid: 1000, gid: 2000, mtime: 2000 })
        .file('bin/sh', '#!', { mode: 0o755 })
        .end()
        .build(),
    expect: { entries: 3 },
    check: (c) => {
      expect(at(c, 'etc')).toMatchObject({ type: 'dir', mode: 0o751, mtimeNs: 1000n * 10n ** 9n });
      expect(at(c, 'etc/hostname')).toMatchObject({
        type: 'file',
        mode: 0o640,
        uid: 1000,
        gid: 2000,
        size: 4,
      });
      expect(at(c, 'etc/hostname')?.mtimeNs).toBe(2000n * 10n ** 9n);
      expect(at(c, 'bin')).toMatchObject({ type: 'dir', mode: 0o755, uid: 0 }); // implicit parent
      expect(text(c, 'bin/sh')).toBe('#!');
    },
  },
  {
    name: 'names are cleaned: ./ prefix, doubled slashes, harmless ..',
    archive: () => tar().file('./a//b/./c', '1').file('x/../y', '2').end().build(),
    expect: { entries: 2 },
    check: (c) => {
      expect(text(c, 'a/b/c')).toBe('1');
      expect(text(c, 'y')).toBe('2');
      expect(at(c, 'x')).toBeUndefined();
    },
  },
  {
    name: 'the root entry ./ does not change the target itself',
    archive: () => tar().dir('./', { mode: 0o700, uid: 42 }).end().build(),
    expect: { entries: 1 },
    check: (c) => expect(inspect(c.target)).toMatchObject({ mode: 0o755, uid: 0 }),
  },
  {
    name: 'setuid and file capabilities survive the chown',
    archive: () =>
      tar()
        .file('su', 'x', { mode: 0o4755, uid: 1000 })
        .pax([['SCHILY.xattr.security.capability', CAP_NET_BIND]])
        .file('ping', 'y', { mode: 0o755, uid: 1000 })
        .end()
        .build(),
    expect: { entries: 2 },
    check: (c) => {
      expect(at(c, 'su')).toMatchObject({ mode: 0o4755, uid: 1000 });
      expect(xattrs(join(c.target, 'ping'))['security.capability']).toEqual(CAP_NET_BIND);
    },
  },
  {
    name: 'device nodes and fifos',
    archive: () =>
      tar()
        .device('dev/null', 'char', 1, 3, { mode: 0o666 })
        .device('dev/loop9', 'block', 7, 9)
        .fifo('run/pipe', { mode: 0o620, gid: 5 })
        .end()
        .build(),
    expect: { entries: 3 },
    check: (c) => {
      expect(at(c, 'dev/null')).toMatchObject({ type: 'char', mode: 0o666, rdev: { major: 1, minor: 3 } });
      expect(at(c, 'dev/loop9')).toMatchObject({ type: 'block', mode: 0o600, rdev: { major: 7, minor: 9 } });
      expect(at(c, 'run/pipe')).toMatchObject({ type: 'fifo', mode: 0o620, gid: 5 });
    },
  },
  {
    name: 'xattrs from pax SCHILY.xattr records (text and binary values)',
    archive: () =>
      tar()
        .pax([
          ['SCHILY.xattr.user.comment', 'hello'],
          ['SCHILY.xattr.trusted.bin', Buffer.from([0, 1, 2, 255])],
        ])
        .file('f', 'data')
        .pax([['SCHILY.xattr.user.dir', 'd']])
        .dir('d')
        .end()
        .build(),
    expect: { entries: 2 },
    check: (c) => {
      const x = xattrs(join(c.target, 'f'));
      expect(x['user.comment']?.toString()).toBe('hello');
      expect(x['trusted.bin']).toEqual(Buffer.from([0, 1, 2, 255]));
      expect(xattrs(join(c.target, 'd'))['user.dir']?.toString()).toBe('d');
    },
  },
  {
    name: 'hardlinks inside the target share the inode; a link to a symlink links the symlink',
    archive: (c) =>
      tar()
        .file('a', 'x')
        .hardlink('b', 'a')
        .symlink('s', `${c.outside}/secret`)
        .hardlink('h', './s')
        .end()
        .build(),
    expect: { entries: 4 },
    check: (c) => {
      expect(at(c, 'b')).toMatchObject({ type: 'file', ino: at(c, 'a')?.ino, nlink: 2 });
      expect(at(c, 'h')).toMatchObject({
        type: 'symlink',
        ino: at(c, 's')?.ino,
        link: `${c.outside}/secret`,
      });
    },
  },
  // --- escapes by name ------------------------------------------------------------------------
  {
    name: 'refuses .. leading out of the target',
    archive: () => tar().file('../outside/secret', 'pwned').end().build(),
    expect: { error: /unsafe entry `..\/outside\/secret`: `..` leads outside the target/ },
  },
  {
    name: 'refuses .. that climbs out in the middle of a name',
    archive: () => tar().file('a/b/../../../outside/pwned', 'pwned').end().build(),
    expect: { error: /`..` leads outside the target/ },
  },
  {
    name: 'refuses absolute names',
    archive: (c) => tar().file(`${c.outside}/pwned`, 'pwned').end().build(),
    expect: { error: /absolute path/ },
  },
  {
    name: 'refuses an absolute name after good entries (reports failure, not success)',
    archive: (c) => tar().file('ok', '1').file(`${c.outside}/pwned`, 'pwned').end().build(),
    expect: { error: /entry `\/.*\/outside\/pwned` at offset 1024: unsafe entry.*absolute path/ },
    check: (c) => expect(text(c, 'ok')).toBe('1'),
  },
  // --- escapes through symlinks ---------------------------------------------------------------
  {
    name: 'symlink then write through it (relative target) stays inside',
    archive: () => tar().symlink('evil', '../outside').file('evil/secret', 'pwned').end().build(),
    expect: { entries: 2 },
    check: (c) => {
      expect(at(c, 'evil')).toMatchObject({ type: 'symlink', link: '../outside' });
      expect(text(c, 'outside/secret')).toBe('pwned');
    },
  },
  {
    name: 'symlink then write through it (absolute target) stays inside',
    archive: (c) => tar().symlink('evil', c.outside).file('evil/dir/inner', 'pwned').end().build(),
    expect: { entries: 2 },
    check: (c) => expect(text(c, `${c.outside}/dir/inner`)).toBe('pwned'),
  },
  {
    name: 'a file replaces a symlink of the same name instead of writing through it',
    archive: (c) => tar().symlink('f', `${c.outside}/secret`).file('f', 'new').end().build(),
    expect: { entries: 2 },
    check: (c) => expect(at(c, 'f')).toMatchObject({ type: 'file', size: 3 }),
  },
  {
    name: 'symlinked parent directories resolve inside (chains and dangling links create inside)',
    archive: () =>
      tar().dir('real').symlink('a', 'real').symlink('a2', 'a/sub').file('a2/x', 'deep').end().build(),
    expect: { entries: 4 },
    check: (c) => expect(text(c, 'real/sub/x')).toBe('deep'),
  },
  {
    name: 'a symlink climbing above the root is clamped at the root',
    // Were it followed on the host, this would land in the sentinel directory (and be seen there).
    archive: (c) =>
      tar()
        .symlink('deep/up', `${'../'.repeat(16)}${c.outside.slice(1)}`)
        .file('deep/up/climbed', 't')
        .end()
        .build(),
    expect: { entries: 2 },
    check: (c) => expect(text(c, `${c.outside}/climbed`)).toBe('t'),
  },
  {
    name: 'a symlink loop is refused',
    archive: () => tar().symlink('a', 'b').symlink('b', 'a').file('a/x', 'x').end().build(),
    expect: { error: /Too many levels of symbolic links/ },
  },
  {
    name: 'a directory replaced by a symlink: later children resolve inside',
    archive: (c) => tar().dir('d').file('d/f', '1').symlink('d', c.outside).file('d/g', '2').end().build(),
    expect: { entries: 4 },
    check: (c) => {
      expect(at(c, 'd')).toMatchObject({ type: 'symlink' });
      expect(text(c, `${c.outside}/g`)).toBe('2');
    },
  },
  {
    name: 'a symlink already in the target that leads outside is followed inside',
    setup: (c) => symlinkSync(c.outside, join(c.target, 'etc')),
    archive: () => tar().file('etc/secret', 'pwned').end().build(),
    expect: { entries: 1 },
    check: (c) => expect(text(c, `${c.outside}/secret`)).toBe('pwned'),
  },
  // --- hardlink escapes ------------------------------------------------------------------------
  {
    name: 'refuses a hardlink to .. outside',
    archive: () => tar().hardlink('h', '../outside/secret').end().build(),
    expect: { error: /hardlink source: unsafe entry `..\/outside\/secret`/ },
  },
  {
    name: 'refuses a hardlink to an absolute path',
    archive: (c) => tar().hardlink('h', `${c.outside}/secret`).end().build(),
    expect: { error: /hardlink source: unsafe entry .*absolute path/ },
  },
  {
    name: 'a hardlink through a symlinked directory cannot reach outside',
    archive: (c) => tar().symlink('o', c.outside).hardlink('h', 'o/secret').end().build(),
    expect: { error: /hardlink source `o\/secret`: .*No such file or directory/ },
    check: (c) => expect(at(c, 'h')).toBeUndefined(),
  },
  {
    name: 'refuses a hardlink to a missing file',
    archive: () => tar().hardlink('h', 'nope').end().build(),
    expect: { error: /hardlink to `nope`: No such file or directory/ },
  },
  // --- whiteouts --------------------------------------------------------------------------------
  {
    name: 'whiteouts become character devices 0:0',
    archive: () => tar().file('.wh.gone', '', { uid: 3 }).dir('dir').file('dir/.wh.sub', '').end().build(),
    expect: { entries: 3 },
    check: (c) => {
      expect(at(c, 'gone')).toMatchObject({ type: 'char', rdev: { major: 0, minor: 0 }, uid: 3 });
      expect(at(c, 'dir/sub')).toMatchObject({ type: 'char', rdev: { major: 0, minor: 0 } });
      expect(at(c, '.wh.gone')).toBeUndefined();
    },
  },
  {
    name: 'opaque markers set trusted.overlay.opaque=y, before or after the directory entry',
    archive: () =>
      tar()
        .dir('d')
        .file('d/.wh..wh..opq', '')
        .file('d/keep', 'k')
        .file('e/.wh..wh..opq', '')
        .dir('e', { mode: 0o700 })
        .end()
        .build(),
    expect: { entries: 5 },
    check: (c) => {
      expect(xattrs(join(c.target, 'd'))['trusted.overlay.opaque']?.toString()).toBe('y');
      expect(text(c, 'd/keep')).toBe('k');
      expect(at(c, 'e')).toMatchObject({ type: 'dir', mode: 0o700 });
      expect(xattrs(join(c.target, 'e'))['trusted.overlay.opaque']?.toString()).toBe('y');
      expect(at(c, 'd/.wh..wh..opq')).toBeUndefined();
    },
  },
  {
    name: 'a whiteout never hides an entry of the same layer, in either order',
    archive: () =>
      tar().file('.wh.x', '').file('x', 'kept').file('y', 'kept').file('.wh.y', '').end().build(),
    expect: { entries: 4 },
    check: (c) => {
      expect(text(c, 'x')).toBe('kept');
      expect(text(c, 'y')).toBe('kept');
    },
  },
  {
    name: 'a whiteout plus a directory of the same name makes that directory opaque',
    archive: () => tar().file('.wh.d', '').dir('d').dir('e').file('.wh.e', '').end().build(),
    expect: { entries: 4 },
    check: (c) => {
      expect(at(c, 'd')).toMatchObject({ type: 'dir' });
      expect(xattrs(join(c.target, 'd'))['trusted.overlay.opaque']?.toString()).toBe('y');
      expect(xattrs(join(c.target, 'e'))['trusted.overlay.opaque']?.toString()).toBe('y');
    },
  },
  {
    name: 'a whiteout under a symlinked parent stays inside',
    archive: (c) => tar().symlink('p', c.outside).file('p/.wh.secret', '').end().build(),
    expect: { entries: 2 },
    check: (c) => expect(at(c, `${c.outside}/secret`)).toMatchObject({ type: 'char' }),
  },
  {
    name: 'refuses a bare .wh. whiteout; ignores aufs .wh..wh. metadata',
    archive: () => tar().file('.wh..wh..plnk', '').file('.wh.', '').end().build(),
    expect: { error: /invalid whiteout `.wh.`/ },
    check: (c) => expect(at(c, '.wh..wh..plnk')).toBeUndefined(),
  },
  // --- replacing what is there ------------------------------------------------------------------
  {
    name: 'a directory replaces a file; a file replaces a whole directory tree',
    archive: () =>
      tar()
        .file('x', 'file')
        .dir('x')
        .file('x/in', 'in')
        .dir('y')
        .file('y/deep/z', 'z')
        .file('y', 'now a file')
        .end()
        .build(),
    expect: { entries: 6 },
    check: (c) => {
      expect(text(c, 'x/in')).toBe('in');
      expect(text(c, 'y')).toBe('now a file');
    },
  },
  {
    name: 'a directory over an existing directory merges: new metadata, old contents kept',
    setup: (c) => {
      mkdirSync(join(c.target, 'd'));
      writeFileSync(join(c.target, 'd', 'keep'), 'old');
    },
    archive: () => tar().dir('d', { mode: 0o700, uid: 7 }).file('d/new', 'n').end().build(),
    expect: { entries: 2 },
    check: (c) => {
      expect(at(c, 'd')).toMatchObject({ mode: 0o700, uid: 7 });
      expect(text(c, 'd/keep')).toBe('old');
      expect(text(c, 'd/new')).toBe('n');
    },
  },
  // --- long names and large sizes ---------------------------------------------------------------
  {
    name: 'pax long path and long linkpath',
    archive: () =>
      tar()
        .pax([['path', `${long(8)}/file`]])
        .file('short-name-ignored', 'deep')
        .pax([['linkpath', long(6, 't')]])
        .symlink('link', 'ignored')
        .end()
        .build(),
    expect: { entries: 2 },
    check: (c) => {
      expect(text(c, `${long(8)}/file`)).toBe('deep');
      expect(at(c, 'link')?.link).toBe(long(6, 't'));
    },
  },
  {
    name: 'GNU long name (L) and long link (K) headers',
    archive: () =>
      tar()
        .gnuLong('L', `${long(5, 'g')}/gnu-file`)
        .file('ignored', 'gnu')
        .gnuLong('K', long(4, 'k'))
        .gnuLong('L', `${long(3, 'l')}/gnu-link`)
        .symlink('ignored2', 'ignored')
        .end()
        .build(),
    expect: { entries: 2 },
    check: (c) => {
      expect(text(c, `${long(5, 'g')}/gnu-file`)).toBe('gnu');
      expect(at(c, `${long(3, 'l')}/gnu-link`)?.link).toBe(long(4, 'k'));
    },
  },
  {
    name: 'ustar prefix field',
    archive: () =>
      tar()
        .entry({ name: 'file-in-prefix', prefix: 'p'.repeat(120) }, Buffer.from('pre'))
        .end()
        .build(),
    expect: { entries: 1 },
    check: (c) => expect(text(c, `${'p'.repeat(120)}/file-in-prefix`)).toBe('pre'),
  },
  {
    name: 'large files: pax size record and GNU base-256 size field',
    archive: () =>
      tar()
        .pax([['size', String(BIG.length)]])
        .entry({ name: 'big', size: 1 }, BIG)
        .entry({ name: 'b256', size: 70_000, sizeEncoding: 'base256' }, BIG.subarray(0, 70_000))
        .end()
        .build(),
    expect: { entries: 2 },
    check: (c) => {
      expect(at(c, 'big')?.size).toBe(BIG.length);
      expect(readFileSync(join(c.target, 'big')).equals(BIG)).toBe(true);
      expect(readFileSync(join(c.target, 'b256')).equals(BIG.subarray(0, 70_000))).toBe(true);
    },
  },
  {
    name: 'pax times with nanoseconds, negative times',
    archive: () =>
      tar()
        .pax([
          ['mtime', '1234567890.123456789'],
          ['atime', '1.5'],
        ])
        .file('ns', '')
        .pax([['mtime', '-10.25']])
        .file('neg', '')
        .end()
        .build(),
    expect: { entries: 2 },
    check: (c) => {
      expect(at(c, 'ns')?.mtimeNs).toBe(1234567890123456789n);
      expect(at(c, 'neg')?.mtimeNs).toBe(-10250000000n);
    },
  },
  {
    name: 'pax uid/gid beyond the octal field',
    archive: () =>
      tar()
        .pax([
          ['uid', '3000000'],
          ['gid', '4000000'],
        ])
        .file('owned', '')
        .end()
        .build(),
    expect: { entries: 1 },
    check: (c) => expect(at(c, 'owned')).toMatchObject({ uid: 3_000_000, gid: 4_000_000 }),
  },
  {
    name: 'V7 header: a directory marked by its trailing slash',
    archive: () => tar().entry({ name: 'olddir/', typeflag: '\0', magic: 'v7', mode: 0o711 }).end().build(),
    expect: { entries: 1 },
    check: (c) => expect(at(c, 'olddir')).toMatchObject({ type: 'dir', mode: 0o711 }),
  },
  // --- stream framing ---------------------------------------------------------------------------
  {
    name: 'an empty archive (only the end marker)',
    archive: () => tar().end().build(),
    expect: { entries: 0, size: 2 * BLOCK },
  },
  {
    name: 'record padding after the end marker is consumed and counted',
    archive: () => tar().file('f', 'x').end(16).build(),
    expect: { entries: 1, size: 10240 },
  },
  {
    name: 'global pax headers are validated and ignored',
    archive: () =>
      tar()
        .pax([['comment', 'git archive commit id']], 'g')
        .file('f', 'x')
        .end()
        .build(),
    expect: { entries: 1 },
  },
  {
    name: 'header-only types read no data whatever their size field says (as Go does)',
    archive: () =>
      tar().entry({ name: 'l', typeflag: '2', linkname: 't', size: 100 }).file('f', 'after').end().build(),
    expect: { entries: 2 },
    check: (c) => expect(text(c, 'f')).toBe('after'),
  },
  // --- malformed and truncated --------------------------------------------------------------------
  {
    name: 'truncated file data',
    archive: () =>
      tar()
        .file('f', 'x'.repeat(1000))
        .build()
        .subarray(0, BLOCK + 100),
    expect: { error: /truncated archive: file data ends early/ },
  },
  {
    name: 'truncated header',
    archive: () => tar().file('f', 'x').build().subarray(0, 300),
    expect: { error: /truncated archive: partial header at offset 0/ },
  },
  {
    name: 'missing end-of-archive marker',
    archive: () => tar().file('f', 'x').build(),
    expect: { error: /truncated archive: no end-of-archive marker at offset 1024/ },
  },
  {
    name: 'corrupt header checksum',
    archive: () => tar().entry({ name: 'f', checksum: 1234 }).end().build(),
    expect: { error: /header at offset 0: corrupt header: checksum mismatch/ },
    check: (c) => expect(at(c, 'f')).toBeUndefined(),
  },
  {
    name: 'garbage in a numeric field',
    archive: () =>
      tar()
        .entry({ name: 'f', patch: { offset: 124, bytes: Buffer.from('00000zz0000\0') } })
        .end()
        .build(),
    expect: { error: /corrupt header: invalid size field/ },
  },
  {
    name: 'malformed pax record (length does not match)',
    archive: () =>
      tar().entry({ name: 'pax', typeflag: 'x' }, Buffer.from('99 path=x\n')).file('f', '').end().build(),
    expect: { error: /malformed pax header: bad record at byte 0/ },
  },
  {
    name: 'pax path with an embedded NUL',
    archive: () =>
      tar()
        .entry({ name: 'pax', typeflag: 'x' }, paxRecords([['path', Buffer.from('a\0b')]]))
        .file('f', '')
        .end()
        .build(),
    expect: { error: /pax record `path`: invalid value/ },
  },
  {
    name: 'a pax header with no entry after it',
    archive: () =>
      tar()
        .pax([['path', 'x']])
        .end()
        .build(),
    expect: { error: /extended header at offset 0 has no entry/ },
  },
  {
    name: 'GNU sparse files are refused (type S)',
    archive: () => tar().entry({ name: 's', typeflag: 'S' }).end().build(),
    expect: { error: /sparse files \(GNU type 'S'\) are not supported/ },
  },
  {
    name: 'GNU sparse files are refused (pax GNU.sparse records)',
    archive: () =>
      tar()
        .pax([['GNU.sparse.major', '1']])
        .file('s', '')
        .end()
        .build(),
    expect: { error: /sparse files \(pax `GNU.sparse.major`\) are not supported/ },
  },
  {
    name: 'an unknown entry type is refused',
    archive: () => tar().entry({ name: 'z', typeflag: 'Z' }).end().build(),
    expect: { error: /unsupported entry type 'Z'/ },
  },
  {
    name: 'a negative size is refused',
    archive: () =>
      tar()
        .entry({ name: 'n', patch: { offset: 124, bytes: Buffer.alloc(12, 0xff) } })
        .end()
        .build(),
    expect: { error: /negative size/ },
  },
];

let root: { root: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  root = await makeEngineRoot('unpack');
});
afterAll(async () => {
  await root.cleanup();
});

describe.each(['auto', 'walk'] as const)('unpack corpus (resolve=%s)', (resolve) => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', (_name, tc, i) => {
    const dir = join(root.root, `${resolve}-${i}`);
    mkdirSync(dir);
    const ctx = makeCaseDir(dir);
    tc.setup?.(ctx);
    const before = snapshotTree(dir, ctx.target);
    const archive = tc.archive(ctx);
    const run = runUnpack(ctx.target, archive, { resolve });
    expect(snapshotTree(dir, ctx.target)).toEqual(before);
    if ('error' in tc.expect) {
      expect(run.code, run.stdout).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(tc.expect.error);
    } else {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        size: tc.expect.size ?? archive.length,
        entries: tc.expect.entries,
      });
      expect(run.stdout.trim().split('\n')).toHaveLength(1);
    }
    tc.check?.(ctx);
  });
});

describe('unpack errors', () => {
  it('prints one JSON line with --log-format json', () => {
    const dir = join(root.root, 'json');
    mkdirSync(dir);
    const ctx = makeCaseDir(dir);
    const run = runUnpack(ctx.target, tar().file('../x', 'x').end().build(), { json: true });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'error',
      msg: expect.stringMatching(/^unpack `.*target`: entry `..\/x` at offset 0: unsafe entry/) as unknown,
    });
  });

  it('refuses a missing target directory', () => {
    const run = runUnpack(join(root.root, 'does-not-exist'), tar().end().build());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unpack: open `.*does-not-exist`: No such file or directory/);
  });

  it('the corpus has at least 25 archives', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });
});
