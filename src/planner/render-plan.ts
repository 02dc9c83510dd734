import type { Action, ActionKind, Plan } from './types.js';

/** The mark in front of each action: `+` create, `~` recreate, `-` remove, `>` start, `<` stop, `*` pull/build. */
export function actionSymbol(kind: ActionKind): string {
  switch (kind) {
    case 'create-network':
    case 'create-volume':
    case 'create-container':
      return '+';
    case 'recreate-network':
    case 'recreate-volume':
    case 'recreate-container':
      return '~';
    case 'remove-network':
    case 'remove-volume':
    case 'remove-container':
      return '-';
    case 'start-container':
      return '>';
    case 'stop-container':
      return '<';
    case 'pull-image':
    case 'build-image':
      return '*';
    default: {
      const never: never = kind;
      throw new Error(`unknown action kind ${String(never)}`);
    }
  }
}

/** The verb users read: `create`, `recreate`, `remove`, `start`, `stop`, `pull`, `build`. */
export function actionVerb(kind: ActionKind): string {
  return kind.slice(0, kind.indexOf('-'));
}

/**
 * The plan as users read it (`tscompose plan`, `up --dry-run`), and the golden value of the
 * planner's tests. One line per action, in id order:
 *
 *   `~ [1] -> #2 service:web:1  recreate  config hash changed: environment.FOO`
 *
 * mark, prerequisites (`[ids] ->`, absent when none: such actions may start at once), id,
 * resource, verb, cause. Then refusals (`!`, with their hint), warnings, and a count of what is
 * unchanged. A plan with nothing to do says `no changes`.
 */
export function renderPlan(p: Plan): string {
  const lines: string[] = [];
  if (p.actions.length === 0 && p.blockers.length === 0) lines.push('no changes');
  for (const a of p.actions) {
    const after = a.after.length > 0 ? `[${a.after.join(',')}] -> ` : '';
    lines.push(
      `${actionSymbol(a.kind)} ${after}#${a.id} ${a.resource}  ${actionVerb(a.kind)}  ${describe(a)}`,
    );
  }
  for (const x of p.blockers) {
    lines.push(`! ${x.resource}  refused  ${x.message}`);
    if (x.hint !== undefined) lines.push(`  hint: ${x.hint}`);
  }
  for (const w of p.warnings) lines.push(`warning: ${w}`);
  const counts = [
    count(p.unchanged.containers.length, 'container'),
    count(p.unchanged.networks.length, 'network'),
    count(p.unchanged.volumes.length, 'volume'),
  ].filter((c) => c !== '');
  if (counts.length > 0) lines.push(`unchanged: ${counts.join(', ')}`);
  return lines.join('\n');
}

/** The cause, with what a user needs to know besides (containers a network recreation reconnects). */
function describe(a: Action): string {
  if (a.kind === 'recreate-network') {
    const names = a.attached.filter((c) => c.reconnect).map((c) => c.name);
    return names.length > 0 ? `${a.cause}; reconnects ${names.join(', ')}` : a.cause;
  }
  if (a.kind === 'create-container' && !a.start) return `${a.cause} (not started)`;
  if (a.kind === 'recreate-container' && !a.start) return `${a.cause} (not started)`;
  return a.cause;
}

function count(n: number, noun: string): string {
  return n === 0 ? '' : `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** One action in `--format json`: what it does and why, never the full spec (it holds the environment). */
export interface ActionJson {
  readonly id: number;
  readonly kind: ActionKind;
  readonly resource: string;
  readonly cause: string;
  readonly after: readonly number[];
  /** Engine name of the network, volume or container concerned. */
  readonly name?: string;
  readonly service?: string;
  readonly number?: number | null;
  readonly image?: string;
  /** Id of the container an action replaces, stops, starts or removes. */
  readonly containerId?: string;
  readonly start?: boolean;
}

export interface PlanJson {
  readonly project: string;
  readonly actions: readonly ActionJson[];
  readonly blockers: Plan['blockers'];
  readonly warnings: readonly string[];
  readonly unchanged: Plan['unchanged'];
}

/** The plan for `--format json` (stable field names; scripts rely on them). */
export function planToJson(p: Plan): PlanJson {
  return {
    project: p.project,
    actions: p.actions.map(actionToJson),
    blockers: p.blockers,
    warnings: p.warnings,
    unchanged: p.unchanged,
  };
}

function actionToJson(a: Action): ActionJson {
  const base = { id: a.id, kind: a.kind, resource: a.resource, cause: a.cause, after: a.after };
  switch (a.kind) {
    case 'create-network':
    case 'recreate-network':
      return { ...base, name: a.network.name };
    case 'remove-network':
    case 'remove-volume':
      return { ...base, name: a.name };
    case 'create-volume':
    case 'recreate-volume':
      return { ...base, name: a.volume.name };
    case 'pull-image':
      return { ...base, image: a.image };
    case 'build-image':
      return { ...base, image: a.image, service: a.service };
    case 'create-container':
      return {
        ...base,
        name: a.spec.name,
        service: a.service,
        number: a.number,
        image: a.spec.image,
        start: a.start,
      };
    case 'recreate-container':
      return {
        ...base,
        name: a.spec.name,
        service: a.service,
        number: a.number,
        image: a.spec.image,
        containerId: a.replaces.containerId,
        start: a.start,
      };
    case 'start-container':
    case 'stop-container':
    case 'remove-container':
      return {
        ...base,
        name: a.container.name,
        service: a.service,
        number: a.number,
        containerId: a.container.containerId,
      };
    default: {
      const never: never = a;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}
