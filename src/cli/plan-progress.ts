import type { ProgressEvent, ProgressSink } from '../common/progress.js';
import type { Plan } from '../planner/types.js';
import type { CommandEnv } from './command-runner.js';
import { planSteps } from './render/plan-steps.js';
import { createStepRenderer, type StepRenderer } from './render/step-renderer.js';

/**
 * The progress of a plan's execution, as the reconciler's `onExecute` hook sets it up: a step
 * renderer over the plan's resources (listr2 on a terminal, plain lines, JSON, or nothing) on
 * stderr, for as long as one execution runs. Events outside an execution (`--wait`) go to a plain
 * renderer made on demand.
 */
export class PlanProgress implements ProgressSink {
  private current: StepRenderer | undefined;

  constructor(private readonly env: CommandEnv) {}

  emit(e: ProgressEvent): void {
    this.current?.emit(e);
  }

  /** For `ConvergeOptions.onExecute`. */
  readonly onExecute = async (plan: Plan): Promise<() => Promise<void>> => {
    const renderer = await createStepRenderer(
      this.env.globals.progress,
      this.env.ctx.stderr,
      planSteps(plan),
    );
    this.current = renderer;
    return async () => {
      this.current = undefined;
      await renderer.done();
    };
  };

  /** Runs `fn` with progress for `steps` of its own (the `--wait` phase). */
  async during<T>(steps: readonly { id: string; title: string }[], fn: () => Promise<T>): Promise<T> {
    const renderer = await createStepRenderer(this.env.globals.progress, this.env.ctx.stderr, steps);
    this.current = renderer;
    try {
      return await fn();
    } finally {
      this.current = undefined;
      await renderer.done();
    }
  }
}
