import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../src/engine/index.js';
import { httpGet, openComposeProject, waitFor, type ComposeProject } from './support/compose-project.js';

const canRun = process.getuid?.() === 0;

const STACK = `name: cmds
x-image: &image localhost/tscompose-examples/busybox:latest
services:
  web:
    init: true
    image: *image
    command: ['httpd', '-f', '-p', '80', '-h', '/srv']
    ports: ['\${WEB_PORT}:80']
    volumes: ['./site:/srv:ro']
  job:
    image: *image
    command: ['sh', '-c', 'echo hello from job; echo oops >&2; exit 3']
    profiles: [jobs]
  ticker:
    init: true
    image: *image
    command: ['sh', '-c', 'echo tick; exec sleep 300']
    profiles: [jobs]
`;

/**
 * The project commands end to end on a small stack: attached `up` (log prefixes, exit codes,
 * Ctrl-C), `up --wait` with a one-shot job, `ps`, `logs`, `exec`, `run`, `top`, `port`,
 * `images`, `ls`, `pause`/`unpause`, `stop`/`start`/`restart`, `kill`, `rm`, `wait`, and profiles.
 */
describe.skipIf(!canRun)('compose: project commands', () => {
  let p: ComposeProject;
  const byName = async (name: string): Promise<ContainerInfo | undefined> =>
    (await p.containers('cmds')).find((c) => c.name === name);

  beforeAll(async () => {
    p = await openComposeProject('web', 'compose-cmds');
    await writeFile(p.file, STACK);
  });
  afterAll(async () => {
    if (!p) return;
    await p.cleanup();
    expect(p.leaks()).toEqual([]);
  });

  it('attached up streams prefixed logs and exits with the --exit-code-from service’s code, stopping the rest', async () => {
    const r = await p.cli(['--profile', 'jobs', 'up', '--exit-code-from', 'job', '--no-color']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/^job-1 {5}\| hello from job$/m);
    expect(r.stdout).toMatch(/^job-1 {5}\| oops$/m);
    expect(r.stdout).toMatch(/^ticker-1 {2}\| tick$/m);
    expect((await byName('cmds-ticker-1'))?.state).toBe('exited');
    expect((await byName('cmds-web-1'))?.state).toBe('exited');
  });

  it('attached up: Ctrl-C stops the stack (exit 130)', async () => {
    const up = p.spawn(['up', 'web']);
    await waitFor('web running', async () => (await byName('cmds-web-1'))?.state === 'running');
    await up.waitForStderr(/Container cmds-web-1 {2}Started/);
    expect(await up.interrupt()).toBe(130);
    expect(up.stderr()).toContain('Gracefully stopping... (press Ctrl+C again to force)');
    expect((await byName('cmds-web-1'))?.state).toBe('exited');
  });

  it('up -d --wait: a one-shot job that exits 0 is success, one that fails is a failure naming it', async () => {
    await writeFile(p.file, STACK.replace('exit 3', 'exit 0'));
    const ok = await p.cli(['--profile', 'jobs', 'up', '-d', '--wait', '--wait-timeout', '60']);
    expect(ok.code, ok.stderr).toBe(0);
    await writeFile(p.file, STACK);
    const bad = await p.cli(['--profile', 'jobs', 'up', '-d', '--wait', '--wait-timeout', '60']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error: service job: container cmds-job-1 exited with code 3/);
  });

  it('ps: running containers by default, all with -a, JSON lines with --format json, profiles scope it', async () => {
    const ps = await p.cli(['ps']);
    expect(ps.stdout.split('\n')[0]).toMatch(/^NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS$/);
    expect(ps.stdout).toContain('cmds-web-1');
    expect(ps.stdout).toContain(`0.0.0.0:${p.port}->80/tcp`);
    expect(ps.stdout).not.toContain('cmds-job-1');
    expect((await p.cli(['ps', '-a', '--services'])).stdout).toBe('job\nticker\nweb\n');
    const json = (await p.cli(['ps', '--format', 'json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.map((j) => [j['Name'], j['Service'], j['State']])).toEqual([
      ['cmds-ticker-1', 'ticker', 'running'],
      ['cmds-web-1', 'web', 'running'],
    ]);
    expect((await p.cli(['--profile', 'jobs', 'ps', '-a', '--services'])).stdout).toBe('job\nticker\n');
  });

  it('logs, exec, top, port, images, ls', async () => {
    expect((await p.cli(['logs', '--no-log-prefix', 'job'])).stdout).toBe('hello from job\noops\n');
    // Started twice by now (attached up, then up --wait): its log keeps both runs.
    expect((await p.cli(['logs', 'ticker'])).stdout).toBe('ticker-1  | tick\nticker-1  | tick\n');
    expect((await p.cli(['logs', '--tail', '1', 'ticker'])).stdout).toBe('ticker-1  | tick\n');
    expect(await p.cli(['exec', '-T', 'web', 'sh', '-c', 'echo $((6*7)); exit 5'])).toMatchObject({
      code: 5,
      stdout: '42\n',
    });
    const top = await p.cli(['top', 'web']);
    expect(top.stdout).toMatch(/^cmds-web-1\nUID +PID +PPID +C +STIME +TTY +TIME +CMD\n/);
    expect(top.stdout).toContain('httpd -f -p 80 -h /srv');
    expect((await p.cli(['port', 'web', '80'])).stdout).toBe(`0.0.0.0:${p.port}\n`);
    expect((await p.cli(['images', 'web'])).stdout).toMatch(
      /cmds-web-1 +localhost\/tscompose-examples\/busybox +latest +[0-9a-f]{12} /,
    );
    expect((await p.cli(['ls'])).stdout).toMatch(/^cmds +running\(2\), exited\(1\)/m);
  });

  it('run: a one-off container with the service’s settings, its exit code, --rm leaves nothing', async () => {
    const r = await p.cli(['run', '--rm', '-T', '-e', 'X=1', 'job', 'sh', '-c', 'echo run $X; exit 4']);
    expect(r).toMatchObject({ code: 4, stdout: 'run 1\n' });
    expect((await p.containers('cmds')).some((c) => c.name.includes('-run-'))).toBe(false);
    const d = await p.cli(['run', '-d', '--name', 'cmds-oneoff', 'ticker']);
    expect(d).toMatchObject({ code: 0, stdout: 'cmds-oneoff\n' });
    expect((await p.cli(['ps', '-a', '-q'])).stdout.split('\n').filter(Boolean)).toHaveLength(4);
    expect((await p.cli(['up', '-d', 'web'])).stderr).not.toMatch(/oneoff/);
    await p.engine.containers.remove('cmds-oneoff', { force: true });
  });

  it('pause, unpause, stop (intent), start, restart, kill, rm, wait', async () => {
    expect((await p.cli(['pause', 'web'])).code).toBe(0);
    expect((await byName('cmds-web-1'))?.state).toBe('paused');
    expect((await p.cli(['unpause', 'web'])).code).toBe(0);
    expect(await httpGet(p.port, '/')).toContain('Hello from tscompose');
    expect((await p.cli(['stop', 'web'])).code).toBe(0);
    expect(await byName('cmds-web-1')).toMatchObject({ state: 'exited', desiredState: 'stopped' });
    expect((await p.cli(['start', 'web'])).code).toBe(0);
    expect(await byName('cmds-web-1')).toMatchObject({ state: 'running', desiredState: 'running' });
    const before = (await byName('cmds-web-1'))?.startedAt;
    expect((await p.cli(['restart', 'web'])).code).toBe(0);
    expect((await byName('cmds-web-1'))?.startedAt).not.toBe(before);
    expect((await p.cli(['kill', '-s', 'TERM', 'ticker'])).code).toBe(0);
    await waitFor('ticker down', async () => (await byName('cmds-ticker-1'))?.state === 'exited');
    const waited = await p.cli(['wait', 'ticker']);
    expect(waited.stdout).toMatch(/^\d+\n$/);
    expect((await p.cli(['--profile', 'jobs', 'rm', '-f'])).stderr).toMatch(
      /Container cmds-job-1 {2}Removed/,
    );
    expect(await byName('cmds-job-1')).toBeUndefined();
    expect(await byName('cmds-web-1')).toBeDefined();
  });

  it('down with a profile takes down only that profile’s services; down takes the rest', async () => {
    expect((await p.cli(['--profile', 'jobs', 'up', '-d'])).code).toBe(0);
    const down = await p.cli(['--profile', 'jobs', 'down']);
    expect(down.code, down.stderr).toBe(0);
    expect((await p.containers('cmds')).map((c) => c.name)).toEqual(['cmds-web-1']);
    expect((await p.cli(['down', '-v'])).code).toBe(0);
    expect(await p.containers('cmds')).toEqual([]);
    expect(await (await p.engine.networks()).list()).toEqual([]);
  });
});
