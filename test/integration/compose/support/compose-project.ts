import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, realpath, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type ContainerInfo } from '../../../../src/engine/index.js';
import { hostNamesFor } from '../../../../src/engine/network/index.js';
import { makeEngineRoot } from '../../../helpers/engine-root.js';
import { hostLeaks } from '../../../helpers/host-leaks.js';
import { CLI_BIN, REPO_ROOT, runCli, type CliResult } from '../../../helpers/run-cli.js';
import { waitFor } from '../../../helpers/wait-for.js';

/**
 * One example stack (a copy of `examples/<name>`, so tests may edit it) on a temporary engine
 * root with the examples' image made by `examples/make-images.sh` — the way a user gets it. The
 * CLI runs as a real process; the engine API observes (ids, start times, states). `leaks()` lists
 * what host-leaks finds of this root.
 */
export interface ComposeProject {
  readonly root: string;
  readonly dir: string;
  readonly file: string;
  readonly engine: Engine;
  /** Variables every command gets (WEB_PORT: a free port); tests may add some. */
  readonly env: Record<string, string>;
  readonly port: number;
  cli(args: readonly string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** A long-running CLI process (`up --watch`), its output collected. */
  spawn(args: readonly string[]): RunningCli;
  containers(project: string): Promise<ContainerInfo[]>;
  leaks(): string[];
  cleanup(): Promise<void>;
}

export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Waits until stderr matches (deadline, no timing assertion). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends SIGINT and waits for the exit code. */
  interrupt(): Promise<number>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function openComposeProject(example: 'web' | 'dev', label: string): Promise<ComposeProject> {
  const made = await makeEngineRoot(label);
  const dir = await mkdtemp(join(tmpdir(), `tscompose-test-${label}-project-`));
  await cp(join(REPO_ROOT, 'examples', example), dir, { recursive: true });
  const made2 = spawnSync(join(REPO_ROOT, 'examples', 'make-images.sh'), [], {
    env: { ...process.env, TSCOMPOSE_ROOT: made.root },
    encoding: 'utf8',
  });
  if (made2.status !== 0) throw new Error(`make-images.sh failed: ${made2.stderr}`);
  const engine = await Engine.open({ root: made.root });
  const port = await freePort();
  const env: Record<string, string> = { WEB_PORT: String(port) };
  const file = join(dir, 'compose.yaml');
  const names = hostNamesFor(await realpath(made.root));
  const markers = [made.root, names.linkPrefix, names.table, `tscompose-${names.rootTag}-`];
  const base = (args: readonly string[]): string[] => ['--root', made.root, '-f', file, ...args];
  const running: ChildProcess[] = [];
  return {
    root: made.root,
    dir,
    file,
    engine,
    env,
    port,
    cli: (args, extraEnv = {}) => runCli(base(args), { cwd: dir, env: { ...env, ...extraEnv } }),
    spawn(args) {
      const child = spawn(process.execPath, [CLI_BIN, ...base(args)], {
        cwd: dir,
        env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      running.push(child);
      let out = '';
      let err = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
      const exited = new Promise<number>((resolve) =>
        child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
      );
      return {
        child,
        stdout: () => out,
        stderr: () => err,
        waitForStderr: (pattern, timeoutMs = 30_000) =>
          waitFor(
            `stderr matching ${String(pattern)} (stderr so far: ${err.slice(-2000)})`,
            () => pattern.test(err),
            timeoutMs,
          ).then(() => undefined),
        interrupt: async () => {
          child.kill('SIGINT');
          return exited;
        },
      };
    },
    containers: (project) => engine.containers.list({ labels: { 'io.tscompose.project': project } }),
    leaks: () => [...new Set(markers.flatMap((m) => hostLeaks(m)))],
    cleanup: async () => {
      for (const child of running)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const c of await engine.containers.list().catch(() => [])) {
        await engine.containers.remove(c.id, { force: true, volumes: true }).catch(() => undefined);
      }
      const net = await engine.networks();
      for (const n of await net.list()) await net.remove(n.name).catch(() => undefined);
      for (const v of await engine.volumes.list()) await engine.volumes.remove(v.name).catch(() => undefined);
      engine.close();
      await made.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export { waitFor };

/** GET http://127.0.0.1:port/path, retried until it answers 200 (deadline). */
export async function httpGet(port: number, path: string): Promise<string> {
  return waitFor(`http://127.0.0.1:${port}${path}`, async () => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) });
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return res.text();
  });
}
