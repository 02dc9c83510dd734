// Start-to-reachable time of a published port (issue 5): from "the container's netns exists
// and a server listens in it" to "an HTTP GET on 127.0.0.1:<host port> answers", through the
// engine's own calls: connect (bridge port, address, DNS names) then publish (nft table, conntrack
// flush). A netns with busybox httpd stands in for the container. Run as root, after a build:
//
//     npm run build && npm run build:native && node bench/network-publish.mjs [--runs 20]
//
// Prints a markdown table (median and p90 of each step, in ms).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetworkManager } from '../dist/engine/network/index.js';
import { findNativeBinary } from '../dist/engine/native-binary.js';
import { Runtime } from '../dist/engine/runtime.js';
import { EngineLock, enginePaths } from '../dist/engine/store/index.js';

const i = process.argv.indexOf('--runs');
const RUNS = i > 0 ? Number(process.argv[i + 1]) : 20;

const root = mkdtempSync(join(tmpdir(), 'tscompose-bench-net-'));
writeFileSync(join(root, 'resolv.conf'), '');
const www = join(root, 'www');
mkdirSync(www);
writeFileSync(join(www, 'index.html'), 'ok');
const net = await NetworkManager.open({
  paths: enginePaths(root),
  lock: new EngineLock(root),
  runtime: new Runtime({ binary: findNativeBinary() }),
  hostResolvConf: join(root, 'resolv.conf'),
});

function get(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 500 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const samples = { connect: [], publish: [], firstAnswer: [], total: [] };
try {
  await net.create({ name: 'bench' });
  for (let run = 0; run < RUNS; run++) {
    const id = `bench${run}`;
    const netnsPath = await net.createNetns(id);
    const httpd = spawn(
      'ip',
      ['netns', 'exec', net.hostNames.netns(id), 'busybox', 'httpd', '-f', '-p', '80', '-h', www],
      {
        stdio: 'ignore',
      },
    );
    await sleep(100); // httpd listening before the clock starts: we time the network, not busybox
    const t0 = performance.now();
    await net.connect('bench', { containerId: id, containerName: id, netnsPath });
    const t1 = performance.now();
    const [port] = await net.publish(id, [{ containerPort: 80 }]);
    const t2 = performance.now();
    while (!(await get(port.hostPort))) await sleep(1);
    const t3 = performance.now();
    samples.connect.push(t1 - t0);
    samples.publish.push(t2 - t1);
    samples.firstAnswer.push(t3 - t2);
    samples.total.push(t3 - t0);
    httpd.kill('SIGKILL');
    await net.release(id);
  }
} finally {
  await net.remove('bench').catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
}

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor(s.length / 2)], s[Math.floor(s.length * 0.9)]].map((v) => v.toFixed(1));
};
console.log(`| step (${RUNS} runs) | median ms | p90 ms |\n|---|---|---|`);
for (const [name, label] of [
  ['connect', 'connect (veth, address, DNS names live)'],
  ['publish', 'publish (port resolved, nft table swapped)'],
  ['firstAnswer', 'first HTTP answer on 127.0.0.1 after publish'],
  ['total', 'total: connect → reachable'],
]) {
  const [median, p90] = stat(samples[name]);
  console.log(`| ${label} | ${median} | ${p90} |`);
}
