import type { CliContext } from './cli-context.js';

/**
 * Counts interrupts while attached `up` runs, so that Ctrl-C stops the stack and a second Ctrl-C
 * kills it (Compose's behaviour) instead of exiting at once. The first interrupt is also taken
 * from the context's signal (SIGTERM, or a test aborting it). When the command runs on the real
 * process, the process's own SIGINT listeners (process-entry.ts exits on the second one) are set
 * aside meanwhile and restored by the returned function.
 */
export function countInterrupts(ctx: CliContext, handler: (count: number) => void): () => void {
  let count = 0;
  const fire = (): void => {
    count += 1;
    handler(count);
  };
  const onAbort = (): void => fire();
  if (ctx.signal.aborted) queueMicrotask(fire);
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  const real = ctx.stdout === process.stdout;
  const saved = real ? process.listeners('SIGINT') : [];
  if (real) {
    process.removeAllListeners('SIGINT');
    process.on('SIGINT', fire);
  }
  return () => {
    ctx.signal.removeEventListener('abort', onAbort);
    if (real) {
      process.off('SIGINT', fire);
      for (const l of saved) process.on('SIGINT', l);
    }
  };
}
