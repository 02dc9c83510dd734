// Resident memory of `tscompose-native shim` with 10 containers running (issue 3: at most 1 MiB
// per container). Each container is busybox `sleep` under runc, with a log file and a healthcheck
// every second, so the shims do real work while they are measured. Run as root:
//
//     npm run build:native && node bench/shim-memory.mjs [--containers 10] [--settle-ms 5000]
//
// Prints a markdown table: VmRSS (what `ps` shows) with its anonymous and file-backed parts,
// VmHWM (the peak VmRSS since the shim started: the binary's code mapped while it works), and PSS
// (file pages shared by all shims are split between them: the fair per-container cost).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NATIVE =
  process.env.TSN_NATIVE_BIN || fileURLToPath(new URL('../native/build/tscompose-native', import.meta.url));
const RUNC = '/usr/sbin/runc';
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const COUNT = arg('--containers', 10);
const SETTLE_MS = arg('--settle-ms', 5000);

const root = mkdtempSync(join(tmpdir(), 'tscompose-bench-shim-'));
const runcRoot = join(root, 'runc');

/** A read-only busybox rootfs all containers share. */
function makeRootfs(dir) {
  for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp', 'etc']) mkdirSync(join(dir, d), { recursive: true });
  execFileSync('cp', ['/bin/busybox', join(dir, 'bin', 'busybox')]);
  for (const applet of execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n')) {
    if (applet !== '' && applet !== 'busybox') symlinkSync('busybox', join(dir, 'bin', applet));
  }
}

function makeBundle(dir, rootfs, id) {
  mkdirSync(dir, { recursive: true });
  execFileSync(RUNC, ['spec'], { cwd: dir });
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  config.process.terminal = false;
  config.process.args = ['sleep', '3600'];
  config.root = { path: rootfs, readonly: true };
  config.linux.cgroupsPath = `/${id}`;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
}

function request(stateDir, line) {
  return new Promise((resolve) => {
    const sock = connect(join(stateDir, 'shim.sock'));
    let out = '';
    sock.setEncoding('utf8');
    sock.on('data', (d) => (out += d));
    sock.on('close', () => resolve(out));
    sock.on('error', () => resolve(out));
    sock.write(`${line}\n`);
  });
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (text, name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return {
    hwm: field(status, 'VmHWM'),
    rss: field(status, 'VmRSS'),
    anon: field(status, 'RssAnon'),
    file: field(status, 'RssFile'),
    pss: field(rollup, 'Pss'),
  };
}

const shims = [];
try {
  const rootfs = join(root, 'rootfs');
  makeRootfs(rootfs);
  for (let i = 0; i < COUNT; i++) {
    const id = `tscompose-bench-shim-${process.pid}-${i}`;
    const bundle = join(root, 'bundles', id);
    const stateDir = join(root, 'state', id);
    mkdirSync(join(root, 'state'), { recursive: true });
    makeBundle(bundle, rootfs, id);
    const r = spawnSync(
      NATIVE,
      [
        'shim',
        '--runtime',
        RUNC,
        '--runtime-root',
        runcRoot,
        '--bundle',
        bundle,
        '--id',
        id,
        '--state-dir',
        stateDir,
        '--log-path',
        join(stateDir, 'ctr.log'),
        '--health-interval',
        '1s',
        '--',
        'true',
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`shim ${id}: ${r.stderr}`);
    shims.push({ id, stateDir, ...JSON.parse(r.stdout) });
  }
  await sleep(SETTLE_MS);
  const rows = shims.map((s) => ({ id: s.id, ...memory(s.shimPid) }));
  const kb = (n) => `${n} KiB`;
  const avg = (k) => Math.round(rows.reduce((a, r) => a + r[k], 0) / rows.length);
  const max = (k) => Math.max(...rows.map((r) => r[k]));
  console.log(
    `${COUNT} shims, each supervising a running busybox container (runc), a log file and a 1 s healthcheck,`,
  );
  console.log(
    `measured after ${SETTLE_MS} ms (kernel ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}).\n`,
  );
  console.log('| | VmRSS | RssAnon | RssFile | PSS | VmHWM (peak) |');
  console.log('|---|---|---|---|---|---|');
  const row = (name, f) =>
    `| ${name} | ${['rss', 'anon', 'file', 'pss', 'hwm'].map((k) => kb(f(k))).join(' | ')} |`;
  console.log(row('average', avg));
  console.log(row('max', max));
  console.log(`| all ${COUNT} (sum of PSS) | | | | ${kb(rows.reduce((a, r) => a + r.pss, 0))} | |`);
  const health = shims.map(
    (s) => JSON.parse(readFileSync(join(s.stateDir, 'state.json'), 'utf8')).health?.status,
  );
  console.log(`\nhealth: ${health.join(' ')}`);
} finally {
  for (const s of shims) await request(s.stateDir, 'stop 0');
  spawnSync('sh', [
    '-c',
    `for id in $(ls ${runcRoot} 2>/dev/null); do ${RUNC} --root ${runcRoot} delete --force $id; done`,
  ]);
  rmSync(root, { recursive: true, force: true });
}
