import type { JsonValue } from './canonical-json.js';
import { CAUSE } from './causes.js';
import { diffPaths } from './field-diff.js';
import { LABEL } from './labels.js';
import type { DesiredResource, PlanBlocker } from './types.js';

/** What a network or volume of the stack needs. */
export type ResourceDecision<I> =
  | { readonly op: 'unchanged'; readonly observed: I }
  | { readonly op: 'external' }
  | { readonly op: 'create'; readonly cause: string }
  | {
      readonly op: 'changed';
      readonly cause: string;
      readonly paths: readonly string[];
      readonly observed: I;
    }
  | { readonly op: 'blocked'; readonly blocker: PlanBlocker };

/** The observed side of a network or volume: its name and labels. */
export interface ObservedResource {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Compares one desired network/volume with what exists. Ours = labelled with the project and the
 * key, with the desired name (a `name:` change is a new resource). Rules (Compose's):
 * - external: must exist by name, nothing else is checked;
 * - missing: create — unless a resource with that name exists that is not ours (conflict);
 * - ours without a config hash (made by something older): left alone;
 * - hash differs: changed, with the changed fields read from the stored `io.tscompose.config`.
 */
export function decideResource<I extends ObservedResource>(
  kind: 'network' | 'volume',
  project: string,
  desired: DesiredResource<unknown>,
  observed: readonly I[],
): ResourceDecision<I> {
  const resource = `${kind}:${desired.key}`;
  const keyLabel = kind === 'network' ? LABEL.network : LABEL.volume;
  if (desired.external) {
    if (observed.some((o) => o.name === desired.name)) return { op: 'external' };
    return {
      op: 'blocked',
      blocker: {
        code: 'PLAN_EXTERNAL_MISSING',
        resource,
        message: `${kind} ${desired.name} is declared external but does not exist`,
        hint: `create it first (tscompose ${kind} create ${desired.name})`,
      },
    };
  }
  const ours = observed.find(
    (o) =>
      o.name === desired.name && o.labels[LABEL.project] === project && o.labels[keyLabel] === desired.key,
  );
  if (ours === undefined) {
    if (observed.some((o) => o.name === desired.name)) {
      return {
        op: 'blocked',
        blocker: {
          code: 'PLAN_RESOURCE_CONFLICT',
          resource,
          message: `${kind} ${desired.name} exists but was not created by tscompose for project ${project}`,
          hint: `declare it "external: true" to use it as it is, or remove it`,
        },
      };
    }
    return { op: 'create', cause: CAUSE.missing };
  }
  const hash = ours.labels[LABEL.configHash];
  if (hash === undefined || hash === desired.configHash) return { op: 'unchanged', observed: ours };
  const paths = explainChange(ours.labels[LABEL.config], desired.configRecord);
  return { op: 'changed', cause: CAUSE.configChanged(paths), paths, observed: ours };
}

/**
 * The fields that differ between a stored record and the desired one; empty when the stored one is
 * absent or unreadable (the cause then says only that the hash changed).
 */
export function explainChange(stored: string | undefined, desired: string): string[] {
  const before = parseRecord(stored);
  const after = parseRecord(desired);
  if (before === undefined || after === undefined) return [];
  return diffPaths(before, after);
}

/** A stored canonical record, or undefined when absent or unreadable (the diff then names the root). */
export function parseRecord(text: string | undefined): JsonValue | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}
