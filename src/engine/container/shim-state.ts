import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The shim's `state.json` (docs/native-shim.md, version 1). */
export interface ShimState {
  readonly version: number;
  readonly id: string;
  readonly shimPid: number;
  readonly shimRunning: boolean;
  readonly status: 'created' | 'running' | 'stopping' | 'restarting' | 'exited';
  readonly pid: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly oomKilled: boolean;
  readonly error: string | null;
  readonly restartPolicy: string;
  readonly restartCount: number;
  readonly restarts: readonly { at: string; delayMs: number; exitCode: number }[];
  readonly nextRestartAt: string | null;
  readonly stopRequested: boolean;
  readonly stop: { requestedAt: string; signal: string; timeoutMs: number; killed: boolean } | null;
  readonly health: {
    readonly status: 'starting' | 'healthy' | 'unhealthy';
    readonly failingStreak: number;
    readonly log: readonly { start: string; end: string; exitCode: number; output: string }[];
  } | null;
  readonly updatedAt: string;
}

/** Reads a shim's state; undefined when there is none (never started) or it cannot be parsed. */
export async function readShimState(shimDir: string): Promise<ShimState | undefined> {
  let text: string;
  try {
    text = await readFile(join(shimDir, 'state.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as ShimState;
  } catch {
    return undefined;
  }
}

/**
 * Whether the shim's supervisor process still exists: its pid is alive and is a
 * `tscompose-native … shim … --id <id>` (so a recycled pid is not taken for it).
 */
export async function isShimAlive(state: ShimState): Promise<boolean> {
  if (!state.shimRunning || state.shimPid <= 0) return false;
  try {
    const cmdline = (await readFile(`/proc/${state.shimPid}/cmdline`, 'utf8')).split('\0');
    return cmdline.includes('shim') && cmdline.includes(state.id);
  } catch {
    return false;
  }
}

/** A shim's state together with whether its supervisor lives, read consistently. */
export interface ShimSnapshot {
  readonly state: ShimState | undefined;
  readonly alive: boolean;
}

/**
 * Reads the state and checks the supervisor, in an order that cannot mix two moments: a shim
 * writes its final state before it exits, so when it is found gone the file is read again — a
 * state read just before a quick container's exit would otherwise pair "running" with "dead"
 * (and look like a killed shim).
 */
export async function readShimSnapshot(shimDir: string): Promise<ShimSnapshot> {
  const first = await readShimState(shimDir);
  if (!first) return { state: undefined, alive: false };
  if (await isShimAlive(first)) return { state: first, alive: true };
  return { state: (await readShimState(shimDir)) ?? first, alive: false };
}
