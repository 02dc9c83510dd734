import { readFile } from 'node:fs/promises';
import type { ContainerContext } from './container-context.js';
import type { ContainerRecord } from './container-record.js';
import { parsePasswd } from './passwd.js';

/** `top`: Docker's shape (`ps -ef` columns). */
export interface ProcessList {
  readonly titles: readonly string[];
  readonly processes: readonly (readonly string[])[];
}

const TITLES = ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'];

function hms(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  const t = [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
  return d > 0 ? `${d}-${t}` : t;
}

/** One `ps -ef` row from /proc (host view: host pids and host user names, as Docker shows). */
export function processRow(
  pid: number,
  stat: string,
  status: string,
  cmdline: string,
  o: { clockTicks: number; bootTimeMs: number; names: ReadonlyMap<number, string> },
): string[] {
  const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = f[1] ?? '0';
  const tty = Number(f[4] ?? 0);
  const cpuTicks = Number(f[11] ?? 0) + Number(f[12] ?? 0);
  const startTicks = Number(f[19] ?? 0);
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  const started = new Date(o.bootTimeMs + (startTicks / o.clockTicks) * 1000);
  const stime = `${String(started.getHours()).padStart(2, '0')}:${String(started.getMinutes()).padStart(2, '0')}`;
  const args = cmdline.split('\0').filter((a) => a !== '');
  return [
    o.names.get(uid) ?? String(uid),
    String(pid),
    ppid,
    '0',
    stime,
    tty === 0 ? '?' : `pts/${tty & 0xff}`,
    hms(cpuTicks / o.clockTicks),
    args.length > 0 ? args.join(' ') : `[${comm}]`,
  ];
}

async function bootTimeMs(): Promise<number> {
  const stat = await readFile('/proc/stat', 'utf8');
  return Number(/^btime (\d+)/m.exec(stat)?.[1] ?? 0) * 1000;
}

/** The container's processes (the runtime's `ps`: every pid of its cgroup). */
export async function topContainer(
  ctx: ContainerContext,
  r: ContainerRecord,
  signal?: AbortSignal,
): Promise<ProcessList> {
  const out = await ctx.runtime.runtimeVerb(
    ctx.runtimeRoot,
    ['ps', '--format', 'json', r.id],
    signal ? { signal } : {},
  );
  const pids = (Array.isArray(out[0]) ? (out[0] as number[]) : []).sort((a, b) => a - b);
  const names = new Map(
    parsePasswd(await readFile('/etc/passwd', 'utf8').catch(() => '')).map((e) => [e.uid, e.name]),
  );
  const opts = { clockTicks: 100, bootTimeMs: await bootTimeMs(), names };
  const processes: string[][] = [];
  for (const pid of pids) {
    try {
      const [stat, status, cmdline] = await Promise.all([
        readFile(`/proc/${pid}/stat`, 'utf8'),
        readFile(`/proc/${pid}/status`, 'utf8'),
        readFile(`/proc/${pid}/cmdline`, 'utf8'),
      ]);
      processes.push(processRow(pid, stat, status, cmdline, opts));
    } catch {
      // It exited meanwhile.
    }
  }
  return { titles: TITLES, processes };
}
