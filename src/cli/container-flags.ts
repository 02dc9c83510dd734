import { absoluteSeccompOption } from '../common/seccomp-option.js';
import { UsageError } from '../common/usage-error.js';
import type {
  ContainerEndpointSpec,
  ContainerSpec,
  DeviceSpec,
  ExposedPortSpec,
  ExtraHostSpec,
  HealthcheckSpec,
  MountSpec,
  RestartPolicySpec,
  UlimitSpec,
} from '../engine/container/types.js';
import type { PortBindingSpec, PortProtocol } from '../engine/network/types.js';
import { parseBytes, parseMount, parseTmpfs, parseVolume } from './container-mount-flags.js';

/**
 * `container create|run` flags → ContainerSpec, Docker's syntax for each (`docker run --help`).
 * Pure: files named by flags (`--env-file`) are read by the caller and passed in.
 */
export interface RunFlags {
  name?: string;
  env?: string[];
  label?: string[];
  publish?: string[];
  expose?: string[];
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  network?: string[];
  networkAlias?: string[];
  ip?: string;
  hostname?: string;
  domainname?: string;
  workdir?: string;
  user?: string;
  entrypoint?: string;
  init?: boolean;
  readOnly?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  securityOpt?: string[];
  ulimit?: string[];
  sysctl?: string[];
  shmSize?: string;
  addHost?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOption?: string[];
  memory?: string;
  memorySwap?: string;
  memoryReservation?: string;
  cpus?: string;
  cpuShares?: string;
  cpusetCpus?: string;
  pidsLimit?: string;
  oomScoreAdj?: string;
  oomKillDisable?: boolean;
  restart?: string;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  healthStartInterval?: string;
  healthcheck?: boolean;
  stopSignal?: string;
  stopTimeout?: string;
  interactive?: boolean;
  tty?: boolean;
  rm?: boolean;
  device?: string[];
  groupAdd?: string[];
  ipc?: string;
  pid?: string;
  uts?: string;
  logDriver?: string;
  logOpt?: string[];
}

/** Go-style durations (`1m30s`, `500ms`, `2h`) and plain seconds → ms. */
export function parseDurationMs(text: string, flag: string): number {
  const t = text.trim();
  if (/^[0-9]+(\.[0-9]+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const re = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(re)) {
    const n = Number(m[1]);
    const unit = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms'];
    total += n * unit;
    consumed += m[0].length;
  }
  if (consumed !== t.length || t === '')
    throw new UsageError(`${flag} "${text}": expected a duration such as 30s or 1m30s`);
  return Math.round(total);
}

function int(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(text.trim())) throw new UsageError(`${flag} "${text}": expected an integer`);
  return Number(text);
}

/** `KEY=VALUE` pairs; a bare `KEY` takes its value from `lookup` (the CLI's environment) or is left out. */
export function parseEnvPairs(
  pairs: readonly string[],
  lookup: (key: string) => string | undefined,
  flag = '--env',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (key === '') throw new UsageError(`${flag} "${pair}": expected KEY=VALUE`);
    if (eq >= 0) out[key] = pair.slice(eq + 1);
    else {
      const v = lookup(key);
      if (v !== undefined) out[key] = v;
    }
  }
  return out;
}

/** An env file: `KEY=VALUE` lines, `#` comments, blank lines; `KEY` alone from the environment. */
export function parseEnvFile(
  text: string,
  lookup: (key: string) => string | undefined,
): Record<string, string> {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  return parseEnvPairs(lines, lookup, '--env-file');
}

function labels(pairs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const eq = p.indexOf('=');
    const k = eq < 0 ? p : p.slice(0, eq);
    if (k === '') throw new UsageError(`--label "${p}": expected KEY=VALUE`);
    out[k] = eq < 0 ? '' : p.slice(eq + 1);
  }
  return out;
}

