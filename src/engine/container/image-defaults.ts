import { EngineError } from '../errors.js';
import type { ImageRuntimeConfig } from '../types.js';
import { normalizeSignal } from './signals.js';
import type { ContainerSpec, RestartPolicySpec } from './types.js';

/** Docker's PATH for images that set none (`oci.DefaultPathEnv`). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/** A healthcheck after merging the spec's over the image's, with Docker's defaults filled in. */
export interface EffectiveHealthcheck {
  /** What the shim runs in the container (`CMD-SHELL x` became `/bin/sh -c x`). */
  readonly command: readonly string[];
  /** The test as Docker shows it (`["CMD-SHELL", "x"]`). */
  readonly test: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
  readonly startIntervalMs: number;
}

/** The container's configuration once the image's defaults and the spec's overrides are merged. */
export interface EffectiveConfig {
  /** ENTRYPOINT + CMD as the program runs (before a `--init` wrapper). */
  readonly args: readonly string[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** `KEY=VALUE`, Docker's order: PATH, HOSTNAME, TERM (tty), then the image's, then the spec's. */
  readonly env: readonly string[];
  readonly cwd: string;
  /** The user as written (spec, else image), undefined = root. */
  readonly user: string | undefined;
  readonly hostname: string;
  readonly domainname: string | undefined;
  readonly stopSignal: string;
  readonly stopTimeoutMs: number;
  readonly healthcheck: EffectiveHealthcheck | null;
  /** `80/tcp` keys: the image's, `expose`, and published container ports. */
  readonly exposedPorts: readonly string[];
  /** Image `VOLUME` targets. */
  readonly imageVolumes: readonly string[];
  /** Image labels under the spec's (what inspect shows as Config.Labels). */
  readonly labels: Readonly<Record<string, string>>;
  readonly restartPolicy: RestartPolicySpec;
  readonly tty: boolean;
  readonly openStdin: boolean;
}

export interface EffectiveConfigInputs {
  readonly spec: ContainerSpec;
  readonly image: ImageRuntimeConfig;
  /** Default hostname: the short id (or the host's name with host networking). */
  readonly defaultHostname: string;
}

/** Replaces `KEY=…` entries of `base` by those of `over` (in place of the first), appends new keys. */
export function mergeEnv(base: readonly string[], over: readonly string[]): string[] {
  const out = [...base];
  const index = new Map<string, number>();
  out.forEach((e, i) => index.set(envKey(e), i));
  for (const e of over) {
    const k = envKey(e);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, out.length);
      out.push(e);
    } else out[at] = e;
  }
  return out;
}

function envKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

/** Docker's ENTRYPOINT/CMD rules (see ContainerSpec.entrypoint). */
export function resolveCommand(
  spec: Pick<ContainerSpec, 'entrypoint' | 'command'>,
  image: Pick<ImageRuntimeConfig, 'Entrypoint' | 'Cmd'>,
): { entrypoint: string[]; cmd: string[] } {
  const command = spec.command && spec.command.length > 0 ? [...spec.command] : null;
  if (spec.entrypoint !== null && spec.entrypoint.length > 0) {
    return { entrypoint: [...spec.entrypoint], cmd: command ?? [] };
  }
  const entrypoint = spec.entrypoint === null ? [...(image.Entrypoint ?? [])] : [];
  return { entrypoint, cmd: command ?? [...(image.Cmd ?? [])] };
}

const NS_PER_MS = 1_000_000;

function msFromImage(ns: number | undefined): number | undefined {
  return ns === undefined || ns <= 0 ? undefined : Math.round(ns / NS_PER_MS);
}

