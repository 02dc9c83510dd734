import { CommanderError } from 'commander';
import { ExitCode } from '../common/exit-codes.js';
import { isTscError } from '../common/tsc-error.js';
import type { CliContext } from './cli-context.js';
import { buildProgram } from './program.js';

/**
 * Runs one command line and returns its exit code. The only place that turns failures into
 * messages and exit codes (house rule 8): a `TscError` prints its message and hint; anything else
 * is a bug and prints its stack. `--debug` prints stacks for both.
 */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const { program, runner } = await buildProgram(ctx, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return runner.exitCode;
  } catch (err) {
    return reportError(err, ctx, debug);
  }
}

function reportError(err: unknown, ctx: CliContext, debug: boolean): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message; help and version are successful exits.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.ok;
    if (err.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage;
  }
  if (isTscError(err)) {
    ctx.stderr.write(`error: ${err.message}\n`);
    if (err.hint) ctx.stderr.write(`hint: ${err.hint}\n`);
    if (debug) ctx.stderr.write(`${formatCauses(err)}\n`);
    return err.exitCode;
  }
  if (ctx.signal.aborted) {
    ctx.stderr.write('interrupted\n');
    return ExitCode.interrupted;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  ctx.stderr.write(`error: unexpected failure (this is a bug in tscompose): ${e.message}\n`);
  ctx.stderr.write(`${debug ? formatCauses(e) : (e.stack ?? '')}\n`);
  return ExitCode.failed;
}

function formatCauses(err: Error): string {
  const parts: string[] = [];
  let current: unknown = err;
  while (current instanceof Error) {
    parts.push(current.stack ?? current.message);
    current = current.cause;
    if (current) parts.push('caused by:');
  }
  return parts.join('\n');
}
