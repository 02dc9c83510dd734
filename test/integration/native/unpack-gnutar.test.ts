// Real archives: a busybox root filesystem plus the awkward cases (device nodes, fifos, hardlinks,
// setuid, xattrs, long names, old mtimes), written by GNU tar in its own format and in pax, must
// unpack to exactly the tree they came from.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { makeBusyboxRootfs } from '../../fixtures/busybox-rootfs.js';
import type { Inspected } from './unpack-sandbox.js';
import { runUnpack, snapshotTree, xattrs } from './unpack-sandbox.js';

let root: { root: string; cleanup: () => Promise<void> };
let src: string;

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/**
 * Tree metadata without inode numbers (they differ between copies by definition), mtimes cut to
 * what the format stores (whole seconds in GNU headers, nanoseconds in pax records).
 */
function comparable(dir: string, secondsOnly: boolean): Map<string, Omit<Inspected, 'ino'>> {
  const tree = snapshotTree(dir, '');
  tree.delete('.'); // the target directory itself belongs to the caller
  const NS = 1_000_000_000n;
  return new Map(
    [...tree].map(([k, { ino: _ino, mtimeNs, ...rest }]) => [
      k,
      { ...rest, mtimeNs: secondsOnly ? (mtimeNs / NS) * NS : mtimeNs },
    ]),
  );
}

beforeAll(async () => {
  root = await makeEngineRoot('unpack-gnutar');
  src = join(root.root, 'src');
  mkdirSync(src);
  await makeBusyboxRootfs(src);
  const deep = join(src, 'deep', 'x'.repeat(120), 'y'.repeat(120));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, `${'z'.repeat(150)}.txt`), 'long name\n');
  symlinkSync(`../${'t'.repeat(200)}`, join(src, 'longlink'));
  writeFileSync(join(src, 'bin', 'suid'), 'x');
  chmodSync(join(src, 'bin', 'suid'), 0o4755);
  linkSync(join(src, 'bin', 'suid'), join(src, 'bin', 'suid-hard'));
  sh('mknod', [join(src, 'dev', 'null'), 'c', '1', '3']);
  sh('mkfifo', [join(src, 'run', 'fifo')]);
  sh('chown', ['-h', '1000:1000', join(src, 'home', 'app')]);
  sh('setfattr', ['-n', 'user.origin', '-v', 'gnu-tar', join(src, 'etc', 'passwd')]);
  utimesSync(join(src, 'etc', 'passwd'), 1_000_000, 1_000_000);
  lutimesSync(join(src, 'bin', 'sh'), 2_000_000, 2_000_000);
  utimesSync(join(src, 'etc'), 3_000_000, 3_000_000);
});
afterAll(async () => {
  await root.cleanup();
});

describe.each([
  ['gnu', ['--format=gnu']],
  ['pax', ['--format=pax', '--xattrs', '--xattrs-include=*']],
])('GNU tar --format=%s', (format, flags) => {
  it.each(['auto', 'walk'] as const)('unpacks to the same tree (resolve=%s)', (resolve) => {
    const archive = join(root.root, `${format}.tar`);
    sh('tar', ['-C', src, ...flags, '--numeric-owner', '-cf', archive, '.']);
    const dst = join(root.root, `${format}-${resolve}`);
    mkdirSync(dst);
    const bytes = readFileSync(archive);
    const run = runUnpack(dst, bytes, { resolve });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { size: number; entries: number };
    expect(out.size).toBe(bytes.length);
    const expected = comparable(src, format === 'gnu');
    expect(out.entries).toBe(expected.size + 1); // + the "./" entry
    expect(comparable(dst, false)).toEqual(expected);
    if (format === 'pax')
      expect(xattrs(join(dst, 'etc', 'passwd'))['user.origin']?.toString()).toBe('gnu-tar');
  });
});