function range(text: string, flag: string): [number, number | undefined] {
  const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(text);
  if (!m) throw new UsageError(`${flag}: "${text}" is not a port or port range`);
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : undefined;
  if (a < 1 || a > 65535 || (b !== undefined && (b < a || b > 65535)))
    throw new UsageError(`${flag}: "${text}" is out of range`);
  return [a, b];
}

/** `-p [IP:][HOST[-END]:]CONTAINER[-END][/PROTO]` (an IPv6 host IP in brackets). */
export function parsePublish(text: string): PortBindingSpec {
  let rest = text;
  let protocol: PortProtocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const proto = rest.slice(slash + 1);
    if (proto !== 'tcp' && proto !== 'udp')
      throw new UsageError(`--publish "${text}": protocol must be tcp or udp`);
    protocol = proto;
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  const bracket = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  let parts: string[];
  if (bracket) {
    hostIp = bracket[1];
    parts = bracket[2]!.split(':');
  } else parts = rest.split(':');
  if (!bracket && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2 || parts.length === 0)
    throw new UsageError(`--publish "${text}": expected [IP:][HOST:]CONTAINER[/PROTO]`);
  const [c, cEnd] = range(parts[parts.length - 1]!, `--publish "${text}"`);
  const host = parts.length === 2 && parts[0] !== '' ? range(parts[0]!, `--publish "${text}"`) : undefined;
  return {
    ...(hostIp !== undefined && hostIp !== '' ? { hostIp } : {}),
    ...(host ? { hostPort: host[0] } : {}),
    ...(host?.[1] !== undefined ? { hostPortEnd: host[1] } : {}),
    containerPort: c,
    ...(cEnd !== undefined ? { containerPortEnd: cEnd } : {}),
    protocol,
  };
}

function parseExpose(text: string): ExposedPortSpec {
  const [p, proto = 'tcp'] = text.split('/');
  if (proto !== 'tcp' && proto !== 'udp')
    throw new UsageError(`--expose "${text}": protocol must be tcp or udp`);
  const [port, end] = range(p!, `--expose "${text}"`);
  return { port, ...(end !== undefined ? { portEnd: end } : {}), protocol: proto };
}

/** `--restart no|always|unless-stopped|on-failure[:N]`. */
export function parseRestart(text: string): RestartPolicySpec {
  const [name, max] = text.split(':');
  if (name === 'on-failure')
    return { name, ...(max !== undefined ? { maxRetries: int(max, '--restart')! } : {}) };
  if ((name === 'no' || name === 'always' || name === 'unless-stopped') && max === undefined) return { name };
  throw new UsageError(`--restart "${text}": expected no, always, unless-stopped or on-failure[:N]`);
}

/** `--ulimit name=soft[:hard]`. */
export function parseUlimit(text: string): UlimitSpec {
  const m = /^([a-z]+)=(-?[0-9]+)(?::(-?[0-9]+))?$/.exec(text);
  if (!m) throw new UsageError(`--ulimit "${text}": expected NAME=SOFT[:HARD], e.g. nofile=1024:2048`);
  return { name: m[1]!, soft: Number(m[2]), hard: Number(m[3] ?? m[2]) };
}

/** `--add-host host:ip` (also `host=ip`; `host-gateway` as the ip). */
export function parseAddHost(text: string): ExtraHostSpec {
  const eq = text.indexOf('=');
  const sep = eq >= 0 ? eq : text.indexOf(':');
  if (sep <= 0) throw new UsageError(`--add-host "${text}": expected HOST:IP`);
  return { hostname: text.slice(0, sep), ip: text.slice(sep + 1).replace(/^\[|\]$/g, '') };
}

function parseDevice(text: string): DeviceSpec {
  const [hostPath, containerPath, permissions] = text.split(':');
  if (!hostPath) throw new UsageError(`--device "${text}": expected HOST[:CONTAINER[:PERMISSIONS]]`);
  return { hostPath, ...(containerPath ? { containerPath } : {}), ...(permissions ? { permissions } : {}) };
}

