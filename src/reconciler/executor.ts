import { setMaxListeners } from 'node:events';
import { InterruptedError } from '../common/interrupted-error.js';
import type { ProgressSink, ProgressStatus } from '../common/progress.js';
import { isTscError } from '../common/tsc-error.js';
import { actionVerb } from '../planner/render-plan.js';
import type { Action, Plan } from '../planner/types.js';
import { describeAction, type ActionContext } from './action-context.js';
import { runAction } from './actions/index.js';
import { waitForDependencies } from './dependency-wait.js';
import type { EnginePort } from './engine-port.js';
import { ReconcileError, reasonOf } from './errors.js';

export interface ExecuteOptions {
  readonly port: EnginePort;
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
  /** At most this many actions at once (`--parallel`, COMPOSE_PARALLEL_LIMIT); -1 or absent: no limit. */
  readonly parallel?: number;
  /** Grace period of every stop (`-t`); absent: each container's own. */
  readonly stopTimeoutMs?: number;
  /** Deadline of each dependency wait (absent: none). */
  readonly waitTimeoutMs?: number;
  /** Poll interval of dependency waits (default 200 ms). */
  readonly waitIntervalMs?: number;
  /** Non-fatal news (a `required: false` dependency that failed). */
  onWarning?(message: string): void;
}

export interface ExecutionReport {
  /** Ids of the actions that finished, in completion order. */
  readonly completed: readonly number[];
}

/**
 * Applies a plan (docker/compose's executor, STYLE §4/§6): an action starts as soon as every
 * action in its `after` list has finished, with at most `parallel` running at once, lowest id
 * first. The first failure aborts the others (through the AbortSignal every engine call gets),
 * starts nothing new, waits for what runs to settle, and throws one error naming the resource and
 * the reason: `service api (p-api-1): start failed: …`. The caller's abort ends the run the same
 * way with an InterruptedError.
 */
export function executePlan(plan: Plan, o: ExecuteOptions): Promise<ExecutionReport> {
  const limit = o.parallel === undefined || o.parallel <= 0 ? Number.POSITIVE_INFINITY : o.parallel;
  const internal = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, internal.signal]) : internal.signal;
  // Every engine call of every running action listens on this one signal: dozens at once on a
  // large stack, which is expected, not a leak (Node warns above 10 by default).
  setMaxListeners(0, signal);
  const pendingActions = [...plan.actions].sort((a, b) => a.id - b.id);
  const done = new Set<number>();
  const completed: number[] = [];
  const running = new Map<number, Promise<void>>();
  let failure: { action: Action | undefined; err: unknown; step?: string | undefined } | undefined;

  return new Promise<ExecutionReport>((resolve, reject) => {
    const finish = (): void => {
      if (failure) {
        reject(
          o.signal?.aborted || !failure.action
            ? interrupted(o.signal?.reason)
            : wrapFailure(failure.action, failure.err, failure.step),
        );
      } else if (done.size === plan.actions.length) {
        resolve({ completed });
      } else {
        const stuck = pendingActions.map((a) => `#${a.id}`).join(', ');
        reject(new Error(`plan ${plan.project}: actions ${stuck} wait for actions that are not in the plan`));
      }
    };
    const pump = (): void => {
      if (!failure && o.signal?.aborted) failure = { action: undefined, err: o.signal.reason };
      if (!failure) {
        for (let i = 0; i < pendingActions.length && running.size < limit;) {
          const action = pendingActions[i]!;
          if (action.after.every((d) => done.has(d))) {
            pendingActions.splice(i, 1);
            start(action);
          } else i += 1;
        }
      }
      if (running.size === 0) finish();
    };
    const start = (action: Action): void => {
      const ctx = actionContext(action, plan.project, signal, o);
      const run = runAction(action, ctx, o.progress).then(
        () => {
          running.delete(action.id);
          done.add(action.id);
          completed.push(action.id);
          pump();
        },
        (err: unknown) => {
          running.delete(action.id);
          if (!failure) {
            failure = { action, err, step: ctx.step() };
            ctx.report('error', signal.aborted && !internal.signal.aborted ? 'Interrupted' : 'Error');
            internal.abort(new Error(`${describeAction(action)} failed`));
          } else {
            ctx.report('warning', 'Canceled');
          }
          pump();
        },
      );
      running.set(action.id, run);
    };
    pump();
  });
}

/** The step an action was in when it failed, from the last `working` text it reported. */
const STEP_OF: Readonly<Record<string, string>> = {
  Creating: 'create',
  Recreating: 'recreate',
  Starting: 'start',
  Stopping: 'stop',
  'Stopping old': 'stop',
  Removing: 'remove',
  Pulling: 'pull',
  Waiting: 'wait',
};

type RunningContext = ActionContext & { readonly step: () => string | undefined };

function actionContext(
  action: Action,
  project: string,
  signal: AbortSignal,
  o: ExecuteOptions,
): RunningContext {
  let step: string | undefined;
  const emit = (status: ProgressStatus, text: string): void => {
    if (status === 'working' || status === 'waiting') step = STEP_OF[text] ?? step;
    o.progress?.emit({ id: action.resource, status, text });
  };
  return {
    step: () => step,
    port: o.port,
    project,
    signal,
    report: emit,
    ...(o.stopTimeoutMs !== undefined ? { stopTimeoutMs: o.stopTimeoutMs } : {}),
    waitFor: (conditions, forResource) =>
      waitForDependencies(conditions, describeAction(action), {
        port: o.port,
        project,
        signal,
        ...(o.waitIntervalMs !== undefined ? { intervalMs: o.waitIntervalMs } : {}),
        ...(o.waitTimeoutMs !== undefined ? { timeoutMs: o.waitTimeoutMs } : {}),
        onSkipped: (message) => {
          o.progress?.emit({ id: forResource, status: 'warning', text: 'Dependency skipped' });
          o.onWarning?.(message);
        },
      }),
  };
}

/** Codes whose message already says what failed; they keep their code and get the resource prefixed. */
const OWN_MESSAGE_CODES = new Set([
  'RECONCILE_DEPENDENCY_FAILED',
  'RECONCILE_WAIT_TIMEOUT',
  'RECONCILE_UNSUPPORTED',
]);

function wrapFailure(action: Action, err: unknown, step: string | undefined): Error {
  const subject = describeAction(action);
  if (err instanceof ReconcileError && OWN_MESSAGE_CODES.has(err.code)) {
    return new ReconcileError(err.code, `${subject}: ${err.message}`, err.hint, { cause: err });
  }
  return new ReconcileError(
    'RECONCILE_ACTION_FAILED',
    `${subject}: ${step ?? actionVerb(action.kind)} failed: ${reasonOf(err)}`,
    isTscError(err) ? err.hint : undefined,
    { cause: err },
  );
}

function interrupted(reason: unknown): InterruptedError {
  return new InterruptedError('interrupted', { cause: reason });
}
