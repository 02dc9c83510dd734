import { DurationSyntaxError, parseDuration } from '../spec/values/duration.js';
import { CAUSE } from './causes.js';
import type { PlanBuilder } from './plan-builder.js';
import type { DesiredService, PlanBlocker, PullOverride } from './types.js';

/** How a service's image is to be obtained in this plan. */
export type ImageDecision =
  | { readonly op: 'none' }
  | { readonly op: 'pull'; readonly cause: string }
  | { readonly op: 'build'; readonly cause: string }
  | { readonly op: 'blocked'; readonly blocker: PlanBlocker };

const WINDOWS_MS: Record<string, number> = { daily: 86_400_000, weekly: 604_800_000 };

/**
 * Compose's pull policies (§4.8): `missing` (default) pulls — or builds, for a service with
 * `build:` — only an absent image; `always` pulls every time; `never` refuses an absent image;
 * `build` always builds; `daily`/`weekly`/`every_<duration>` pull when the local image is older
 * than that (by its last pull, against the caller's clock `now`). `--pull` overrides the policy.
 */
export function decideImage(
  service: DesiredService,
  pull: PullOverride,
  now: string | undefined,
): ImageDecision {
  const { facts, buildable, ref } = service.image;
  const present = facts !== null;
  const missing = (): ImageDecision =>
    present
      ? { op: 'none' }
      : buildable
        ? { op: 'build', cause: CAUSE.missing }
        : { op: 'pull', cause: CAUSE.missing };
  const never = (how: string): ImageDecision =>
    present
      ? { op: 'none' }
      : {
          op: 'blocked',
          blocker: {
            code: 'PLAN_IMAGE_MISSING',
            resource: `image:${ref}`,
            message: `image ${ref} of service ${service.name} is not present and ${how} forbids pulling it`,
            hint: 'pull it first (tscompose pull), or change the pull policy',
          },
        };
  if (pull !== 'policy') {
    if (pull === 'always') return { op: 'pull', cause: CAUSE.pullFlag('always') };
    if (pull === 'never') return never('--pull never');
    return missing();
  }
  const policy = service.image.pullPolicy === 'if_not_present' ? 'missing' : service.image.pullPolicy;
  if (policy === 'always') return { op: 'pull', cause: CAUSE.pullPolicy('always') };
  if (policy === 'never') return never('pull_policy: never');
  if (policy === 'build') return { op: 'build', cause: CAUSE.pullPolicy('build') };
  const windowMs = WINDOWS_MS[policy] ?? everyWindowMs(policy);
  if (windowMs !== undefined && present && now !== undefined && facts.lastUpdated !== undefined) {
    const age = Date.parse(now) - Date.parse(facts.lastUpdated);
    if (Number.isFinite(age) && age >= windowMs) {
      return { op: 'pull', cause: CAUSE.pullStale(policy, facts.lastUpdated) };
    }
  }
  return missing();
}

/**
 * Emits one pull or build per image reference (the first service by name decides), returning the
 * action id by reference. Blockers are collected.
 */
export function emitImageActions(
  builder: PlanBuilder,
  services: readonly DesiredService[],
  pull: PullOverride,
  now: string | undefined,
  blockers: PlanBlocker[],
): Map<string, number> {
  const ids = new Map<string, number>();
  const blocked = new Set<string>();
  for (const service of services) {
    const ref = service.image.ref;
    if (ids.has(ref) || blocked.has(ref)) continue;
    const d = decideImage(service, pull, now);
    const resource = `image:${ref}`;
    switch (d.op) {
      case 'none':
        break;
      case 'pull':
        ids.set(
          ref,
          builder.add({
            kind: 'pull-image',
            resource,
            cause: d.cause,
            image: ref,
            ...(service.image.platform !== undefined ? { platform: service.image.platform } : {}),
          }),
        );
        break;
      case 'build':
        ids.set(
          ref,
          builder.add({ kind: 'build-image', resource, cause: d.cause, image: ref, service: service.name }),
        );
        break;
      case 'blocked':
        blocked.add(ref);
        blockers.push(d.blocker);
        break;
      default: {
        const never: never = d;
        throw new Error(`unexpected image decision ${JSON.stringify(never)}`);
      }
    }
  }
  return ids;
}

/** `every_12h`, `every_1h30m` → the window in ms; undefined for anything else. */
function everyWindowMs(policy: string): number | undefined {
  if (!policy.startsWith('every_')) return undefined;
  try {
    return Number(parseDuration(policy.slice('every_'.length)) / 1_000_000n);
  } catch (err) {
    if (err instanceof DurationSyntaxError) return undefined;
    throw err;
  }
}
