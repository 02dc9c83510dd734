import { setTimeout as sleep } from 'node:timers/promises';

/** Thrown by a `waitFor` check to stop waiting at once (the condition can no longer become true). */
export class WaitAborted extends Error {}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`
 * with what it waited for and the last error the check threw (a deadline, never a fixed sleep).
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      if (err instanceof WaitAborted) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await sleep(25);
  }
}
