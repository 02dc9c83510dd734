import type { ContainerContext } from './container-context.js';
import type { ProcessStdio } from './container-exec.js';
import { readContainerLogs } from './container-logs.js';
import type { ContainerRecord } from './container-record.js';
import { waitForExit } from './container-wait.js';
import { shimAttach, shimCommand } from './shim-client.js';

/**
 * The attached half of `run` (the container was just started): its output from the log file,
 * from the first byte — nothing is lost to an attach that comes after the program's first write
 * — record by record as the shim writes them (a prompt without a newline shows at once), until
 * the shim reports the exit on its attach socket; stdin, when the container keeps it open, through
 * `attach stdin-once`. Resolves with the exit code. Without a log (`logging: none`), only the exit.
 */
export async function followAttached(
  ctx: ContainerContext,
  r: ContainerRecord,
  stdio: ProcessStdio,
  o: { readonly signal?: AbortSignal; readonly terminalSize?: { rows: number; cols: number } } = {},
): Promise<number> {
  const p = ctx.store.pathsOf(r.id);
  const exit = waitForExit(ctx, r, o);
  exit.catch(() => undefined);
  if (r.config?.tty && o.terminalSize) {
    await shimCommand(p.shim, `resize ${o.terminalSize.rows} ${o.terminalSize.cols}`, o.signal).catch(
      () => undefined,
    );
  }
  let input: { destroy(): void } | undefined;
  if (stdio.stdin && r.config?.openStdin) {
    const session = await shimAttach(p.shim, {
      stdin: 'stdin-once',
      ...(o.signal ? { signal: o.signal } : {}),
    }).catch(() => undefined);
    if (session) {
      const source = stdio.stdin;
      source.on('data', (d: Buffer | string) => void session.socket.write(d));
      source.once('end', () => session.socket.end());
      input = session.socket;
    }
  }
  try {
    if (r.spec.logging?.driver === 'none') return await exit;
    for await (const line of readContainerLogs(p.log, {
      follow: true,
      raw: true,
      stopWhen: exit,
      ...(o.signal ? { signal: o.signal } : {}),
    })) {
      const out = line.stream === 'stderr' ? stdio.stderr : stdio.stdout;
      out.write(line.complete ? Buffer.concat([line.text, Buffer.from('\n')]) : line.text);
    }
    return await exit;
  } finally {
    input?.destroy();
  }
}
