import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../src/engine/index.js';
import {
  httpGet,
  openComposeProject,
  waitFor,
  type ComposeProject,
  type RunningCli,
} from './support/compose-project.js';

const canRun = process.getuid?.() === 0;

/** The web example with values the test edits, and develop.watch rules. */
function stack(bar: string): string {
  return `name: web
services:
  web:
    init: true
    image: localhost/tscompose-examples/busybox:latest
    command: ['httpd', '-f', '-p', '80', '-h', '/srv']
    environment:
      FOO: \${FOO:-unset}
      BAR: '${bar}'
    ports:
      - '\${WEB_PORT:-8080}:80'
    volumes:
      - ./site:/srv:ro
    develop:
      watch:
        - action: sync
          path: ./content
          target: /tmp/synced
        - action: sync+exec
          path: ./hooks
          target: /tmp/hooks
          exec:
            command: ['sh', '-c', 'cat /tmp/hooks/* > /tmp/hook-ran']
`;
}

/**
 * Issue 6 watch points: `up --watch` applies a valid edit of the stack file, reports an invalid
 * one with its location and changes nothing, applies the next valid one; applies `.env` edits;
 * restores a container removed behind its back; keeps a `tscompose stop`; syncs develop.watch
 * paths. Conditions are awaited with deadlines (latency is measured in bench/compose.ts).
 */
describe.skipIf(!canRun)('compose: up --watch', () => {
  let p: ComposeProject;
  let watch: RunningCli;
  const web = async (): Promise<ContainerInfo | undefined> =>
    (await p.containers('web')).find((c) => c.name === 'web-web-1');
  const envOf = async (key: string): Promise<string | undefined> => (await web())?.spec.env[key];
  const exec = (script: string): Promise<string> =>
    p.cli(['exec', '-T', 'web', 'sh', '-c', script]).then((r) => r.stdout);

  beforeAll(async () => {
    p = await openComposeProject('web', 'compose-watch');
    await writeFile(p.file, stack('1'));
    await mkdir(join(p.dir, 'content'));
    await mkdir(join(p.dir, 'hooks'));
    watch = p.spawn(['--progress', 'plain', 'up', '-d', '--watch']);
    await watch.waitForStderr(/watch: watching web/);
  });
  afterAll(async () => {
    if (!p) return;
    await p.cleanup();
    expect(p.leaks()).toEqual([]);
  });

  it('converged before watching: the page is served', async () => {
    expect(await httpGet(p.port, '/')).toContain('Hello from tscompose');
    expect(await envOf('BAR')).toBe('1');
  });

  it('a valid edit of the stack file is applied', async () => {
    await writeFile(p.file, stack('2'));
    await waitFor('BAR=2 applied', async () => (await envOf('BAR')) === '2');
    // The summary is printed once the whole pass is done, which can be after the new container
    // already answers: wait for it rather than reading stderr at once.
    await watch.waitForStderr(
      /watch: compose\.yaml changed; applied:\n {2}~ #1 service:web:1 {2}recreate {2}config hash changed: environment\.BAR/,
    );
  });

  it('an invalid edit is reported with its location and changes nothing; the next valid edit applies', async () => {
    const before = await web();
    await writeFile(p.file, `${stack('2')}    ports: [oops\n`);
    await watch.waitForStderr(/stack is invalid; nothing was changed\nerror: compose\.yaml:\d+:\d+: /);
    expect((await web())?.id).toBe(before?.id);
    expect((await web())?.state).toBe('running');
    await writeFile(p.file, stack('3'));
    await waitFor('BAR=3 applied', async () => (await envOf('BAR')) === '3');
    expect(await httpGet(p.port, '/')).toContain('Hello from tscompose');
  });

  it('an edit of .env is applied', async () => {
    await writeFile(join(p.dir, '.env'), 'FOO=from-dotenv\n');
    await waitFor('FOO from .env applied', async () => (await envOf('FOO')) === 'from-dotenv');
  });

  it('a container removed behind tscompose’s back is restored', async () => {
    const before = await web();
    await p.engine.containers.remove(before!.id, { force: true });
    const restored = await waitFor('web-web-1 restored and running', async () => {
      const c = await web();
      return c && c.id !== before!.id && c.state === 'running' ? c : undefined;
    });
    expect(restored.spec.env['BAR']).toBe('3');
    // Depending on when the pass observed the removal, it creates the missing container or
    // replaces the one being removed; either way the repair is reported once it is done, which
    // can be after the container already runs.
    await watch.waitForStderr(
      /watch: drift repaired; applied:\n {2}(\+ #1 service:web:1 {2}create {2}missing|~ #1 service:web:1 {2}recreate)/,
    );
  });

  it('develop.watch: sync copies new and changed files, deletes removed ones; sync+exec runs its command', async () => {
    await writeFile(join(p.dir, 'content', 'a.txt'), 'alpha\n');
    await waitFor('a.txt synced', async () => (await exec('cat /tmp/synced/a.txt')) === 'alpha\n');
    await writeFile(join(p.dir, 'content', 'a.txt'), 'beta\n');
    await waitFor('a.txt updated', async () => (await exec('cat /tmp/synced/a.txt')) === 'beta\n');
    const { rm } = await import('node:fs/promises');
    await rm(join(p.dir, 'content', 'a.txt'));
    await waitFor(
      'a.txt deleted',
      async () => (await exec('test -e /tmp/synced/a.txt && echo yes || echo no')) === 'no\n',
    );
    await writeFile(join(p.dir, 'hooks', 'h1'), 'hook-content\n');
    await waitFor('hook ran', async () => (await exec('cat /tmp/hook-ran 2>/dev/null')) === 'hook-content\n');
  });

  it('tscompose stop is intent: the watch loop does not start it again, not even when it recreates it', async () => {
    const stop = await p.cli(['stop']);
    expect(stop.code, stop.stderr).toBe(0);
    await writeFile(p.file, stack('4'));
    const recreated = await waitFor('BAR=4 applied', async () => {
      const c = await web();
      return c?.spec.env['BAR'] === '4' ? c : undefined;
    });
    expect(recreated.state).not.toBe('running');
    expect(recreated.desiredState).toBe('stopped');
    const started = await p.cli(['start']);
    expect(started.code, started.stderr).toBe(0);
    expect((await web())?.state).toBe('running');
  });

  it('Ctrl-C ends the detached watch and leaves the stack running', async () => {
    expect(await watch.interrupt()).toBe(130);
    expect((await web())?.state).toBe('running');
    expect(await readFile(p.file, 'utf8')).toContain("BAR: '4'");
    const down = await p.cli(['down', '-v']);
    expect(down.code, down.stderr).toBe(0);
  });
});
