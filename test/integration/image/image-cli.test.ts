import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBusyboxImage, ociArchive, type TestImage } from '../../fixtures/busybox-image.js';
import {
  hasDockerRegistry,
  startDockerRegistry,
  type RunningRegistry,
} from '../../fixtures/registry/docker-registry.js';
import { makeEngineRoot } from '../../helpers/engine-root.js';
import { hostLeaks } from '../../helpers/host-leaks.js';
import { runCli } from '../../helpers/run-cli.js';

const MARKER = 'img-cli';
const canRun = process.getuid?.() === 0 && hasDockerRegistry();

describe.skipIf(!canRun)('tscompose image … and login/logout (the built CLI)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  let registry: RunningRegistry;
  let secured: RunningRegistry;
  let image: TestImage;
  let tmp: string;
  let rootA: string;
  let rootB: string;

  const cli = (root: string, args: string[], env: Record<string, string> = {}) =>
    runCli(['--root', root, '--progress', 'plain', ...args], {
      env: { DOCKER_CONFIG: join(tmp, 'docker'), ...env },
    });

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), `tscompose-${MARKER}-`));
    for (const set of [(r: string) => (rootA = r), (r: string) => (rootB = r)]) {
      const r = await makeEngineRoot(MARKER);
      cleanups.push(r.cleanup);
      set(r.root);
    }
    registry = await startDockerRegistry({ marker: MARKER });
    cleanups.push(() => registry.stop());
    secured = await startDockerRegistry({
      marker: MARKER,
      auth: { kind: 'htpasswd', username: 'dora', password: 'pw1' },
    });
    cleanups.push(() => secured.stop());
    image = await buildBusyboxImage({ extraLayers: [{ files: { 'etc/cli': 'cli\n' } }] });
    await writeFile(join(tmp, 'image.tar'), await ociArchive(image, 'example.com/cli/app:1'));
  });

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await rm(tmp, { recursive: true, force: true });
    expect(hostLeaks(MARKER)).toEqual([]);
  });

  it('load, ls, tag, push; pull on another root with plain progress; inspect, history', async () => {
    const loaded = await cli(rootA, ['image', 'load', '-i', join(tmp, 'image.tar')]);
    expect(loaded).toMatchObject({ code: 0, stdout: 'Loaded image: example.com/cli/app:1\n' });
    const ref = `${registry.host}/cli/app:1`;
    expect((await cli(rootA, ['image', 'tag', 'example.com/cli/app:1', ref])).code).toBe(0);
    const ls = await cli(rootA, ['image', 'ls']);
    expect(ls.stdout.split('\n')[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(ls.stdout).toContain(`${registry.host}/cli/app`);
    expect(ls.stdout).toContain(image.configDigest.slice(7, 19));
    const json = JSON.parse((await cli(rootA, ['image', 'ls', '--format', 'json'])).stdout) as {
      Repository: string;
      Tag: string;
      ID: string;
    }[];
    expect(json.map((r) => `${r.Repository}:${r.Tag}`).sort()).toEqual([
      `${registry.host}/cli/app:1`,
      'example.com/cli/app:1',
    ]);

    const push = await cli(rootA, ['image', 'push', ref]);
    expect(push.code).toBe(0);
    expect(push.stdout).toBe(`${ref}@${image.digest}\n`);
    expect(push.stderr).toContain('Pushed');

    const pull = await cli(rootB, ['image', 'pull', ref]);
    expect(pull).toMatchObject({ code: 0, stdout: `${ref}\n` });
    for (const l of image.layers) expect(pull.stderr).toContain(`${l.digest.slice(7, 19)}: Pull complete`);
    expect(pull.stderr).toContain(`Digest: ${image.digest}`);
    expect(pull.stderr).toContain('Status: Downloaded newer image');
    const again = await cli(rootB, ['image', 'pull', '-q', ref]);
    expect(again).toMatchObject({ code: 0, stdout: `${ref}\n`, stderr: '' });

    const inspect = JSON.parse((await cli(rootB, ['image', 'inspect', ref])).stdout) as {
      Id: string;
      RepoTags: string[];
      RootFS: { Layers: string[] };
    }[];
    expect(inspect[0]).toMatchObject({ Id: image.configDigest, RepoTags: [ref] });
    expect(inspect[0]!.RootFS.Layers).toEqual(image.layers.map((l) => l.diffId));
    const history = await cli(rootB, ['image', 'history', ref]);
    expect(history.stdout.split('\n')[0]).toMatch(/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    expect(history.stdout).toContain('test layer 1');
  });

  it('save -o and load -i, rm, prune -a', async () => {
    const file = join(tmp, 'saved.tar');
    expect((await cli(rootA, ['image', 'save', '-o', file, 'example.com/cli/app:1'])).code).toBe(0);
    expect((await readFile(file)).length).toBeGreaterThan(1024 * 1024);
    const rm1 = await cli(rootA, ['image', 'rm', 'example.com/cli/app:1']);
    expect(rm1).toMatchObject({ code: 0, stdout: 'Untagged: example.com/cli/app:1\n' });
    const reload = await cli(rootA, ['image', 'load', '-i', file]);
    expect(reload.stdout).toBe('Loaded image: example.com/cli/app:1\n');
    const prune = await cli(rootA, ['image', 'prune', '-a']);
    expect(prune.code).toBe(0);
    expect(prune.stdout).toContain(`deleted: ${image.configDigest}`);
    expect((await cli(rootA, ['image', 'ls', '-q'])).stdout).toBe('');
  });

  it('prints errors with the reference, the registry and a hint; usage errors exit 2', async () => {
    const missing = await cli(rootB, ['image', 'pull', `${registry.host}/cli/missing:1`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `error: pull ${registry.host}/cli/missing:1: ${registry.host}: 404 manifest unknown`,
    );
    expect(missing.stderr).toContain('hint: ');
    const badRef = await cli(rootB, ['image', 'pull', 'UPPER/Case']);
    expect(badRef.code).toBe(1);
    expect(badRef.stderr).toContain('invalid reference format');
    const badPlatform = await cli(rootB, ['image', 'pull', '--platform', 'a/b/c/d', 'x']);
    expect(badPlatform.code).toBe(2);
  });

  it('login stores credentials in Docker’s config.json; pull uses them; logout removes them', async () => {
    const ref = `${secured.host}/private/app:1`;
    expect((await cli(rootA, ['image', 'load', '-i', join(tmp, 'image.tar')])).code).toBe(0);
    expect((await cli(rootA, ['image', 'tag', 'example.com/cli/app:1', ref])).code).toBe(0);
    const denied = await cli(rootA, ['image', 'push', ref]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(`${secured.host}: 401 unauthorized`);
    expect(denied.stderr).toContain(`tscompose login ${secured.host}`);

    const bad = await runCli(['--root', rootA, 'login', '-u', 'dora', '--password-stdin', secured.host], {
      env: { DOCKER_CONFIG: join(tmp, 'docker') },
      input: 'nope\n',
    });
    expect(bad.code).toBe(1);
    const good = await runCli(['--root', rootA, 'login', '-u', 'dora', '--password-stdin', secured.host], {
      env: { DOCKER_CONFIG: join(tmp, 'docker') },
      input: 'pw1\n',
    });
    expect(good).toMatchObject({ code: 0, stdout: 'Login Succeeded\n' });
    const config = JSON.parse(await readFile(join(tmp, 'docker', 'config.json'), 'utf8')) as {
      auths: Record<string, { auth: string }>;
    };
    expect(Buffer.from(config.auths[secured.host]!.auth, 'base64').toString()).toBe('dora:pw1');

    expect((await cli(rootA, ['image', 'push', ref])).code).toBe(0);
    expect((await cli(rootB, ['image', 'pull', ref])).code).toBe(0);
    expect((await cli(rootB, ['logout', secured.host])).stdout).toBe(
      `Removing login credentials for ${secured.host}\n`,
    );
    expect((await cli(rootB, ['logout', secured.host])).stdout).toBe(`Not logged in to ${secured.host}\n`);
  });
});
