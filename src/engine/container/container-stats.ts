import { readFile } from 'node:fs/promises';
import type { ContainerContext } from './container-context.js';
import { hostCgroupVersion } from './container-context.js';
import { currentRunState } from './container-lifecycle.js';
import type { ContainerRecord } from './container-record.js';

/** One sample of a container's resource use (cgroup figures, as `docker stats` shows them). */
export interface ContainerStats {
  readonly id: string;
  readonly name: string;
  /** Sample time, ms since the epoch. */
  readonly readAtMs: number;
  /** Total CPU time used, ns (cpuacct.usage / cpu.stat usage_usec). */
  readonly cpuUsageNs: number;
  /** Host CPU time, ns, for the percentage between two samples (from /proc/stat). */
  readonly systemCpuNs: number;
  readonly onlineCpus: number;
  /** Memory in use minus the inactive file cache (Docker's rule), bytes. */
  readonly memoryUsageBytes: number;
  /** The limit (the host's memory when unlimited). */
  readonly memoryLimitBytes: number;
  readonly pids: number;
  readonly netRxBytes: number;
  readonly netTxBytes: number;
  readonly blockReadBytes: number;
  readonly blockWriteBytes: number;
}

async function read(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}

function num(text: string): number {
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : 0;
}

function keyed(text: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** `/proc/<pid>/cgroup` → controller → path (v1 lines `N:ctrl[,ctrl]:path`, v2 `0::path`). */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '') out.set('', m[2]!);
    for (const c of m[1]!.split(',')) if (c !== '') out.set(c, m[2]!);
  }
  return out;
}

/** Sums `/proc/<pid>/net/dev` over the container's interfaces (loopback excluded). */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const [iface, rest] = line.split(':');
    if (!rest || iface!.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/);
    rx += Number(f[0] ?? 0);
    tx += Number(f[8] ?? 0);
  }
  return { rx, tx };
}

async function hostCpuNs(): Promise<{ total: number; cpus: number }> {
  const stat = await read('/proc/stat');
  const first = stat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const ticks = first.reduce((a, b) => a + b, 0);
  const cpus = stat.split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
  return { total: (ticks / 100) * 1e9, cpus };
}

/** A sample of the container's cgroups (v1 or v2); zeros for a container that is not running. */
export async function statsOf(ctx: ContainerContext, r: ContainerRecord): Promise<ContainerStats> {
  const run = await currentRunState(ctx, r);
  const host = await hostCpuNs();
  const meminfo = await read('/proc/meminfo');
  const hostMem = keyed(meminfo.replace(/:\s+/g, ' ').replace(/ kB/g, ''), 'MemTotal') * 1024;
  const base = {
    id: r.id,
    name: r.name,
    readAtMs: Date.now(),
    systemCpuNs: host.total,
    onlineCpus: host.cpus,
  };
  if (run.pid <= 0) {
    return {
      ...base,
      cpuUsageNs: 0,
      memoryUsageBytes: 0,
      memoryLimitBytes: hostMem,
      pids: 0,
      netRxBytes: 0,
      netTxBytes: 0,
      blockReadBytes: 0,
      blockWriteBytes: 0,
    };
  }
  const cg = parseProcCgroup(await read(`/proc/${run.pid}/cgroup`));
  const net = parseNetDev(await read(`/proc/${run.pid}/net/dev`));
  if ((await hostCgroupVersion()) === 2) {
    const dir = `/sys/fs/cgroup${cg.get('') ?? ''}`;
    const memStat = await read(`${dir}/memory.stat`);
    const max = (await read(`${dir}/memory.max`)).trim();
    const io = await read(`${dir}/io.stat`);
    return {
      ...base,
      cpuUsageNs: keyed(await read(`${dir}/cpu.stat`), 'usage_usec') * 1000,
      memoryUsageBytes: Math.max(
        0,
        num(await read(`${dir}/memory.current`)) - keyed(memStat, 'inactive_file'),
      ),
      memoryLimitBytes: max === 'max' || max === '' ? hostMem : Number(max),
      pids: num(await read(`${dir}/pids.current`)),
      netRxBytes: net.rx,
      netTxBytes: net.tx,
      blockReadBytes: [...io.matchAll(/rbytes=(\d+)/g)].reduce((a, m) => a + Number(m[1]), 0),
      blockWriteBytes: [...io.matchAll(/wbytes=(\d+)/g)].reduce((a, m) => a + Number(m[1]), 0),
    };
  }
  const mem = `/sys/fs/cgroup/memory${cg.get('memory') ?? ''}`;
  const memStat = await read(`${mem}/memory.stat`);
  const limit = num(await read(`${mem}/memory.limit_in_bytes`));
  const blkio = await read(`/sys/fs/cgroup/blkio${cg.get('blkio') ?? ''}/blkio.throttle.io_service_bytes`);
  const sumOp = (op: string): number =>
    [...blkio.matchAll(new RegExp(`^\\S+ ${op} (\\d+)`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
  return {
    ...base,
    cpuUsageNs: num(await read(`/sys/fs/cgroup/cpuacct${cg.get('cpuacct') ?? ''}/cpuacct.usage`)),
    memoryUsageBytes: Math.max(
      0,
      num(await read(`${mem}/memory.usage_in_bytes`)) - keyed(memStat, 'total_inactive_file'),
    ),
    memoryLimitBytes: limit > 0 && limit < hostMem ? limit : hostMem,
    pids: num(await read(`/sys/fs/cgroup/pids${cg.get('pids') ?? ''}/pids.current`)),
    netRxBytes: net.rx,
    netTxBytes: net.tx,
    blockReadBytes: sumOp('Read'),
    blockWriteBytes: sumOp('Write'),
  };
}

/** CPU % between two samples of one container, as `docker stats` computes it. */
export function cpuPercent(prev: ContainerStats, cur: ContainerStats): number {
  const cpu = cur.cpuUsageNs - prev.cpuUsageNs;
  const system = cur.systemCpuNs - prev.systemCpuNs;
  if (cpu <= 0 || system <= 0) return 0;
  return (cpu / system) * cur.onlineCpus * 100;
}
