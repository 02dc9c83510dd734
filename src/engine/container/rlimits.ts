import { readFile } from 'node:fs/promises';
import { EngineError } from '../errors.js';
import type { UlimitSpec } from './types.js';

/** An OCI `process.rlimits` entry. */
export interface OciRlimit {
  readonly type: string;
  readonly soft: number;
  readonly hard: number;
}

/** A current limit; `Infinity` = unlimited. */
export interface CurrentLimit {
  readonly soft: number;
  readonly hard: number;
}

/** Rows of /proc/self/limits → RLIMIT names. */
const PROC_NAMES: Readonly<Record<string, string>> = {
  'Max cpu time': 'RLIMIT_CPU',
  'Max file size': 'RLIMIT_FSIZE',
  'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK',
  'Max core file size': 'RLIMIT_CORE',
  'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC',
  'Max open files': 'RLIMIT_NOFILE',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS',
  'Max file locks': 'RLIMIT_LOCKS',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
  'Max nice priority': 'RLIMIT_NICE',
  'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** Docker's `--ulimit` names (lower case, without RLIMIT_). */
export const ULIMIT_NAMES: readonly string[] = Object.values(PROC_NAMES).map((n) => n.slice(7).toLowerCase());

/** Docker's default open-files limit (what containers get through containerd's unit today). */
export const DEFAULT_NOFILE: CurrentLimit = { soft: 1024, hard: 524288 };

/** Parses /proc/<pid>/limits text. */
export function parseProcLimits(text: string): Map<string, CurrentLimit> {
  const out = new Map<string, CurrentLimit>();
  for (const line of text.split('\n')) {
    for (const [label, type] of Object.entries(PROC_NAMES)) {
      if (!line.startsWith(label)) continue;
      const rest = line.slice(label.length).trim().split(/\s+/);
      const num = (s: string | undefined): number =>
        s === 'unlimited' || s === undefined ? Infinity : Number(s);
      out.set(type, { soft: num(rest[0]), hard: num(rest[1]) });
    }
  }
  return out;
}

/** The limits of this process: a container's can never exceed them (raising one needs CAP_SYS_RESOURCE). */
export async function readCurrentLimits(): Promise<Map<string, CurrentLimit>> {
  return parseProcLimits(await readFile('/proc/self/limits', 'utf8'));
}

/**
 * "Unlimited": RLIM_INFINITY is 2^64-1, which a JSON number cannot carry exactly, so the largest
 * safe integer stands in for it (only ever reached when the current limit is unlimited too).
 */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

function ociValue(n: number): number {
  return n === Infinity || n < 0 ? UNLIMITED : n;
}

/**
 * The container's rlimits: the spec's `ulimits` (a hard limit above this process's is refused
 * with CONTAINER_ULIMIT_TOO_HIGH: the engine has no CAP_SYS_RESOURCE to raise it), plus Docker's
 * default RLIMIT_NOFILE 1024:524288 clamped to the current hard limit when the spec sets none.
 */
export function resolveRlimits(
  ulimits: readonly UlimitSpec[] | undefined,
  current: ReadonlyMap<string, CurrentLimit>,
): OciRlimit[] {
  const out = new Map<string, OciRlimit>();
  for (const u of ulimits ?? []) {
    const name = u.name.toLowerCase().replace(/^rlimit_/, '');
    if (!ULIMIT_NAMES.includes(name)) {
      throw new EngineError(
        'CONTAINER_ULIMIT_INVALID',
        `ulimit "${u.name}": unknown name`,
        `use one of ${ULIMIT_NAMES.join(', ')}`,
      );
    }
    const type = `RLIMIT_${name.toUpperCase()}`;
    const soft = u.soft < 0 ? Infinity : u.soft;
    const hard = u.hard < 0 ? Infinity : u.hard;
    if (soft > hard) {
      throw new EngineError(
        'CONTAINER_ULIMIT_INVALID',
        `ulimit ${name}: soft limit ${u.soft} is above the hard limit ${u.hard}`,
      );
    }
    const cur = current.get(type);
    if (cur && hard > cur.hard) {
      throw new EngineError(
        'CONTAINER_ULIMIT_TOO_HIGH',
        `ulimit ${name}: hard limit ${fmt(hard)} is above this engine's own hard limit ${fmt(cur.hard)}`,
        `raising a hard limit needs CAP_SYS_RESOURCE, which this host does not give; use at most ${fmt(cur.hard)} or raise the limit of the shell/service that runs tscompose`,
      );
    }
    out.set(type, { type, soft: ociValue(soft), hard: ociValue(hard) });
  }
  if (!out.has('RLIMIT_NOFILE')) {
    const cur = current.get('RLIMIT_NOFILE');
    const hard = Math.min(DEFAULT_NOFILE.hard, cur?.hard ?? DEFAULT_NOFILE.hard);
    out.set('RLIMIT_NOFILE', {
      type: 'RLIMIT_NOFILE',
      soft: Math.min(DEFAULT_NOFILE.soft, hard),
      hard: ociValue(hard),
    });
  }
  return [...out.values()];
}

function fmt(n: number): string {
  return n === Infinity ? 'unlimited' : String(n);
}
