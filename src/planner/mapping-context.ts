import type { Project } from '../spec/types.js';
import { PlanError } from './errors.js';

/** What mapping one service's attributes onto a ContainerSpec needs from the rest of the project. */
export interface MappingContext {
  readonly project: Project;
  readonly serviceName: string;
  /** Content digests of configs and secrets by key (all present for the ones the service uses). */
  readonly configDigests: Readonly<Record<string, string>>;
  readonly secretDigests: Readonly<Record<string, string>>;
  /**
   * The container a `service:X` reference joins. The desired state names X's replica 1; the plan
   * rewrites it to X's lowest kept replica (see plan.ts).
   */
  readonly serviceContainer: (service: string) => string;
}

/** The engine cannot do what the stack asks: `service web: ports[1]: protocol "sctp" is not supported`. */
export function unsupported(ctx: MappingContext, path: string, detail: string, hint?: string): PlanError {
  return new PlanError('PLAN_UNSUPPORTED', `service ${ctx.serviceName}: ${path}: ${detail}`, hint);
}
