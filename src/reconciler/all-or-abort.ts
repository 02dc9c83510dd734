import { setMaxListeners } from 'node:events';

/**
 * `Promise.all` for tasks that wait: the first failure aborts the others (through the signal each
 * task gets), and the call settles only after every task has, so nothing keeps polling behind the
 * caller's back. Rejects with the first failure.
 */
export async function allOrAbort<T>(
  tasks: readonly ((signal: AbortSignal) => Promise<T>)[],
  signal?: AbortSignal,
): Promise<T[]> {
  const internal = new AbortController();
  const combined = signal ? AbortSignal.any([signal, internal.signal]) : internal.signal;
  setMaxListeners(0, combined);
  let first: { err: unknown } | undefined;
  const settled = await Promise.allSettled(
    tasks.map((task) =>
      task(combined).catch((err: unknown) => {
        if (!first) {
          first = { err };
          internal.abort(err);
        }
        throw err;
      }),
    ),
  );
  if (first) throw first.err;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
