import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { resolveGlobalOptions, type GlobalOptions, type RawGlobalOptions } from './global-options.js';

/** What a command's action receives besides its own arguments and options. */
export interface CommandEnv {
  readonly ctx: CliContext;
  readonly globals: GlobalOptions;
}

/** A command's body: returns the process exit code (undefined = 0). */
export type CommandBody<A extends unknown[]> = (env: CommandEnv, ...args: A) => Promise<number | void>;

/**
 * Wraps command bodies into commander actions. The exit code a body returns is kept here so that
 * `main.ts` can return it without the body calling `process.exit` (commands run in-process in tests).
 */
export class CommandRunner {
  exitCode = 0;

  constructor(private readonly ctx: CliContext) {}

  action<A extends unknown[]>(body: CommandBody<A>): (...args: unknown[]) => Promise<void> {
    return async (...args: unknown[]) => {
      // Commander passes (...positionals, options, command); the root holds the global options.
      const command = args[args.length - 1] as Command;
      let root = command;
      while (root.parent) root = root.parent;
      const globals = resolveGlobalOptions(root.opts<RawGlobalOptions>(), this.ctx.env);
      const code = await body({ ctx: this.ctx, globals }, ...(args.slice(0, -1) as A));
      this.exitCode = code ?? 0;
    };
  }
}
