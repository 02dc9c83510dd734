import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WatchRule } from '../../../src/spec/types.js';
import { converge } from '../../../src/reconciler/converge.js';
import { startDevelopWatch } from '../../../src/reconciler/watch/develop-watch.js';
import { makeProject } from '../planner/fixtures.js';
import { FakeEngine } from './fake-engine.js';

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('develop.watch rules', () => {
  let dir: string;
  let controller: AbortController;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscompose-unit-develop-'));
    await mkdir(join(dir, 'src'));
    controller = new AbortController();
  });
  afterEach(async () => {
    controller.abort();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(
    rules: WatchRule[],
    replicas = 1,
  ): Promise<{ e: FakeEngine; events: string[]; close: () => Promise<void> }> {
    const e = new FakeEngine({ images: ['web:1'] });
    const project = makeProject({ web: { develop: { watch: rules } } });
    await converge(e, project, { scale: { web: replicas } });
    const events: string[] = [];
    const close = await startDevelopWatch({
      port: e,
      project,
      signal: controller.signal,
      debounceMs: 20,
      events: {
        synced: (s, paths) => events.push(`synced ${s} ${paths.join(',')}`),
        restarted: (s) => events.push(`restarted ${s}`),
        executed: (s, cmd, code) => events.push(`executed ${s} ${cmd.join(' ')} ${code}`),
        failed: (s, err) => events.push(`failed ${s} ${(err as Error).message}`),
        skipped: (s, rule, reason) => events.push(`skipped ${s} ${rule.action}: ${reason}`),
      },
    });
    e.calls.length = 0;
    return { e, events, close };
  }

  it('sync: a new file is copied under the target, in every replica; a deleted one is removed with rm -rf', async () => {
    const { e, events, close } = await start(
      [{ action: 'sync', path: join(dir, 'src'), target: '/app/src' }],
      2,
    );
    await writeFile(join(dir, 'src', 'a.js'), 'a');
    await until('synced', () => events.length === 1);
    expect(e.calls).toEqual(['copy p-web-1 /app/src a.js', 'copy p-web-2 /app/src a.js']);
    e.calls.length = 0;
    await rm(join(dir, 'src', 'a.js'));
    await until('deleted', () => events.length === 2);
    expect(e.calls).toEqual(['exec p-web-1 rm -rf /app/src/a.js', 'exec p-web-2 rm -rf /app/src/a.js']);
    await close();
  });

  it('ignore patterns and the default ignores keep files out; include narrows', async () => {
    const { e, events, close } = await start([
      {
        action: 'sync',
        path: join(dir, 'src'),
        target: '/app',
        ignore: ['*.log'],
        include: ['*.js', '*.log', '*.swp'],
      },
    ]);
    await writeFile(join(dir, 'src', 'debug.log'), 'x');
    await writeFile(join(dir, 'src', '.a.js.swp'), 'x');
    await writeFile(join(dir, 'src', 'notes.txt'), 'x');
    await writeFile(join(dir, 'src', 'b.js'), 'b');
    await until('synced', () => events.length === 1);
    expect(e.calls).toEqual(['copy p-web-1 /app b.js']);
    await close();
  });

  it('sync+restart copies, then restarts; restart only restarts', async () => {
    await mkdir(join(dir, 'conf'));
    const { e, events, close } = await start([
      { action: 'sync+restart', path: join(dir, 'src'), target: '/app' },
      { action: 'restart', path: join(dir, 'conf') },
    ]);
    await writeFile(join(dir, 'src', 'c.js'), 'c');
    await until('restarted once', () => events.includes('restarted web'));
    expect(e.calls).toEqual(['copy p-web-1 /app c.js', 'stop p-web-1', 'start p-web-1']);
    e.calls.length = 0;
    await writeFile(join(dir, 'conf', 'x.ini'), 'x');
    await until('restarted twice', () => events.filter((x) => x === 'restarted web').length === 2);
    expect(e.calls).toEqual(['stop p-web-1', 'start p-web-1']);
    await close();
  });

  it('sync+exec runs the hook after copying; rebuild is reported as not supported yet', async () => {
    const { e, events, close } = await start([
      {
        action: 'sync+exec',
        path: join(dir, 'src'),
        target: '/app',
        exec: { command: ['kill', '-HUP', '1'] },
      },
      { action: 'rebuild', path: join(dir, 'src') },
    ]);
    expect(events).toEqual(['skipped web rebuild: rebuild needs image builds, which are not supported yet']);
    await writeFile(join(dir, 'src', 'd.js'), 'd');
    await until('executed', () => events.some((x) => x.startsWith('executed')));
    expect(e.calls).toEqual(['copy p-web-1 /app d.js', 'exec p-web-1 kill -HUP 1']);
    expect(events.at(-1)).toBe('executed web kill -HUP 1 0');
    await close();
  });

  it('initial_sync copies the whole path at start', async () => {
    await writeFile(join(dir, 'src', 'e.js'), 'e');
    const e = new FakeEngine({ images: ['web:1'] });
    const project = makeProject({
      web: {
        develop: { watch: [{ action: 'sync', path: join(dir, 'src'), target: '/app', initial_sync: true }] },
      },
    });
    await converge(e, project, {});
    e.calls.length = 0;
    const close = await startDevelopWatch({ port: e, project, signal: controller.signal });
    await until('initial sync', () => e.calls.length > 0);
    expect(e.calls).toEqual(['copy p-web-1 /app .']);
    await close();
  });
});