/** Merges the spec's healthcheck over the image's (field by field), then Docker's defaults. */
export function resolveHealthcheck(
  spec: ContainerSpec['healthcheck'],
  image: ImageRuntimeConfig['Healthcheck'],
): EffectiveHealthcheck | null {
  if (spec?.disable) return null;
  const test = spec?.test && spec.test.length > 0 ? spec.test : image?.Test;
  if (!test || test.length === 0 || test[0] === 'NONE') return null;
  let command: string[];
  if (test[0] === 'CMD') command = test.slice(1);
  else if (test[0] === 'CMD-SHELL') command = ['/bin/sh', '-c', test.slice(1).join(' ')];
  else {
    throw new EngineError(
      'CONTAINER_HEALTHCHECK_INVALID',
      `healthcheck test ${JSON.stringify(test)}: expected ["CMD", …], ["CMD-SHELL", "…"] or ["NONE"]`,
    );
  }
  if (command.length === 0 || command[0] === '') {
    throw new EngineError(
      'CONTAINER_HEALTHCHECK_INVALID',
      `healthcheck test ${JSON.stringify(test)}: no command`,
    );
  }
  const pick = (s: number | undefined, i: number | undefined, d: number): number =>
    s !== undefined && s > 0 ? s : (i ?? d);
  return {
    command,
    test: [...test],
    intervalMs: pick(spec?.intervalMs, msFromImage(image?.Interval), 30_000),
    timeoutMs: pick(spec?.timeoutMs, msFromImage(image?.Timeout), 30_000),
    retries: pick(spec?.retries, image?.Retries && image.Retries > 0 ? image.Retries : undefined, 3),
    startPeriodMs: pick(spec?.startPeriodMs, msFromImage(image?.StartPeriod), 0),
    startIntervalMs: pick(spec?.startIntervalMs, msFromImage(image?.StartInterval), 5_000),
  };
}

function portKey(port: number, protocol: string): string {
  return `${port}/${protocol}`;
}

/** Merges a spec with its image's runtime config, as Docker's container create does. */
export function effectiveConfig(inputs: EffectiveConfigInputs): EffectiveConfig {
  const { spec, image } = inputs;
  const { entrypoint, cmd } = resolveCommand(spec, image);
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) {
    throw new EngineError(
      'CONTAINER_NO_COMMAND',
      `container ${spec.name}: no command specified`,
      'the image has no ENTRYPOINT or CMD: give a command',
    );
  }
  const hostname = spec.hostname ?? inputs.defaultHostname;
  const tty = spec.tty ?? false;
  const daemonEnv = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${hostname}`, ...(tty ? ['TERM=xterm'] : [])];
  const specEnv = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
  const env = mergeEnv(mergeEnv(daemonEnv, image.Env ?? []), specEnv);
  const exposed = new Set<string>(Object.keys(image.ExposedPorts ?? {}));
  for (const p of spec.exposedPorts ?? []) {
    for (let n = p.port; n <= (p.portEnd ?? p.port); n++) exposed.add(portKey(n, p.protocol));
  }
  for (const p of spec.ports) {
    for (let n = p.containerPort; n <= (p.containerPortEnd ?? p.containerPort); n++)
      exposed.add(portKey(n, p.protocol ?? 'tcp'));
  }
  const cwd = spec.workingDir ?? (image.WorkingDir && image.WorkingDir !== '' ? image.WorkingDir : '/');
  if (!cwd.startsWith('/')) {
    throw new EngineError(
      'CONTAINER_WORKDIR_INVALID',
      `container ${spec.name}: working directory "${cwd}" is not absolute`,
    );
  }
  const user = spec.user ?? (image.User && image.User !== '' ? image.User : undefined);
  return {
    args,
    entrypoint,
    cmd,
    env,
    cwd,
    user,
    hostname,
    domainname: spec.domainname,
    stopSignal: normalizeSignal(spec.stopSignal ?? image.StopSignal ?? 'SIGTERM'),
    stopTimeoutMs: spec.stopGracePeriodMs ?? DEFAULT_STOP_TIMEOUT_MS,
    healthcheck: resolveHealthcheck(spec.healthcheck, image.Healthcheck),
    exposedPorts: [...exposed].sort(),
    imageVolumes: Object.keys(image.Volumes ?? {}).sort(),
    labels: { ...(image.Labels ?? {}), ...spec.labels },
    restartPolicy: spec.restartPolicy ?? { name: 'no' },
    tty,
    openStdin: spec.stdinOpen ?? false,
  };
}
