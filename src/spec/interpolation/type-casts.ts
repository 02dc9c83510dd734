import { RuleTable } from '../field-path.js';

/** Turns an interpolated string into the type the schema wants, or says why it cannot. */
export type Cast = (value: string, warn: (message: string) => void) => CastResult;
export type CastResult = { ok: true; value: number | boolean } | { ok: false; expected: string };

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const toInt: Cast = (v) =>
  INTEGER.test(v) ? { ok: true, value: Number(v) } : { ok: false, expected: 'an integer' };

const toFloat: Cast = (v) => {
  if (FLOAT.test(v)) return { ok: true, value: Number(v) };
  const lower = v.toLowerCase().replace(/^[+]/, '');
  if (lower === 'inf' || lower === 'infinity') return { ok: true, value: Infinity };
  if (lower === '-inf' || lower === '-infinity') return { ok: true, value: -Infinity };
  return { ok: false, expected: 'a number' };
};

/** YAML 1.1 spellings are still accepted here (with a warning), as Compose does. */
const toBoolean: Cast = (v, warn) => {
  const lower = v.toLowerCase();
  if (lower === 'true') return { ok: true, value: true };
  if (lower === 'false') return { ok: true, value: false };
  if (lower === 'y' || lower === 'yes' || lower === 'on') {
    warn(`"${v}" for boolean is not supported by YAML 1.2, please use \`true\``);
    return { ok: true, value: true };
  }
  if (lower === 'n' || lower === 'no' || lower === 'off') {
    warn(`"${v}" for boolean is not supported by YAML 1.2, please use \`false\``);
    return { ok: true, value: false };
  }
  return { ok: false, expected: 'a boolean' };
};

/**
 * Where an interpolated string becomes a number or boolean. Interpolation runs before validation so
 * that `privileged: ${PRIV}` validates as a boolean; the casts apply to every string at these paths,
 * with or without a variable in it (compose-go does the same).
 */
export const TYPE_CASTS = new RuleTable<Cast>([
  ['services.*.cpu_count', toInt],
  ['services.*.cpu_percent', toFloat],
  ['services.*.cpu_period', toInt],
  ['services.*.cpu_quota', toInt],
  ['services.*.cpu_rt_period', toInt],
  ['services.*.cpu_rt_runtime', toInt],
  ['services.*.cpus', toFloat],
  ['services.*.cpu_shares', toInt],
  ['services.*.init', toBoolean],
  ['services.*.depends_on.*.required', toBoolean],
  ['services.*.depends_on.*.restart', toBoolean],
  ['services.*.deploy.replicas', toInt],
  ['services.*.deploy.update_config.parallelism', toInt],
  ['services.*.deploy.update_config.max_failure_ratio', toFloat],
  ['services.*.deploy.rollback_config.parallelism', toInt],
  ['services.*.deploy.rollback_config.max_failure_ratio', toFloat],
  ['services.*.deploy.restart_policy.max_attempts', toInt],
  ['services.*.deploy.placement.max_replicas_per_node', toInt],
  ['services.*.healthcheck.retries', toInt],
  ['services.*.healthcheck.disable', toBoolean],
  ['services.*.oom_kill_disable', toBoolean],
  ['services.*.oom_score_adj', toInt],
  ['services.*.pids_limit', toInt],
  ['services.*.ports.[].target', toInt],
  ['services.*.privileged', toBoolean],
  ['services.*.read_only', toBoolean],
  ['services.*.scale', toInt],
  ['services.*.stdin_open', toBoolean],
  ['services.*.tty', toBoolean],
  ['services.*.ulimits.*', toInt],
  ['services.*.ulimits.*.hard', toInt],
  ['services.*.ulimits.*.soft', toInt],
  ['services.*.volumes.[].read_only', toBoolean],
  ['services.*.volumes.[].volume.nocopy', toBoolean],
  ['networks.*.external', toBoolean],
  ['networks.*.internal', toBoolean],
  ['networks.*.attachable', toBoolean],
  ['networks.*.enable_ipv4', toBoolean],
  ['networks.*.enable_ipv6', toBoolean],
  ['volumes.*.external', toBoolean],
  ['secrets.*.external', toBoolean],
  ['configs.*.external', toBoolean],
]);
