/**
 * Loading a generated 500-service stack (plus an override file touching one service in ten), the
 * way `tscompose config` loads it: parse, interpolate, merge, validate, canonical form, normalize,
 * bind, profiles, consistency, env_file resolution. Target: < 200 ms per load on the CI machine.
 *
 * Run (compiles this file and src/spec, then runs it; nothing is installed):
 *   npx tsc bench/load-stack.ts --outDir node_modules/.cache/tscompose-bench --rootDir . \
 *     --module nodenext --moduleResolution nodenext --target es2023 --types node --skipLibCheck --strict \
 *   && node node_modules/.cache/tscompose-bench/bench/load-stack.js [services] [iterations]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadProject } from '../src/spec/index.js';

const SERVICES = Number(process.argv[2] ?? 500);
const ITERATIONS = Number(process.argv[3] ?? 20);

/**
 * A realistic service (~14 lines): an anchor merged in, an interpolated image, environment and an
 * env_file, short-syntax ports and volumes, networks, a healthcheck, a dependency, labels.
 */
function stackFile(count: number): string {
  const lines = [
    'name: bench',
    'x-common: &common',
    '  restart: unless-stopped',
    '  logging: {driver: json-file, options: {max-size: 10m}}',
    'services:',
  ];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  svc${i}:`,
      '    <<: *common',
      `    image: registry.example.com/team/app${i % 7}:\${TAG:-1.${i % 10}}`,
      '    environment:',
      `      INDEX: "${i}"`,
      '      MODE: ${MODE:-production}',
      '      SECRET_FROM_OS:',
      '    env_file: [./common.env]',
      `    ports: ["${10000 + i}:8080", "127.0.0.1:${20000 + i}:9090/udp"]`,
      `    volumes: ["data${i % 10}:/var/lib/data", "./config:/etc/app:ro"]`,
      '    networks: [front, back]',
      '    healthcheck: {test: curl -f http://localhost:8080/health, interval: 30s, timeout: 5s}',
      ...(i > 0 ? [`    depends_on: {svc${i - 1}: {condition: service_started}}`] : []),
      '    deploy: {resources: {limits: {cpus: "0.5", memory: 256m}}}',
      `    labels: {com.example.service: svc${i}}`,
    );
  }
  lines.push('networks:', '  front:', '  back:', '    internal: true', 'volumes:');
  for (let v = 0; v < 10; v++) lines.push(`  data${v}:`);
  return `${lines.join('\n')}\n`;
}

/** An override file touching one service in ten (environment appended, a port added). */
function overrideFile(count: number): string {
  const lines = ['services:'];
  for (let i = 0; i < count; i += 10) {
    lines.push(`  svc${i}:`, '    environment: [DEBUG=1]', `    ports: ["${30000 + i}:8080"]`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsc-bench-stack-'));
  try {
    writeFileSync(join(dir, 'compose.yaml'), stackFile(SERVICES));
    writeFileSync(join(dir, 'compose.override.yaml'), overrideFile(SERVICES));
    writeFileSync(join(dir, 'common.env'), 'LOG_LEVEL=info\nREGION="eu-west"\n');
    const options = {
      files: [{ path: join(dir, 'compose.yaml') }, { path: join(dir, 'compose.override.yaml') }],
      workingDir: dir,
      environment: { HOME: '/root', SECRET_FROM_OS: 's3cret' },
    };
    const sizes = ['compose.yaml', 'compose.override.yaml'].map((f) => readFileSync(join(dir, f), 'utf8'));
    const lineCount = sizes.reduce((n, t) => n + t.split('\n').length - 1, 0);
    const kib = sizes.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1024;
    const warmup = await loadProject(options);
    if (Object.keys(warmup.services).length !== SERVICES) throw new Error('bench stack did not load fully');
    // Wall time, and this process's CPU time (stabler when other work shares the machine).
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const start = performance.now();
      const startCpu = process.cpuUsage();
      await loadProject(options);
      const usedCpu = process.cpuUsage(startCpu);
      wall.push(performance.now() - start);
      cpu.push((usedCpu.user + usedCpu.system) / 1000);
    }
    const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
    const stats = (xs: number[]): string => {
      const sorted = [...xs].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] as number;
      return `median ${fmt(median)}, min ${fmt(sorted[0] as number)}, max ${fmt(sorted[sorted.length - 1] as number)}`;
    };
    console.log(
      `load ${SERVICES} services (2 files, ${lineCount} lines, ${kib.toFixed(0)} KiB), ${ITERATIONS} runs after a warm-up`,
    );
    console.log(`  wall: ${stats(wall)}`);
    console.log(`  cpu:  ${stats(cpu)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
