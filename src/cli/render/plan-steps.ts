import type { Action, Plan } from '../../planner/types.js';

/** One line of per-resource progress: the resource id events carry, and what users read. */
export interface Step {
  readonly id: string;
  readonly title: string;
}

/** `Network p_default`, `Volume p_data`, `Image redis:7`, `Container p-web-1` — Compose's words. */
export function stepTitle(action: Action): string {
  switch (action.kind) {
    case 'create-network':
    case 'recreate-network':
      return `Network ${action.network.name}`;
    case 'remove-network':
      return `Network ${action.name}`;
    case 'create-volume':
    case 'recreate-volume':
      return `Volume ${action.volume.name}`;
    case 'remove-volume':
      return `Volume ${action.name}`;
    case 'pull-image':
    case 'build-image':
      return `Image ${action.image}`;
    case 'create-container':
    case 'recreate-container':
      return `Container ${action.spec.name}`;
    case 'start-container':
    case 'stop-container':
    case 'remove-container':
      return `Container ${action.container.name}`;
    default: {
      const never: never = action;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}

/** The steps of a plan, one per resource, in the plan's order. */
export function planSteps(plan: Plan, only?: (a: Action) => boolean): Step[] {
  const seen = new Map<string, Step>();
  for (const a of plan.actions) {
    if (only && !only(a)) continue;
    if (!seen.has(a.resource)) seen.set(a.resource, { id: a.resource, title: stepTitle(a) });
  }
  return [...seen.values()];
}
