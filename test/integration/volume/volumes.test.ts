import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSpec, MountSpec } from '../../../src/engine/index.js';
import { runCli } from '../../helpers/run-cli.js';
import {
  captureStdio,
  containerSpec,
  IMAGE,
  openTestEngine,
  type TestEngine,
} from '../container/support/container-engine.js';

const canRun = process.getuid?.() === 0;

function spec(
  name: string,
  command: string[],
  mounts: MountSpec[],
  over: Partial<ContainerSpec> = {},
): ContainerSpec {
  return containerSpec(name, command, { mounts, ...over });
}

describe.skipIf(!canRun)('volumes and mounts', () => {
  let t: TestEngine;
  let hostDir: string;
  beforeAll(async () => {
    t = await openTestEngine('vol', {
      extraLayers: [
        { files: { 'seed/a.txt': 'from the image\n', 'seed/sub/b.txt': 'nested\n' }, dirs: ['declared'] },
      ],
      imageConfig: { Volumes: { '/declared': {} } },
    });
    hostDir = await mkdtemp(join(tmpdir(), 'tscompose-voltest-host-'));
  });
  afterAll(async () => {
    await t?.cleanup();
    await rm(hostDir, { recursive: true, force: true });
    expect(t.leaks()).toEqual([]);
  });

  /** Runs a one-off container to completion; its stdout. */
  async function run(
    name: string,
    command: string[],
    mounts: MountSpec[],
    over: Partial<ContainerSpec> = {},
  ): Promise<{ code: number; out: string; err: string }> {
    await t.engine.containers.create(spec(name, command, mounts, over));
    const io = captureStdio();
    const code = await t.engine.containers.runAttached(name, io.stdio);
    return { code, out: io.out(), err: io.err() };
  }

  it('a new named volume is pre-filled from the image and keeps its data across container removal', async () => {
    const first = await run(
      'writer',
      ['sh', '-c', 'cat /seed/a.txt /seed/sub/b.txt; echo mine > /seed/new.txt'],
      [{ type: 'volume', source: 'store', target: '/seed' }],
    );
    expect(first).toMatchObject({ code: 0, out: 'from the image\nnested\n' });
    await t.engine.containers.remove('writer', { volumes: true });
    const v = await t.engine.volumes.inspect('store');
    expect(v).toMatchObject({ name: 'store', anonymous: false, usedBy: [] });
    expect(await readFile(join(v.mountpoint, 'new.txt'), 'utf8')).toBe('mine\n');
    const second = await run(
      'reader',
      ['cat', '/data/new.txt', '/data/a.txt'],
      [{ type: 'volume', source: 'store', target: '/data' }],
    );
    expect(second.out).toBe('mine\nfrom the image\n');
    // In use: refused; once its user is gone: removed.
    const busy = await runCli(['--root', t.root, 'volume', 'rm', 'store']);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/volume store is in use/);
    await t.engine.containers.remove('reader');
    expect((await runCli(['--root', t.root, 'volume', 'rm', 'store'])).code).toBe(0);
    await expect(stat(v.mountpoint)).rejects.toThrow();
  });

  it('nocopy leaves a new volume empty; a later mount without nocopy fills it while it is still empty', async () => {
    expect(
      (
        await run(
          'nc',
          ['ls', '-A', '/seed'],
          [{ type: 'volume', source: 'empty', target: '/seed', nocopy: true }],
        )
      ).out,
    ).toBe('');
    await t.engine.containers.remove('nc');
    expect(
      (await run('nc2', ['ls', '-A', '/seed'], [{ type: 'volume', source: 'empty', target: '/seed' }])).out,
    ).toBe('a.txt\nsub\n');
    await t.engine.containers.remove('nc2');
    await t.engine.volumes.remove('empty');
  });

  it('an image VOLUME gets an anonymous volume: kept by rm, removed by rm -v and by prune', async () => {
    await run('anon1', ['sh', '-c', 'echo x > /declared/f'], []);
    const info = await t.engine.containers.inspect('anon1');
    const anon = info.mounts.find((m) => m.target === '/declared')!;
    expect(anon).toMatchObject({ type: 'volume', anonymous: true });
    await t.engine.containers.remove('anon1');
    expect((await t.engine.volumes.inspect(anon.volumeName!)).anonymous).toBe(true);
    const pruned = await runCli(['--root', t.root, 'volume', 'prune', '-f']);
    expect(pruned.stdout).toContain(anon.volumeName!);
    await run('anon2', ['true'], []);
    const anon2 = (await t.engine.containers.inspect('anon2')).mounts[0]!.volumeName!;
    await t.engine.containers.remove('anon2', { volumes: true });
    expect(await t.engine.volumes.find(anon2)).toBeUndefined();
  });

  it('bind mounts: the short syntax creates a missing host directory, the long one refuses it; read-only stays read-only', async () => {
    const created = join(hostDir, 'made-by-run');
    const r = await runCli([
      '--root',
      t.root,
      'container',
      'run',
      '--rm',
      '--network',
      'none',
      '-v',
      `${created}:/mnt`,
      IMAGE,
      'sh',
      '-c',
      'echo hi > /mnt/f',
    ]);
    expect(r.code).toBe(0);
    expect(await readFile(join(created, 'f'), 'utf8')).toBe('hi\n');
    const refused = await runCli([
      '--root',
      t.root,
      'container',
      'run',
      '--rm',
      '--network',
      'none',
      '--mount',
      `type=bind,source=${join(hostDir, 'absent')},target=/mnt`,
      IMAGE,
      'true',
    ]);
    expect(refused.code).toBe(125);
    expect(refused.stderr).toMatch(/does not exist/);
    await writeFile(join(hostDir, 'ro.txt'), 'keep\n');
    const ro = await run(
      'ro',
      ['sh', '-c', 'cat /ro/ro.txt; echo change > /ro/ro.txt'],
      [{ type: 'bind', source: hostDir, target: '/ro', readOnly: true }],
    );
    expect(ro.code).not.toBe(0);
    expect(ro.out).toBe('keep\n');
    expect(ro.err).toMatch(/Read-only file system/);
    expect(await readFile(join(hostDir, 'ro.txt'), 'utf8')).toBe('keep\n');
    await t.engine.containers.remove('ro');
  });

  it('tmpfs mounts are tmpfs, with their size and mode', async () => {
    const r = await run(
      'tmp',
      ['sh', '-c', 'grep " /scratch " /proc/mounts; stat -c %a /scratch'],
      [{ type: 'tmpfs', target: '/scratch', sizeBytes: 1024 * 1024, mode: 0o1770 }],
    );
    expect(r.out).toMatch(/^tmpfs \/scratch tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k,mode=1770/);
    expect(r.out.trim().split('\n')[1]).toBe('1770');
    await t.engine.containers.remove('tmp');
  });

  it('a volume with driver options mounts its filesystem on use (tmpfs) and unmounts on removal', async () => {
    const c = await runCli([
      '--root',
      t.root,
      'volume',
      'create',
      '--opt',
      'type=tmpfs',
      '--opt',
      'device=tmpfs',
      '--opt',
      'o=size=2m',
      '--label',
      'purpose=test',
      'fast',
    ]);
    expect(c).toMatchObject({ code: 0, stdout: 'fast\n' });
    const r = await run(
      'fastuser',
      ['sh', '-c', 'grep " /fast " /proc/mounts'],
      [{ type: 'volume', source: 'fast', target: '/fast' }],
    );
    expect(r.out).toMatch(/^tmpfs \/fast tmpfs .*size=2048k/);
    const ls = await runCli([
      '--root',
      t.root,
      'volume',
      'ls',
      '--filter',
      'label=purpose=test',
      '--format',
      'json',
    ]);
    expect(
      ls.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { name: string }).name),
    ).toEqual(['fast']);
    const inspect = JSON.parse((await runCli(['--root', t.root, 'volume', 'inspect', 'fast'])).stdout) as {
      Options: Record<string, string>;
    }[];
    expect(inspect[0]!.Options).toEqual({ type: 'tmpfs', device: 'tmpfs', o: 'size=2m' });
    await t.engine.containers.remove('fastuser');
    expect((await runCli(['--root', t.root, 'volume', 'rm', 'fast'])).code).toBe(0);
    expect(t.leaks()).toEqual([]);
  });

  it('a recreate inherits the anonymous volumes of the container it replaces; rm -v of the old one keeps them', async () => {
    await run('old', ['sh', '-c', 'echo kept > /declared/state'], []);
    const old = await t.engine.containers.inspect('old');
    const anon = old.mounts.find((m) => m.target === '/declared')!.volumeName!;
    const r = await run('new', ['cat', '/declared/state'], [], { inheritAnonymousVolumesFrom: old.id });
    expect(r.out).toBe('kept\n');
    expect(
      (await t.engine.containers.inspect('new')).mounts.find((m) => m.target === '/declared')!.volumeName,
    ).toBe(anon);
    await t.engine.containers.remove('old', { volumes: true });
    expect(await t.engine.volumes.find(anon)).toMatchObject({
      anonymous: true,
      usedBy: [(await t.engine.containers.inspect('new')).id],
    });
    await t.engine.containers.remove('new', { volumes: true });
    expect(await t.engine.volumes.find(anon)).toBeUndefined();
  });

  it('volumes_from shares another container’s volumes (read-only with :ro); configs and secrets are placed as files', async () => {
    await run(
      'source',
      ['sh', '-c', 'echo shared > /shared/f'],
      [{ type: 'volume', source: 'sharedvol', target: '/shared' }],
    );
    const content = 'key=value\n';
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    const r = await run(
      'consumer',
      [
        'sh',
        '-c',
        'cat /shared/f; echo x > /shared/g 2>/dev/null || echo read-only; cat /run/secrets/s; stat -c %a /run/secrets/s',
      ],
      [],
      {
        volumesFrom: [{ container: 'source', readOnly: true }],
        files: [
          {
            kind: 'secret',
            key: 's',
            target: '/run/secrets/s',
            source: { type: 'content', content },
            contentDigest: digest,
            mode: 0o400,
          },
        ],
      },
    );
    expect(r.out).toBe('shared\nread-only\nkey=value\n400\n');
    expect((await t.engine.containers.inspect('consumer')).namespaceOwners.volumesFrom).toEqual([
      (await t.engine.containers.inspect('source')).id,
    ]);
    await expect(
      t.engine.containers.create(
        spec('stale', ['true'], [], {
          files: [
            {
              kind: 'config',
              key: 'c',
              target: '/c',
              source: { type: 'content', content: 'new' },
              contentDigest: digest,
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({ code: 'CONTAINER_FILE_CHANGED' });
    await t.engine.containers.remove('consumer');
    await t.engine.containers.remove('source');
    await t.engine.volumes.remove('sharedvol');
  });

  it('volume create refuses a name in use and bad options; prune -a removes unused named volumes', async () => {
    expect((await runCli(['--root', t.root, 'volume', 'create', 'dup'])).code).toBe(0);
    const again = await runCli(['--root', t.root, 'volume', 'create', 'dup']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect((await runCli(['--root', t.root, 'volume', 'create', '--opt', 'bogus=1', 'bad'])).stderr).toMatch(
      /not supported/,
    );
    expect((await runCli(['--root', t.root, 'volume', 'create', '../escape'])).stderr).toMatch(/invalid/);
    const pruned = await runCli(['--root', t.root, 'volume', 'prune', '-a', '-f']);
    expect(pruned.stdout).toContain('dup');
    expect((await runCli(['--root', t.root, 'volume', 'ls', '-q'])).stdout).toBe('');
  });
});
