/**
 * Compose benchmark (issue 6): stacks of 1, 10 and 30 services (busybox `sleep`, `init: true`,
 * one network) through the CLI as a user runs it (a fresh Node process each time, start-up
 * included): cold `up -d` (network and containers created and started), no-op `up -d` (nothing
 * to change), `up -d` after one service's environment changed (that one recreated), and `down`.
 * Also the watch loop's latency: from writing a valid edit of the stack file to the recreated
 * container running with it (issue 6: "valid → applied within 2 s"). docker-compose and
 * podman-compose run the same stacks side by side where installed (they are not, here: said so).
 * The "Compose" section of docs/benchmarks.md is replaced with the result.
 *
 * Run as root (never part of `npm test`):
 *   npm run build && npm run build:native && npx tsc -p bench/tsconfig.json && node .bench-tmp/build/bench/compose.js
 * Environment: BENCH_RUNS (default 5), BENCH_SIZES (default 1,10,30), BENCH_PARALLEL (default -1).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src/engine/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'bin', 'tscompose.js');
const WORK = join(ROOT, '.bench-tmp', 'tscompose-compose');
const ENGINE_ROOT = join(WORK, 'root');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const SIZES = (process.env['BENCH_SIZES'] ?? '1,10,30').split(',').map(Number);
const IMAGE = 'localhost/tscompose-examples/busybox:latest';
/** `--parallel` for every command (default: unlimited, the CLI's default). */
const PARALLEL = process.env['BENCH_PARALLEL'] ?? '-1';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function stack(services: number, changed = ''): string {
  const lines = ['name: bench', 'services:'];
  for (let i = 0; i < services; i++) {
    lines.push(
      `  svc${i}:`,
      `    image: ${IMAGE}`,
      '    init: true',
      "    command: ['sleep', '3600']",
      '    environment:',
      `      INDEX: '${i}'`,
      ...(i === 0 && changed !== '' ? [`      CHANGED: '${changed}'`] : []),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the CLI; returns wall-clock milliseconds, failing loudly on a non-zero exit. */
function cli(dir: string, args: readonly string[]): number {
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [CLI, '--root', ENGINE_ROOT, '--progress', 'quiet', '--parallel', PARALLEL, ...args],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`tscompose ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function installed(command: string, args: readonly string[]): string | undefined {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : undefined;
}

interface Row {
  services: number;
  cold: number[];
  noop: number[];
  change: number[];
  down: number[];
}

async function measureSize(services: number): Promise<Row> {
  const dir = join(WORK, `stack-${services}`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'compose.yaml');
  const row: Row = { services, cold: [], noop: [], change: [], down: [] };
  for (let run = 0; run < RUNS; run++) {
    await writeFile(file, stack(services));
    row.cold.push(cli(dir, ['up', '-d']));
    row.noop.push(cli(dir, ['up', '-d']));
    await writeFile(file, stack(services, `run${run}`));
    row.change.push(cli(dir, ['up', '-d']));
    row.down.push(cli(dir, ['down', '-t', '1']));
  }
  return row;
}

/** Watch latency: `up -d --watch` running, a valid edit written, until the container carries it. */
async function watchLatency(engine: Engine): Promise<number[]> {
  const dir = join(WORK, 'stack-watch');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'compose.yaml');
  await writeFile(file, stack(1));
  const child = spawn(
    process.execPath,
    [CLI, '--root', ENGINE_ROOT, '--progress', 'quiet', 'up', '-d', '--watch'],
    {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const out: number[] = [];
  try {
    while (!err.includes('watch: watching')) await sleep(20);
    for (let run = 0; run < RUNS; run++) {
      const value = `watch${run}`;
      const t = performance.now();
      await writeFile(file, stack(1, value));
      for (;;) {
        const [c] = await engine.containers.list({ labels: { 'io.tscompose.project': 'bench' } });
        if (c?.spec.env['CHANGED'] === value && c.state === 'running') break;
        if (performance.now() - t > 30_000) throw new Error(`watch did not apply ${value}: ${err}`);
        await sleep(10);
      }
      out.push(performance.now() - t);
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('close', resolve));
    cli(dir, ['down', '-t', '1']);
  }
  return out;
}

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const cell = (xs: number[]): string => `${fmt(median(xs))} (${xs.map((x) => Math.round(x)).join(', ')})`;

/**
 * Removes everything a previous (interrupted) run left in the bench's engine root through the
 * engine — containers (their mounts, netns, cgroups, shims), networks, volumes — and only then
 * the files: deleting a root with live containers would orphan all of that on the host.
 */
async function cleanRoot(): Promise<void> {
  const engine = await Engine.open({ root: ENGINE_ROOT });
  try {
    for (const c of await engine.containers.list())
      await engine.containers.remove(c.id, { force: true, volumes: true });
    await engine.containers.repair();
    const net = await engine.networks();
    for (const n of await net.list()) await net.remove(n.name);
    for (const v of await engine.volumes.list()) await engine.volumes.remove(v.name);
  } finally {
    engine.close();
  }
  await rm(WORK, { recursive: true, force: true });
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root');
  await cleanRoot();
  await mkdir(ENGINE_ROOT, { recursive: true });
  const made = spawnSync(join(ROOT, 'examples', 'make-images.sh'), [], {
    env: { ...process.env, TSCOMPOSE_ROOT: ENGINE_ROOT },
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`make-images.sh: ${made.stderr}`);
  const engine = await Engine.open({ root: ENGINE_ROOT });
  const load = loadavg()[0]!.toFixed(1);
  const rows: Row[] = [];
  try {
    for (const size of SIZES) rows.push(await measureSize(size));
    const watch = await watchLatency(engine);
    const nodeStart = [0, 1, 2, 3, 4].map(() => {
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '']);
      return performance.now() - t;
    });
    const cliStart = [0, 1, 2, 3, 4].map(() => {
      const t = performance.now();
      spawnSync(process.execPath, [CLI, '--version']);
      return performance.now() - t;
    });
    const others = [
      ['docker-compose', installed('docker-compose', ['version'])],
      ['docker compose', installed('docker', ['compose', 'version'])],
      ['podman-compose', installed('podman-compose', ['version'])],
    ] as const;
    const table = [
      '| services | cold `up -d` | no-op `up -d` | `up -d` after one change | `down` |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) => `| ${r.services} | ${cell(r.cold)} | ${cell(r.noop)} | ${cell(r.change)} | ${cell(r.down)} |`,
      ),
    ];
    const section = [
      '## Compose',
      '',
      '`bench/compose.ts` (root; after `npm run build` and `npm run build:native`): stacks of N',
      `services (busybox \`sleep\` with \`init: true\`, one network), each command through the CLI as a new Node`,
      `process (start-up included), \`--parallel ${PARALLEL}\`, ${RUNS} runs, median (all runs in parentheses, ms). Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'},`,
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${load} at the start.`,
      '',
      ...table,
      '',
      `- Watch (\`up -d --watch\`, one service): from writing a valid edit of the stack file to the recreated`,
      `  container running with it: ${cell(watch)} (200 ms debounce included; aim: within 2 s).`,
      `- Start-up floor on this machine: \`node -e ''\` ${fmt(median(nodeStart))}, \`tscompose --version\` ${fmt(median(cliStart))}`,
      `  (Node's own start-up plus the bundled CLI's entry chunk; a command also loads its own chunk, for`,
      `  \`up\` the stack loader and the engine). A no-op \`up -d\` of ${rows.at(-1)?.services ?? 0} services spends about`,
      `  ${fmt(Math.max(0, median(rows.at(-1)?.noop ?? [0]) - median(cliStart)))} beyond that (load, inputs, observe, plan).`,
      `- Side by side: ${others.map(([name, v]) => `${name} ${v ? `(${v})` : 'is not installed here'}`).join('; ')}: no comparison`,
      '  could be run on this machine (Docker Hub and Docker/Podman packages are not reachable).',
      '- Aim (issue 6): no-op `up -d` of 30 services under 300 ms.',
      '',
    ].join('\n');
    process.stdout.write(`${section}\n`);
    await updateDoc(section);
  } finally {
    engine.close();
    await cleanRoot();
  }
}

/** Replaces (or appends) the "## Compose" section of docs/benchmarks.md, leaving the others alone. */
async function updateDoc(section: string): Promise<void> {
  const path = join(ROOT, 'docs', 'benchmarks.md');
  const doc = await readFile(path, 'utf8');
  const start = doc.indexOf('\n## Compose\n');
  if (start < 0) {
    await writeFile(path, `${doc.trimEnd()}\n\n${section}`);
    return;
  }
  const after = doc.indexOf('\n## ', start + 1);
  await writeFile(path, `${doc.slice(0, start + 1)}${section}${after < 0 ? '' : doc.slice(after)}`);
}

await main();
