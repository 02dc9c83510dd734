import { buildDesiredState } from '../planner/desired-state.js';
import { planDown } from '../planner/plan-down.js';
import { assertApplicable, plan as makePlan } from '../planner/plan.js';
import type { DesiredState, DownOptions, ObservedState, Plan, PlanOptions } from '../planner/types.js';
import type { Project } from '../spec/types.js';
import { resolveDesiredInputs } from './desired-inputs.js';
import type { EnginePort } from './engine-port.js';
import { executePlan, type ExecuteOptions } from './executor.js';
import { observeProject } from './observe.js';

export interface ConvergeOptions extends Omit<ExecuteOptions, 'port'> {
  readonly plan?: PlanOptions;
  /** `--scale service=N`. */
  readonly scale?: Readonly<Record<string, number>>;
  readonly version?: string;
  /** Plan only (`up --dry-run`, `tscompose plan`): nothing is changed. */
  readonly dryRun?: boolean;
  /** The caller's clock (ISO 8601) for `pull_policy: daily|weekly|every_…`; default: now. */
  now?(): string;
  /** Called with the plan before anything is applied (to print it, or set up progress). */
  onPlan?(plan: Plan): void | Promise<void>;
  /**
   * Called before each plan (or part of one: the pulls) is executed, with what will run; the
   * function it returns is called once that execution settled (progress renderers use this).
   */
  onExecute?(plan: Plan): Promise<(() => Promise<void>) | void>;
}

export interface ConvergeResult {
  /** The plan as first computed (what `--dry-run` prints; pulls included). */
  readonly plan: Plan;
  /** The plan applied after the pulls (equal to `plan` when nothing was pulled). */
  readonly applied: Plan | undefined;
  /** The desired state the applied plan was computed from (image facts after the pulls). */
  readonly desired: DesiredState;
  readonly observed: ObservedState;
}

/**
 * `up`: desired state (inputs resolved through the engine), one observation, the plan; then, as
 * docs/planner.md asks, the pulls first and a second plan with the pulled images' facts (which is
 * how a newer image is detected and recreates its containers), then that plan applied through the
 * executor. Refuses a plan with blockers (PlanError) before changing anything.
 */
export async function converge(
  port: EnginePort,
  project: Project,
  o: ConvergeOptions,
): Promise<ConvergeResult> {
  const signal = o.signal ? { signal: o.signal } : {};
  const now = o.now?.() ?? new Date().toISOString();
  const inputOptions = {
    ...signal,
    ...(o.scale ? { scale: o.scale } : {}),
    ...(o.version ? { version: o.version } : {}),
  };
  let desired = buildDesiredState(project, await resolveDesiredInputs(project, port, inputOptions));
  const observed = await observeProject(port, project.name, signal);
  const first = makePlan(desired, observed, { ...o.plan, now });
  await o.onPlan?.(first);
  assertApplicable(first);
  if (o.dryRun) return { plan: first, applied: undefined, desired, observed };

  let applied = first;
  const pulls = first.actions.filter((a) => a.kind === 'pull-image' || a.kind === 'build-image');
  if (pulls.length > 0) {
    const ids = new Set(pulls.map((a) => a.id));
    await execute(
      port,
      { ...first, actions: pulls.map((a) => ({ ...a, after: a.after.filter((d) => ids.has(d)) })) },
      o,
    );
    desired = buildDesiredState(project, await resolveDesiredInputs(project, port, inputOptions));
    // The images are present now; `never` keeps a second pull from being planned.
    applied = makePlan(desired, observed, { ...o.plan, now, pull: 'never' });
    assertApplicable(applied);
  }
  await execute(port, applied, o);
  return { plan: first, applied, desired, observed };
}

/** Executes a plan between the caller's `onExecute` hook and the function it returned. */
async function execute(
  port: EnginePort,
  p: Plan,
  o: Omit<ExecuteOptions, 'port'> & Pick<ConvergeOptions, 'onExecute'>,
): Promise<void> {
  const finish = await o.onExecute?.(p);
  try {
    await executePlan(p, { ...o, port });
  } finally {
    if (finish) await finish();
  }
}

export interface TakeDownOptions extends Omit<ExecuteOptions, 'port'> {
  readonly down?: DownOptions;
  readonly dryRun?: boolean;
  onPlan?(plan: Plan): void | Promise<void>;
  onExecute?(plan: Plan): Promise<(() => Promise<void>) | void>;
}

/** `down`: the plan that removes the project's containers (dependents first), networks and (`-v`) volumes. */
export async function takeDown(
  port: EnginePort,
  project: Project,
  o: TakeDownOptions,
): Promise<{ plan: Plan; desired: DesiredState; observed: ObservedState }> {
  const signal = o.signal ? { signal: o.signal } : {};
  const desired = buildDesiredState(
    project,
    await resolveDesiredInputs(project, port, { ...signal, digestFiles: false, lookupImages: false }),
  );
  const observed = await observeProject(port, project.name, signal);
  const p = planDown(desired, observed, o.down ?? {});
  await o.onPlan?.(p);
  assertApplicable(p);
  if (!o.dryRun) await execute(port, p, o);
  return { plan: p, desired, observed };
}
