import type { Action } from './types.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An action before it gets its id and prerequisites. */
export type ActionDraft = DistributiveOmit<Action, 'id' | 'after'>;

/**
 * Collects actions in emission order. Ids are 1-based and increase, and prerequisites must
 * already exist, so the plan is a DAG by construction and any id order is a valid serial order.
 */
export class PlanBuilder {
  private readonly actions: Action[] = [];

  /** Adds an action after `after` (ids of earlier actions; duplicates and unknown ids are dropped). */
  add(draft: ActionDraft, after: Iterable<number> = []): number {
    const id = this.actions.length + 1;
    const deps = [...new Set(after)].filter((d) => d >= 1 && d < id).sort((a, b) => a - b);
    this.actions.push({ ...draft, id, after: deps } as Action);
    return id;
  }

  /**
   * The actions with `after` transitively reduced: a prerequisite that another prerequisite already
   * waits for (directly or not) is left out. The order constraints are unchanged; plans read shorter.
   */
  build(): Action[] {
    const ancestors: Set<number>[] = [new Set()];
    for (const action of this.actions) {
      const set = new Set<number>();
      for (const d of action.after) {
        set.add(d);
        for (const a of ancestors[d] as Set<number>) set.add(a);
      }
      ancestors[action.id] = set;
    }
    return this.actions.map((action) => {
      const after = action.after.filter(
        (d) => !action.after.some((e) => e !== d && (ancestors[e] as Set<number>).has(d)),
      );
      return { ...action, after };
    });
  }
}
