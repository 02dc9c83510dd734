import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  readonly signal?: AbortSignal;
  /** Between checks (default 200 ms). */
  readonly intervalMs?: number;
  /** Give up after this long (absent: never, until `signal` aborts). */
  readonly timeoutMs?: number;
  /** The error thrown at the deadline, given the last check's progress text. */
  onTimeout(lastDetail: string): Error;
}

/** What one check found: done (with a value), or not yet (with a text for the timeout message). */
export type PollResult<T> =
  { readonly done: true; readonly value: T } | { readonly done: false; readonly detail: string };

/**
 * Runs `check` until it says done, sleeping `intervalMs` between checks; errors from `check`
 * propagate (a condition that can never be met throws there). The deadline is measured with the
 * monotonic clock and also interrupts a sleep; the caller's signal aborts at once.
 */
export async function pollUntil<T>(check: () => Promise<PollResult<T>>, o: PollOptions): Promise<T> {
  const interval = o.intervalMs ?? 200;
  const deadline = o.timeoutMs === undefined ? undefined : performance.now() + o.timeoutMs;
  for (;;) {
    o.signal?.throwIfAborted();
    const r = await check();
    if (r.done) return r.value;
    if (deadline !== undefined && performance.now() >= deadline) throw o.onTimeout(r.detail);
    const left =
      deadline === undefined ? interval : Math.max(0, Math.min(interval, deadline - performance.now()));
    await abortableSleep(left, o.signal);
  }
}

/** `setTimeout` as a promise that rejects with the signal's own reason (not a generic AbortError). */
export async function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  }
}
