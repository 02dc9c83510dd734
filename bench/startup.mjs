// CLI start-up: the bundled CLI (bin/tscompose.js → dist/bundle/, what users run) beside the same
// build unbundled (dist/cli/process-entry.js, tsc's output: one file per module), for commands
// that do little beyond starting: Node's per-file module loading is what the bundle removes.
// Each command runs as a fresh process, interleaved, on an empty engine root. Run as root:
//
//     npm run build && node bench/startup.mjs [--runs 15]
//
// Replaces the "## Start-up" section of docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 15;
const engineRoot = mkdtempSync(join(tmpdir(), 'tscompose-bench-startup-'));
const stack = join(ROOT, 'examples', 'web', 'compose.yaml');

// The unbundled launcher is bin/tscompose.js pointed at tsc's output.
const unbundled = join(engineRoot, 'unbundled.mjs');
writeFileSync(
  unbundled,
  `import { run } from ${JSON.stringify(join(ROOT, 'dist', 'cli', 'process-entry.js'))};\nawait run();\n`,
);
const launchers = { bundled: [join(ROOT, 'bin', 'tscompose.js')], unbundled: [unbundled] };
const commands = [
  ['--version'],
  ['container', 'ls'],
  ['-f', stack, 'config', '-q'],
  ['-f', stack, 'ps'],
  ['-f', stack, 'up', '--dry-run'],
];

function time(argv) {
  const t = performance.now();
  const r = spawnSync(process.execPath, argv, {
    cwd: ROOT,
    env: { ...process.env, TSCOMPOSE_ROOT: engineRoot },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  const node = [];
  const results = commands.map(() => ({ bundled: [], unbundled: [] }));
  for (let i = 0; i < RUNS; i++) {
    node.push(time(['-e', '']));
    commands.forEach((cmd, k) => {
      for (const [name, launcher] of Object.entries(launchers))
        results[k][name].push(time([...launcher, ...cmd]));
    });
  }
  const rows = commands.map((cmd, k) => {
    const b = median(results[k].bundled);
    const u = median(results[k].unbundled);
    const shown = cmd.map((a) => (a === stack ? 'examples/web/compose.yaml' : a)).join(' ');
    return `| \`tscompose ${shown}\` | ${b.toFixed(0)} ms | ${u.toFixed(0)} ms | ${(u / b).toFixed(2)}× |`;
  });
  const section = [
    '## Start-up',
    '',
    `\`bench/startup.mjs\`: each command as a fresh process, ${RUNS} runs interleaved, median; an empty engine root. Bundled: \`bin/tscompose.js\` → \`dist/bundle/\` (\`scripts/bundle.mjs\`), what users run; unbundled: the same build as tsc wrote it, one file per module. Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| command | bundled | unbundled | unbundled / bundled |',
    '| --- | --- | --- | --- |',
    `| \`node -e ''\` (Node's own start-up, the floor) | ${median(node).toFixed(0)} ms | | |`,
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(`${section}\n`);
  const docPath = join(ROOT, 'docs', 'benchmarks.md');
  const doc = readFileSync(docPath, 'utf8');
  const start = doc.indexOf('\n## Start-up\n');
  if (start < 0) writeFileSync(docPath, `${doc.trimEnd()}\n\n${section}`);
  else {
    const after = doc.indexOf('\n## ', start + 1);
    writeFileSync(docPath, `${doc.slice(0, start + 1)}${section}${after < 0 ? '' : doc.slice(after)}`);
  }
} finally {
  rmSync(engineRoot, { recursive: true, force: true });
}
