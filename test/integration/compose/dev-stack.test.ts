import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../src/engine/index.js';
import { acquireProjectLock } from '../../../src/reconciler/project-lock.js';
import { httpGet, openComposeProject, waitFor, type ComposeProject } from './support/compose-project.js';

const canRun = process.getuid?.() === 0;

/** name → [id, startedAt] of the project's containers. */
function identities(list: readonly ContainerInfo[]): Record<string, [string, string | null]> {
  return Object.fromEntries(list.map((c) => [c.name, [c.id, c.startedAt]]));
}

/**
 * Issue 6 "Done when", on the three-service example (examples/dev): dependency order and the
 * published port, no-op `up`, recreating exactly what changed (environment, config file content),
 * scaling, data kept across `down`, a clean host after `down -v`, and one mutating command at a
 * time per project.
 */
describe.skipIf(!canRun)('compose: the three-service dev stack', () => {
  let p: ComposeProject;
  const state = (): Promise<Record<string, [string, string | null]>> => p.containers('dev').then(identities);

  beforeAll(async () => {
    p = await openComposeProject('dev', 'compose-dev');
  });
  afterAll(async () => {
    if (!p) return;
    await p.cleanup();
    expect(p.leaks()).toEqual([]);
  });

  it('up -d starts db, api, web in dependency order (each after its healthcheck-gated dependency) and serves on the published port', async () => {
    const r = await p.cli(['--progress', 'plain', 'up', '-d']);
    expect(r.code, r.stderr).toBe(0);
    const started = (name: string): number => r.stderr.indexOf(` Container dev-${name}-1  Started`);
    const waiting = (name: string): number => r.stderr.indexOf(` Container dev-${name}-1  Waiting`);
    expect(started('db')).toBeGreaterThanOrEqual(0);
    expect(waiting('api')).toBeGreaterThan(started('db'));
    expect(started('api')).toBeGreaterThan(waiting('api'));
    expect(started('web')).toBeGreaterThan(started('api'));
    const containers = await p.containers('dev');
    const byName = new Map(containers.map((c) => [c.name, c]));
    // api waited for db to be healthy, web for api: their starts are ordered in time too.
    expect(Date.parse(byName.get('dev-api-1')!.startedAt!)).toBeGreaterThanOrEqual(
      Date.parse(byName.get('dev-db-1')!.startedAt!),
    );
    expect(Date.parse(byName.get('dev-web-1')!.startedAt!)).toBeGreaterThanOrEqual(
      Date.parse(byName.get('dev-api-1')!.startedAt!),
    );
    expect(await httpGet(p.port, '/')).toContain('tscompose dev stack');
    const api = await httpGet(p.port, '/cgi-bin/api');
    expect(api).toContain('greeting: hello from the api');
    expect(api).toContain('settings: mode=development');
    expect(api).toContain('db count: 0');
  });

  it('a second up -d recreates nothing: same container ids and start times', async () => {
    const before = await state();
    const r = await p.cli(['--progress', 'plain', 'up', '-d']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/Recreat|Creat|Start/);
    expect(await state()).toEqual(before);
    expect((await p.cli(['plan'])).stdout).toBe(
      'no changes\nunchanged: 3 containers, 2 networks, 1 volume\n',
    );
  });

  it("changing one service's environment recreates only that service", async () => {
    const before = await state();
    p.env['API_GREETING'] = 'hello again';
    expect((await p.cli(['plan'])).stdout).toBe(
      '~ #1 service:api:1  recreate  config hash changed: environment.API_GREETING\nunchanged: 2 containers, 2 networks, 1 volume\n',
    );
    const dry = await p.cli(['up', '-d', '--dry-run']);
    expect(dry.stdout).toBe(
      '~ #1 service:api:1  recreate  config hash changed: environment.API_GREETING\nunchanged: 2 containers, 2 networks, 1 volume\n',
    );
    expect(await state()).toEqual(before);
    const r = await p.cli(['up', '-d']);
    expect(r.code, r.stderr).toBe(0);
    const after = await state();
    expect(after['dev-api-1']?.[0]).not.toBe(before['dev-api-1']?.[0]);
    expect(after['dev-db-1']).toEqual(before['dev-db-1']);
    expect(after['dev-web-1']).toEqual(before['dev-web-1']);
    expect(await httpGet(p.port, '/cgi-bin/api')).toContain('greeting: hello again');
  });

  it('a change in a config file’s content recreates the services using it (and only them)', async () => {
    const before = await state();
    await writeFile(join(p.dir, 'api', 'settings.conf'), 'mode=production\n');
    expect((await p.cli(['plan'])).stdout).toBe(
      '~ #1 service:api:1  recreate  config hash changed: configs["/etc/api/settings.conf"].digest\nunchanged: 2 containers, 2 networks, 1 volume\n',
    );
    expect((await p.cli(['up', '-d'])).code).toBe(0);
    const after = await state();
    expect(after['dev-api-1']?.[0]).not.toBe(before['dev-api-1']?.[0]);
    expect(after['dev-db-1']).toEqual(before['dev-db-1']);
    expect(after['dev-web-1']).toEqual(before['dev-web-1']);
    expect(await httpGet(p.port, '/cgi-bin/api')).toContain('settings: mode=production');
  });

  it('--scale api=3 adds replicas 2 and 3; --scale api=1 removes them, keeping replica 1', async () => {
    const before = await state();
    const up3 = await p.cli(['up', '-d', '--scale', 'api=3']);
    expect(up3.code, up3.stderr).toBe(0);
    const three = await state();
    expect(Object.keys(three).sort()).toEqual([
      'dev-api-1',
      'dev-api-2',
      'dev-api-3',
      'dev-db-1',
      'dev-web-1',
    ]);
    expect(three['dev-api-1']).toEqual(before['dev-api-1']);
    await waitFor(
      'three api replicas running',
      async () =>
        (await p.containers('dev')).filter((c) => c.name.startsWith('dev-api-') && c.state === 'running')
          .length === 3,
    );
    const up1 = await p.cli(['up', '-d', '--scale', 'api=1']);
    expect(up1.code, up1.stderr).toBe(0);
    expect(await state()).toEqual(before);
  });

  it('one mutating command per project: up waits while another holds the project, and says for whom', async () => {
    const release = await acquireProjectLock(p.root, 'dev', { command: 'test-holder' });
    const waiting = p.spawn(['up', '-d']);
    try {
      await waiting.waitForStderr(
        /waiting for `tscompose test-holder` \(pid \d+, since [^)]+\) to finish changing project dev/,
      );
      expect(waiting.child.exitCode).toBe(null);
    } finally {
      await release();
    }
    await waitFor('the waiting up to exit', () => waiting.child.exitCode !== null);
    expect(waiting.child.exitCode, waiting.stderr()).toBe(0);
  });

  it('two concurrent ups converge once: no duplicate container, both succeed', async () => {
    const before = await state();
    const [a, b] = await Promise.all([
      p.cli(['up', '-d', '--force-recreate', 'web']),
      p.cli(['up', '-d', '--force-recreate', 'web']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const after = await state();
    expect(Object.keys(after).sort()).toEqual(['dev-api-1', 'dev-db-1', 'dev-web-1']);
    expect(after['dev-db-1']).toEqual(before['dev-db-1']);
    expect(await httpGet(p.port, '/')).toContain('tscompose dev stack');
  });

  it('down keeps the named volume, and up finds its data again', async () => {
    const note = await p.cli(['exec', '-T', 'db', 'sh', '-c', 'echo kept > /data/www/note']);
    expect(note.code, note.stderr).toBe(0);
    const down = await p.cli(['down']);
    expect(down.code, down.stderr).toBe(0);
    expect(await p.containers('dev')).toEqual([]);
    expect((await p.engine.volumes.list()).map((v) => v.name)).toEqual(['dev_dbdata']);
    expect((await p.cli(['up', '-d'])).code).toBe(0);
    const read = await p.cli(['exec', '-T', 'db', 'cat', '/data/www/note']);
    expect(read).toMatchObject({ code: 0, stdout: 'kept\n' });
  });

  it('down -v leaves no container, network, volume or host object behind', async () => {
    const r = await p.cli(['down', '-v']);
    expect(r.code, r.stderr).toBe(0);
    expect(await p.engine.containers.list()).toEqual([]);
    expect(await (await p.engine.networks()).list()).toEqual([]);
    expect(await p.engine.volumes.list()).toEqual([]);
    expect(p.leaks()).toEqual([]);
  });
});
