import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../helpers/run-cli.js';
import {
  containerSpec as spec,
  captureStdio,
  openTestEngine,
  type TestEngine,
} from './support/container-engine.js';

const canRun = process.getuid?.() === 0;

describe.skipIf(!canRun)('files in and out of containers', () => {
  let t: TestEngine;
  let host: string;
  const cli = (args: string[]): Promise<CliResult> => runCli(['--root', t.root, 'container', ...args]);

  beforeAll(async () => {
    t = await openTestEngine('ctr-files', {
      extraLayers: [{ files: { 'etc/app/conf': 'v1\n', 'opt/old/x': 'x\n', 'opt/gone': 'g\n' } }],
    });
    host = await mkdtemp(join(tmpdir(), 'tscompose-files-host-'));
    await t.engine.containers.create(
      spec('files', ['sleep', '300'], { mounts: [{ type: 'volume', source: 'filesvol', target: '/vol' }] }),
    );
    await t.engine.containers.start('files');
  });
  afterAll(async () => {
    await t?.cleanup();
    await rm(host, { recursive: true, force: true });
    expect(t.leaks()).toEqual([]);
  });

  const sh = async (name: string, script: string): Promise<string> => {
    const io = captureStdio();
    const code = await t.engine.containers.exec(name, { command: ['sh', '-c', script] }, io.stdio);
    expect({ code, err: io.err() }).toEqual({ code: 0, err: '' });
    return io.out();
  };

  it('cp copies files and directories both ways, with Docker’s naming rules', async () => {
    await writeFile(join(host, 'one.txt'), 'one\n');
    await mkdir(join(host, 'tree', 'deep'), { recursive: true });
    await writeFile(join(host, 'tree', 'deep', 'f'), 'deep\n');
    expect((await cli(['cp', join(host, 'one.txt'), 'files:/tmp/'])).code).toBe(0);
    expect((await cli(['cp', join(host, 'one.txt'), 'files:/tmp/renamed.txt'])).code).toBe(0);
    expect((await cli(['cp', join(host, 'tree'), 'files:/tmp'])).code).toBe(0);
    expect((await cli(['cp', join(host, 'one.txt'), 'files:/vol/'])).code).toBe(0);
    expect(await sh('files', 'cat /tmp/one.txt /tmp/renamed.txt /tmp/tree/deep/f /vol/one.txt')).toBe(
      'one\none\ndeep\none\n',
    );
    await sh(
      'files',
      'mkdir -p /tmp/out/sub && echo a > /tmp/out/a && echo b > /tmp/out/sub/b && ln -s a /tmp/out/link',
    );
    expect((await cli(['cp', 'files:/tmp/out', join(host, 'got')])).code).toBe(0);
    expect(await readFile(join(host, 'got', 'sub', 'b'), 'utf8')).toBe('b\n');
    expect(spawnSync('readlink', [join(host, 'got', 'link')], { encoding: 'utf8' }).stdout).toBe('a\n');
    expect((await cli(['cp', 'files:/etc/app/conf', host])).code).toBe(0);
    expect(await readFile(join(host, 'conf'), 'utf8')).toBe('v1\n');
    const tar = await cli(['cp', 'files:/tmp/out/a', '-']);
    expect(tar.stdout.slice(0, 1)).toBe('a');
    expect(tar.stdout).toContain('a\n');
    expect((await cli(['cp', 'files:/no/such', host])).stderr).toMatch(/no such file or directory/);
  });

  it('cp never follows a symlink in the container out of it, in either direction', async () => {
    const secret = join(host, 'secret');
    await mkdir(secret, { recursive: true });
    await writeFile(join(secret, 'key'), 'host-only\n');
    // Links planted in the container pointing at the host directory, absolute and with `..`.
    await sh(
      'files',
      `ln -s ${secret} /tmp/abs && ln -s ../../../../../../..${secret} /tmp/rel && ln -s ${secret}/key /tmp/keylink`,
    );
    await writeFile(join(host, 'payload'), 'evil\n');
    // The link targets do not exist in the container: refused, and the host is untouched.
    for (const dest of [
      'files:/tmp/abs/',
      'files:/tmp/rel/',
      'files:/tmp/abs/payload',
      'files:/tmp/keylink',
    ]) {
      const r = await cli(['cp', join(host, 'payload'), dest]);
      expect(r.code, dest).toBe(1);
      expect(r.stderr).toMatch(/no such file or directory/);
    }
    expect(spawnSync('ls', [secret], { encoding: 'utf8' }).stdout).toBe('key\n');
    // Once the same path exists inside the container, the copy lands there, not on the host.
    await sh('files', `mkdir -p ${secret}`);
    for (const dest of ['files:/tmp/abs/', 'files:/tmp/rel/payload2', 'files:/tmp/keylink']) {
      expect((await cli(['cp', join(host, 'payload'), dest])).code, dest).toBe(0);
    }
    expect(spawnSync('ls', [secret], { encoding: 'utf8' }).stdout).toBe('key\n');
    expect(await readFile(join(secret, 'key'), 'utf8')).toBe('host-only\n');
    expect(await sh('files', `cat ${secret}/payload ${secret}/payload2 ${secret}/key`)).toBe(
      'evil\nevil\nevil\n',
    );
    // Out: reading through the links gets the container's files, never the host's.
    for (const src of ['files:/tmp/abs/key', 'files:/tmp/rel/key', 'files:/tmp/keylink']) {
      const r = await cli(['cp', '-L', src, '-']);
      expect(r.stdout).not.toContain('host-only');
    }
  });

  it('commit makes an image of the changes (new, changed, deleted files and an opaque directory); a run of it shows them', async () => {
    await sh(
      'files',
      'echo v2 > /etc/app/conf && echo added > /added && rm /opt/gone && rm -rf /opt/old && mkdir /opt/old && echo fresh > /opt/old/y',
    );
    const r = await cli(['commit', '-m', 'test commit', '-c', 'ENV COMMITTED=yes', 'files', 'committed:v1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const run = await cli([
      'run',
      '--rm',
      '--network',
      'none',
      'committed:v1',
      'sh',
      '-c',
      'cat /etc/app/conf /added /opt/old/y; ls /opt; ls /opt/old; echo $COMMITTED; ls /tmp/one.txt',
    ]);
    expect(run).toMatchObject({ code: 0, stdout: 'v2\nadded\nfresh\nold\ny\nyes\n/tmp/one.txt\n' });
    const history = await runCli(['--root', t.root, 'image', 'history', 'committed:v1']);
    expect(history.stdout).toMatch(/tscompose container commit files/);
  });

  it('export writes the flattened root filesystem as a tar archive', async () => {
    const file = join(host, 'export.tar');
    expect((await cli(['export', '-o', file, 'files'])).code).toBe(0);
    const list = spawnSync('tar', ['-tf', file], { encoding: 'utf8' }).stdout.split('\n');
    expect(list).toEqual(
      expect.arrayContaining(['etc/app/conf', 'added', 'bin/busybox', 'opt/old/y', 'etc/hosts']),
    );
    expect(list).not.toContain('opt/gone');
    expect(spawnSync('tar', ['-xOf', file, 'etc/app/conf'], { encoding: 'utf8' }).stdout).toBe('v2\n');
  });
});
