import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/index.js';
import {
  addImageToEngine,
  buildBusyboxImage,
  buildLayerTar,
  writeSkopeoDir,
  type TestImage,
} from '../../fixtures/busybox-image.js';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';

const MARKER = 'img-archives';
const canRun = process.getuid?.() === 0 && spawnSync('skopeo', ['--version']).status === 0;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe.skipIf(!canRun)('image archives: save, load, import (skopeo as the peer)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  const engines: Engine[] = [];
  let image: TestImage;
  let tmp: string;

  async function freshEngine(): Promise<Engine> {
    const r = await makeEngineRoot(MARKER);
    cleanups.push(r.cleanup);
    const engine = await Engine.open({ root: r.root });
    engines.push(engine);
    return engine;
  }

  async function saveTo(
    engine: Engine,
    refs: string[],
    file: string,
    format: 'docker' | 'oci',
  ): Promise<void> {
    const out = createWriteStream(file);
    await engine.images.save(refs, out, { format });
    out.end();
    await finished(out);
  }

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), `tscompose-${MARKER}-`));
    image = await buildBusyboxImage({ extraLayers: [{ files: { 'etc/archive': 'saved\n' } }] });
  });

  afterAll(async () => {
    for (const e of engines) e.close();
    for (const c of cleanups.reverse()) await c();
    await rm(tmp, { recursive: true, force: true });
    expect(hostLeaks(MARKER)).toEqual([]);
  });

  it('save (docker format) is read by skopeo docker-archive:, with the same config', async () => {
    const e = await freshEngine();
    await addImageToEngine(e, image, 'example.com/archive/app:1');
    const file = join(tmp, 'docker.tar');
    await saveTo(e, ['example.com/archive/app:1'], file, 'docker');
    const config = run('skopeo', ['inspect', '--config', '--raw', `docker-archive:${file}`]);
    expect(sha(config)).toBe(image.configDigest);
    const out = join(tmp, 'from-docker-archive');
    run('skopeo', ['copy', `docker-archive:${file}`, `oci:${out}:copied`]);
    const inspected = JSON.parse(run('skopeo', ['inspect', `oci:${out}:copied`])) as { Layers: string[] };
    expect(inspected.Layers).toHaveLength(image.layers.length);
    // Docker's layout: manifest.json plus an OCI layout whose layers are uncompressed (named by diffID).
    const listing = run('tar', ['-tf', file]).split('\n');
    expect(listing).toEqual(expect.arrayContaining(['manifest.json', 'index.json', 'oci-layout']));
    for (const l of image.layers) expect(listing).toContain(`blobs/sha256/${l.diffId.slice(7)}`);
  });

  it('save --format oci is an OCI layout skopeo reads (oci: and oci-archive:), digests kept', async () => {
    const e = await freshEngine();
    await addImageToEngine(e, image, 'example.com/archive/app:2', { unpack: false });
    const file = join(tmp, 'oci.tar');
    await saveTo(e, ['example.com/archive/app:2'], file, 'oci');
    const dir = join(tmp, 'oci-layout');
    await mkdir(dir);
    run('tar', ['-xf', file, '-C', dir]);
    for (const transport of [`oci:${dir}:2`, `oci-archive:${file}:2`]) {
      const out = join(tmp, `copied-${transport.split(':')[0]}`);
      run('skopeo', ['copy', transport, `dir:${out}`]);
      expect(sha(await readFile(join(out, 'manifest.json')))).toBe(image.digest);
    }
    // Also written straight into a directory.
    const direct = join(tmp, 'oci-direct');
    await e.images.save(['example.com/archive/app:2'], { directory: direct }, { format: 'oci' });
    expect(sha(run('skopeo', ['inspect', '--raw', `oci:${direct}:2`]))).toBe(image.digest);
  });

  it('loads what it saved, on a fresh root (both formats, and gzip-compressed)', async () => {
    const a = await freshEngine();
    await addImageToEngine(a, image, 'example.com/archive/app:3');
    for (const format of ['docker', 'oci'] as const) {
      const file = join(tmp, `roundtrip-${format}.tar`);
      await saveTo(a, ['example.com/archive/app:3'], file, format);
      const b = await freshEngine();
      const input =
        format === 'docker' ? Readable.from([gzipSync(await readFile(file))]) : createReadStream(file);
      const loaded = await b.images.load(input);
      expect(loaded.images).toEqual([
        { id: image.configDigest, digest: expect.any(String), references: ['example.com/archive/app:3'] },
      ]);
      const info = await b.images.inspect('example.com/archive/app:3');
      expect(info.layers.map((l) => l.diffId)).toEqual(image.layers.map((l) => l.diffId));
      if (format === 'oci') expect(info.digest).toBe(image.digest);
      const top = await b.snapshots.get(info.topChainId!);
      expect(await readFile(join(top!.path, 'etc/archive'), 'utf8')).toBe('saved\n');
    }
  });

  it('loads archives written by skopeo (docker-archive: and oci-archive:)', async () => {
    const src = join(tmp, 'skopeo-src');
    await writeSkopeoDir(src, image);
    const dockerArchive = join(tmp, 'skopeo-docker.tar');
    const ociArchive = join(tmp, 'skopeo-oci.tar');
    run('skopeo', ['copy', `dir:${src}`, `docker-archive:${dockerArchive}:example.com/skopeo/app:d`]);
    run('skopeo', ['copy', `dir:${src}`, `oci-archive:${ociArchive}:example.com/skopeo/app:o`]);
    const e = await freshEngine();
    const fromDocker = await e.images.load(createReadStream(dockerArchive));
    expect(fromDocker.images[0]).toMatchObject({
      id: image.configDigest,
      references: ['example.com/skopeo/app:d'],
    });
    const fromOci = await e.images.load(createReadStream(ociArchive));
    expect(fromOci.images[0]).toMatchObject({
      id: image.configDigest,
      references: ['example.com/skopeo/app:o'],
    });
    expect((await e.images.inspect('example.com/skopeo/app:o')).digest).toBe(image.digest);
  });

  it('loads the legacy docker save layout (<id>/layer.tar, duplicates as symlinks)', async () => {
    const tar = await buildLayerTar({ files: { 'legacy.txt': 'old\n' } });
    const diffId = sha(tar);
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: [diffId, diffId] },
      }),
    );
    const dir = join(tmp, 'legacy');
    await mkdir(join(dir, 'aaa'), { recursive: true });
    await mkdir(join(dir, 'bbb'));
    await writeFile(join(dir, 'aaa', 'layer.tar'), tar);
    await writeFile(join(dir, 'aaa', 'json'), '{}');
    await writeFile(join(dir, 'aaa', 'VERSION'), '1.0');
    await symlink('../aaa/layer.tar', join(dir, 'bbb', 'layer.tar'));
    await writeFile(join(dir, `${sha(config).slice(7)}.json`), config);
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify([
        {
          Config: `${sha(config).slice(7)}.json`,
          RepoTags: ['legacy:1'],
          Layers: ['aaa/layer.tar', 'bbb/layer.tar'],
        },
      ]),
    );
    await writeFile(join(dir, 'repositories'), JSON.stringify({ legacy: { '1': 'bbb' } }));
    const file = join(tmp, 'legacy.tar');
    run('tar', ['-cf', file, '-C', dir, '.']);
    const e = await freshEngine();
    const loaded = await e.images.load(createReadStream(file));
    expect(loaded.images[0]).toMatchObject({ id: sha(config), references: ['docker.io/library/legacy:1'] });
    const info = await e.images.inspect('legacy:1');
    expect(info.layers.map((l) => l.mediaType)).toEqual([
      'application/vnd.docker.image.rootfs.diff.tar',
      'application/vnd.docker.image.rootfs.diff.tar',
    ]);
  });

  it('refuses an archive whose blob does not match its name', async () => {
    const dir = join(tmp, 'bad');
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(dir, 'blobs', 'sha256', 'a'.repeat(64)), 'not that content');
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [] }));
    const file = join(tmp, 'bad.tar');
    run('tar', ['-cf', file, '-C', dir, '.']);
    const e = await freshEngine();
    await expect(e.images.load(createReadStream(file))).rejects.toMatchObject({
      code: 'BLOB_DIGEST_MISMATCH',
    });
  });

  it('imports a rootfs tarball as a one-layer image with --change', async () => {
    const tar = await buildLayerTar({ busybox: true });
    const e = await freshEngine();
    const info = await e.images.import(Readable.from([gzipSync(tar)]), {
      reference: 'imported:1',
      message: 'from a test',
      changes: [
        'CMD ["sh", "-c", "echo hi"]',
        'ENV GREETING="hello world" ANSWER=42',
        'WORKDIR /srv',
        'WORKDIR app',
        'USER 1000:1000',
        'EXPOSE 80 53/udp',
        'LABEL org.example.k=v',
      ],
    });
    expect(info.layers).toHaveLength(1);
    expect(info.layers[0]!.diffId).toBe(sha(tar));
    expect(info.config).toMatchObject({
      Cmd: ['sh', '-c', 'echo hi'],
      WorkingDir: '/srv/app',
      User: '1000:1000',
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      Labels: { 'org.example.k': 'v' },
    });
    expect(info.config.Env).toEqual(expect.arrayContaining(['GREETING=hello world', 'ANSWER=42']));
    const history = await e.images.history('imported:1');
    expect(history[0]).toMatchObject({ id: info.id, comment: 'from a test', size: tar.length });
    const top = await e.snapshots.get(info.topChainId!);
    expect((await readdir(join(top!.path, 'bin'))).length).toBeGreaterThan(50);
  });

  it('rm untags, deletes with the last reference; prune sweeps blobs and snapshots but keeps what is in use', async () => {
    const e = await freshEngine();
    await addImageToEngine(e, image, 'keep/me:1');
    await e.images.tag('keep/me:1', 'keep/me:2');
    expect(await e.images.remove(['keep/me:1'])).toEqual({ untagged: ['keep/me:1'], deleted: [] });
    await expect(e.images.remove([image.configDigest.slice(7, 19)])).resolves.toEqual({
      untagged: ['keep/me:2'],
      deleted: [image.configDigest],
    });
    await expect(e.images.inspect('keep/me:2')).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
    // A container (reported by a usage provider) still stands on the base layer.
    const base = image.layers[0]!.diffId;
    e.addUsageProvider({ imagesInUse: async () => [], snapshotsInUse: async () => [base] });
    const pruned = await e.images.prune();
    expect(pruned.blobsDeleted).toBeGreaterThanOrEqual(image.layers.length + 2);
    expect(pruned.snapshotsDeleted).toBe(image.layers.length - 1);
    expect((await e.snapshots.list()).map((s) => s.chainId)).toEqual([base]);
    expect(await e.content.list()).toEqual([]);
  });
});