function healthcheck(f: RunFlags): HealthcheckSpec | undefined {
  if (f.healthcheck === false) return { disable: true };
  const h: {
    test?: string[];
    intervalMs?: number;
    timeoutMs?: number;
    retries?: number;
    startPeriodMs?: number;
    startIntervalMs?: number;
  } = {};
  if (f.healthCmd !== undefined) h.test = ['CMD-SHELL', f.healthCmd];
  if (f.healthInterval !== undefined) h.intervalMs = parseDurationMs(f.healthInterval, '--health-interval');
  if (f.healthTimeout !== undefined) h.timeoutMs = parseDurationMs(f.healthTimeout, '--health-timeout');
  if (f.healthRetries !== undefined) h.retries = int(f.healthRetries, '--health-retries')!;
  if (f.healthStartPeriod !== undefined)
    h.startPeriodMs = parseDurationMs(f.healthStartPeriod, '--health-start-period');
  if (f.healthStartInterval !== undefined)
    h.startIntervalMs = parseDurationMs(f.healthStartInterval, '--health-start-interval');
  return Object.keys(h).length > 0 ? h : undefined;
}

function networking(f: RunFlags): ContainerSpec['network'] {
  const nets = f.network && f.network.length > 0 ? f.network : ['bridge'];
  const first = nets[0]!;
  if (first === 'host' || first === 'none' || first.startsWith('container:')) {
    if (nets.length > 1) throw new UsageError(`--network ${first} cannot be combined with other networks`);
    if (first === 'host') return { mode: 'host' };
    if (first === 'none') return { mode: 'none' };
    return { mode: 'container', container: first.slice('container:'.length) };
  }
  const endpoints: ContainerEndpointSpec[] = nets.map((n, i) => ({
    network: n,
    ...(i === 0 && f.networkAlias?.length ? { aliases: f.networkAlias } : {}),
    ...(i === 0 && f.ip ? { ipv4Address: f.ip } : {}),
  }));
  return { mode: 'bridge', networks: endpoints };
}

export interface ParsedRun {
  readonly spec: ContainerSpec;
  /** Default network `bridge` to make on demand (none given). */
  readonly usesDefaultNetwork: boolean;
}

