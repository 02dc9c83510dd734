import { absoluteSeccompOption } from '../common/seccomp-option.js';
import type { HealthcheckSpec, RestartPolicySpec } from '../engine/container/types.js';
import type { ServiceConfig } from '../spec/types.js';
import { DurationSyntaxError, parseDuration } from '../spec/values/duration.js';
import { unsupported, type MappingContext } from './mapping-context.js';

/**
 * `restart` (`no`, `always`, `on-failure[:N]`, `unless-stopped`), else `deploy.restart_policy`
 * (`none` → no, `on-failure` with `max_attempts`, `any` → always), as Docker Compose maps them.
 */
export function serviceRestartPolicy(
  service: ServiceConfig,
  ctx: MappingContext,
): RestartPolicySpec | undefined {
  if (service.restart !== undefined) {
    const m = /^(no|always|unless-stopped|on-failure)(?::([0-9]+))?$/.exec(service.restart);
    if (!m || (m[2] !== undefined && m[1] !== 'on-failure')) {
      throw unsupported(
        ctx,
        'restart',
        `expected no, always, on-failure[:N] or unless-stopped, got "${service.restart}"`,
      );
    }
    const name = m[1] as RestartPolicySpec['name'];
    return m[2] !== undefined ? { name, maxRetries: Number(m[2]) } : { name };
  }
  const policy = service.deploy?.restart_policy;
  if (policy?.condition === undefined) return undefined;
  switch (policy.condition) {
    case 'none':
      return { name: 'no' };
    case 'any':
      return { name: 'always' };
    case 'on-failure':
      return policy.max_attempts !== undefined
        ? { name: 'on-failure', maxRetries: policy.max_attempts }
        : { name: 'on-failure' };
    default:
      throw unsupported(
        ctx,
        'deploy.restart_policy.condition',
        `expected none, on-failure or any, got "${policy.condition}"`,
      );
  }
}

/**
 * `healthcheck` with durations in ms. `disable: true` or `test: ["NONE"]` disables the image's
 * check too; absent fields inherit the image's (the engine merges, as Docker does).
 */
export function serviceHealthcheck(service: ServiceConfig, ctx: MappingContext): HealthcheckSpec | undefined {
  const h = service.healthcheck;
  if (h === undefined) return undefined;
  if (h.disable === true || (h.test?.length === 1 && h.test[0] === 'NONE')) return { disable: true };
  const out: { -readonly [K in keyof HealthcheckSpec]: HealthcheckSpec[K] } = {};
  if (h.test !== undefined) out.test = [...h.test];
  const ms = (value: string | undefined, path: string): number | undefined =>
    value === undefined ? undefined : durationMs(value, `healthcheck.${path}`, ctx);
  const interval = ms(h.interval, 'interval');
  const timeout = ms(h.timeout, 'timeout');
  const startPeriod = ms(h.start_period, 'start_period');
  const startInterval = ms(h.start_interval, 'start_interval');
  if (interval !== undefined) out.intervalMs = interval;
  if (timeout !== undefined) out.timeoutMs = timeout;
  if (h.retries !== undefined) out.retries = h.retries;
  if (startPeriod !== undefined) out.startPeriodMs = startPeriod;
  if (startInterval !== undefined) out.startIntervalMs = startInterval;
  return out;
}

/** A Go duration (`1m30s`) in whole milliseconds. */
export function durationMs(value: string, path: string, ctx: MappingContext): number {
  try {
    return Number(parseDuration(value) / 1_000_000n);
  } catch (err) {
    if (err instanceof DurationSyntaxError) throw unsupported(ctx, path, err.message);
    throw err;
  }
}

/**
 * `security_opt`: `no-new-privileges` (bare, `:true`, `=true`, or false) becomes a field; the
 * others are passed on for the engine to honour or refuse (a seccomp profile's relative path made
 * absolute against the project directory).
 */
export function serviceSecurityOptions(
  service: ServiceConfig,
  projectDir: string,
): {
  noNewPrivileges?: boolean;
  securityOpt?: string[];
} {
  let noNewPrivileges: boolean | undefined;
  const rest: string[] = [];
  for (const opt of service.security_opt ?? []) {
    const m = /^no-new-privileges(?:[:=](true|false))?$/.exec(opt);
    if (m) noNewPrivileges = m[1] !== 'false';
    else rest.push(absoluteSeccompOption(opt, projectDir));
  }
  return {
    ...(noNewPrivileges !== undefined ? { noNewPrivileges } : {}),
    ...(rest.length > 0 ? { securityOpt: rest } : {}),
  };
}
