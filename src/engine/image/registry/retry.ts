import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Total tries, the first included (Docker: 5 download attempts). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 };

/** An error that says how long to wait (HTTP 429/503 `Retry-After`). */
export interface RetryAfter {
  readonly retryAfterMs?: number;
}

/**
 * Runs `fn` until it succeeds, `isRetryable` says no, or the attempts are spent. Waits grow
 * exponentially with jitter (capped), or as long as the server asked; every wait honours the
 * signal, so Ctrl-C never sits out a backoff.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: {
    readonly policy: RetryPolicy;
    readonly isRetryable: (err: unknown) => boolean;
    readonly signal?: AbortSignal;
    readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  },
): Promise<T> {
  const { policy, signal } = options;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (signal?.aborted || attempt >= policy.attempts || !options.isRetryable(err)) throw err;
      const asked = (err as RetryAfter).retryAfterMs;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delay =
        asked !== undefined
          ? Math.min(asked, policy.maxDelayMs * 4)
          : backoff / 2 + Math.random() * (backoff / 2);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, undefined, { signal });
    }
  }
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ENETRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** Connection-level failures worth another try (a dropped connection, a stalled socket). */
export function isTransientNetworkError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.code && RETRYABLE_CODES.has(e.code)) return true;
  return e.message === 'socket hang up' || e.message === 'aborted';
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