/** Everything of `run`/`create` but the image's own defaults, which the engine applies. */
export function specFromRunFlags(
  image: string,
  command: readonly string[],
  f: RunFlags,
  o: { cwd: string; env: Record<string, string>; name: string },
): ParsedRun {
  const mounts: MountSpec[] = [
    ...(f.volume ?? []).map((v) => parseVolume(v, o.cwd)),
    ...(f.mount ?? []).map((m) => parseMount(m, o.cwd)),
    ...(f.tmpfs ?? []).map(parseTmpfs),
  ];
  const ulimits = (f.ulimit ?? []).map(parseUlimit);
  const sysctls = labels(f.sysctl);
  const memory = f.memory !== undefined ? parseBytes(f.memory, '--memory') : undefined;
  const memorySwap =
    f.memorySwap !== undefined
      ? f.memorySwap === '-1'
        ? -1
        : parseBytes(f.memorySwap, '--memory-swap')
      : undefined;
  const cpus = f.cpus !== undefined ? Number(f.cpus) : undefined;
  if (cpus !== undefined && (!Number.isFinite(cpus) || cpus <= 0))
    throw new UsageError(`--cpus "${f.cpus}": expected a positive number`);
  const resources = {
    ...(memory !== undefined ? { memoryBytes: memory } : {}),
    ...(memorySwap !== undefined ? { memorySwapBytes: memorySwap } : {}),
    ...(f.memoryReservation !== undefined
      ? { memoryReservationBytes: parseBytes(f.memoryReservation, '--memory-reservation') }
      : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(f.cpuShares !== undefined ? { cpuShares: int(f.cpuShares, '--cpu-shares')! } : {}),
    ...(f.cpusetCpus !== undefined ? { cpusetCpus: f.cpusetCpus } : {}),
    ...(f.pidsLimit !== undefined ? { pidsLimit: int(f.pidsLimit, '--pids-limit')! } : {}),
    ...(f.oomScoreAdj !== undefined ? { oomScoreAdj: int(f.oomScoreAdj, '--oom-score-adj')! } : {}),
    ...(f.oomKillDisable ? { oomKillDisable: true } : {}),
  };
  const hc = healthcheck(f);
  const network = networking(f);
  const logOpts = labels(f.logOpt);
  const spec: ContainerSpec = {
    name: o.name,
    image,
    entrypoint: f.entrypoint === undefined ? null : f.entrypoint === '' ? [] : [f.entrypoint],
    command: command.length > 0 ? [...command] : null,
    env: o.env,
    labels: labels(f.label),
    mounts,
    network,
    ports: (f.publish ?? []).map(parsePublish),
    ...(f.expose?.length ? { exposedPorts: f.expose.map(parseExpose) } : {}),
    ...(f.hostname !== undefined ? { hostname: f.hostname } : {}),
    ...(f.domainname !== undefined ? { domainname: f.domainname } : {}),
    ...(f.user !== undefined ? { user: f.user } : {}),
    ...(f.workdir !== undefined ? { workingDir: f.workdir } : {}),
    ...(f.init ? { init: true } : {}),
    ...(f.readOnly ? { readOnlyRootfs: true } : {}),
    ...(f.capAdd?.length ? { capAdd: f.capAdd } : {}),
    ...(f.capDrop?.length ? { capDrop: f.capDrop } : {}),
    ...(f.privileged ? { privileged: true } : {}),
    ...(f.securityOpt?.length
      ? { securityOpt: f.securityOpt.map((s) => absoluteSeccompOption(s, o.cwd)) }
      : {}),
    ...(ulimits.length ? { ulimits } : {}),
    ...(Object.keys(sysctls).length ? { sysctls } : {}),
    ...(f.shmSize !== undefined ? { shmSizeBytes: parseBytes(f.shmSize, '--shm-size') } : {}),
    ...(f.addHost?.length ? { extraHosts: f.addHost.map(parseAddHost) } : {}),
    ...(f.dns?.length ? { dns: f.dns } : {}),
    ...(f.dnsSearch?.length ? { dnsSearch: f.dnsSearch } : {}),
    ...(f.dnsOption?.length ? { dnsOptions: f.dnsOption } : {}),
    ...(Object.keys(resources).length ? { resources } : {}),
    ...(f.restart !== undefined ? { restartPolicy: parseRestart(f.restart) } : {}),
    ...(hc ? { healthcheck: hc } : {}),
    ...(f.stopSignal !== undefined ? { stopSignal: f.stopSignal } : {}),
    ...(f.stopTimeout !== undefined
      ? { stopGracePeriodMs: int(f.stopTimeout, '--stop-timeout')! * 1000 }
      : {}),
    ...(f.tty ? { tty: true } : {}),
    ...(f.interactive ? { stdinOpen: true } : {}),
    ...(f.device?.length ? { devices: f.device.map(parseDevice) } : {}),
    ...(f.groupAdd?.length ? { groupAdd: f.groupAdd } : {}),
    ...(f.ipc !== undefined ? { ipc: f.ipc as ContainerSpec['ipc'] & string } : {}),
    ...(f.pid !== undefined ? { pid: f.pid as ContainerSpec['pid'] & string } : {}),
    ...(f.uts !== undefined ? { uts: f.uts as 'host' } : {}),
    ...(f.logDriver !== undefined || Object.keys(logOpts).length
      ? { logging: { driver: f.logDriver ?? 'json-file', options: logOpts } }
      : {}),
    ...(f.rm ? { autoRemove: true } : {}),
  };
  return { spec, usesDefaultNetwork: !f.network || f.network.length === 0 };
}

export { parseBytes };
